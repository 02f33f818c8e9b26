import GeoCore

extension LayerStore {
    /// Any store: through ``forEachFeature(of:filter:_:)``.
    public func forEachPoint(of layer: String, properties: [String], _ body: (FeatureID?, Point?, [JSONValue]) throws -> Void) throws {
        try forEachFeature(of: layer, filter: .all) { f in
            var point: Point?
            if case .point(let p)? = f.geometry { point = p }
            try body(f.id, point, properties.map { f.properties[$0] ?? .null })
        }
    }
}

extension SpatiaLiteStore {
    /// The SpatiaLite store reads only the columns asked for and the point's X and Y, with no
    /// JSON and no geometry decoding: several times faster than whole features for 10^6 appeals.
    /// A property without a column of its own (nested, or absent from the layer) reads as null.
    public func forEachPoint(of layer: String, properties: [String], _ body: (FeatureID?, Point?, [JSONValue]) throws -> Void) throws {
        guard let info = try self.layer(named: layer) else { throw StoreError.noSuchLayer(layer) }
        let columns = properties.map { p in info.columns.first { $0.property == p } }
        let selected = columns.map { c in c.map { SQL.identifier($0.column) } ?? "NULL" }
        let sql = "SELECT feature_id, X(geom), Y(geom)" + selected.map { ", " + $0 }.joined() + " FROM \(SQL.identifier(layer)) ORDER BY fid"
        let statement = try db.prepare(sql)
        var values = [JSONValue](repeating: .null, count: properties.count)
        while try statement.step() {
            let id: FeatureID? = switch statement.value(0) {
            case .integer(let i): .integer(i)
            case .real(let d): .number(d)
            case .text(let s): .string(s)
            default: nil
            }
            var point: Point?
            if case .real(let x) = statement.value(1), case .real(let y) = statement.value(2) { point = Point(x: x, y: y) }
            for k in properties.indices {
                let v = statement.value(Int32(3 + k))
                values[k] = switch v {
                case .integer(let i): columns[k]?.type == .boolean ? .bool(i != 0) : .integer(i)
                case .real(let d): .number(d)
                case .text(let s): .string(s)
                default: .null
                }
            }
            try body(id, point, values)
        }
    }
}
