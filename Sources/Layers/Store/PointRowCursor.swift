import GeoCore

/// One row of a point layer as ``LayerStore/forEachPointRow(of:properties:_:)`` reads it: the
/// feature's id, its point, and the asked-for properties, each readable as raw UTF-8 bytes or a
/// number without building a `String` or a ``JSONValue`` first, for analyses that read 10^6 rows
/// and parse the values themselves. Valid only inside the call that received it.
public struct PointRowCursor {
    enum Source {
        /// A SpatiaLite row: feature_id, geom (SpatiaLite blob), geoctl_kind, then the properties' columns
        /// (`types[k]` nil when the property has no column: it reads as null).
        case spatiaLite(Statement, types: [ColumnType?])
        /// Values already decoded (any other store).
        case values(FeatureID?, Point?, [JSONValue], geometryName: String?)
    }

    let source: Source

    init(source: Source) { self.source = source }

    /// A row of values already decoded (features in memory, or a store without a faster read).
    public init(id: FeatureID?, point: Point?, values: [JSONValue], geometryName: String? = "not a Point") {
        source = .values(id, point, values, geometryName: geometryName)
    }

    /// The point's X and Y, or nil when the geometry is missing or not a Point.
    public var point: (x: Double, y: Double)? {
        switch source {
        case .spatiaLite(let s, _): return s.withBlob(1) { SpatiaLiteBlob.point($0) } ?? nil
        case .values(_, let p, _, _): return p.map { ($0.x, $0.y) }
        }
    }

    /// The geometry's type name (`Polygon`…), or nil when the feature has no geometry: for
    /// saying why a row has no ``point``.
    public var geometryName: String? {
        switch source {
        case .spatiaLite(let s, _):
            if s.isNull(1) { return nil }
            if case .text(let kind) = s.value(2) { return kind }
            return "not a Point"
        case .values(_, _, _, let name): return name
        }
    }

    /// The feature's id when it is an integer (the common case), without allocating.
    public var integerID: Int64? {
        switch source {
        case .spatiaLite(let s, _): return s.integer(0)
        case .values(let id, _, _, _):
            if case .integer(let i)? = id { return i }
            return nil
        }
    }

    /// Whether the feature has an id.
    public var hasID: Bool {
        switch source {
        case .spatiaLite(let s, _): return !s.isNull(0)
        case .values(let id, _, _, _): return id != nil
        }
    }

    /// The feature's id.
    public var id: FeatureID? {
        switch source {
        case .spatiaLite(let s, _):
            return switch s.value(0) {
            case .integer(let i): .integer(i)
            case .real(let d): .number(d)
            case .text(let t): .string(t)
            default: nil
            }
        case .values(let id, _, _, _): return id
        }
    }

    /// Calls `body` with the UTF-8 bytes of property `k` when it is a string; nil otherwise
    /// (null, a number, a boolean: read those with ``value(_:)``).
    public func withText<T>(_ k: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        switch source {
        case .spatiaLite(let s, let types):
            guard types[k] != nil else { return nil }
            return try s.withText(Int32(3 + k), body)
        case .values(_, _, let values, _):
            guard case .string(var text) = values[k] else { return nil }
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Property `k` when it is an integer (not a boolean); nil otherwise.
    public func integer(_ k: Int) -> Int64? {
        switch source {
        case .spatiaLite(let s, let types):
            guard let type = types[k], type != .boolean else { return nil }
            return s.integer(Int32(3 + k))
        case .values(_, _, let values, _):
            if case .integer(let i) = values[k] { return i }
            return nil
        }
    }

    /// Property `k` as a number when it is one; nil otherwise.
    public func double(_ k: Int) -> Double? {
        switch source {
        case .spatiaLite(let s, let types):
            guard let type = types[k], type != .boolean else { return nil }
            return s.double(Int32(3 + k))
        case .values(_, _, let values, _): return values[k].doubleValue
        }
    }

    /// Property `k` as a JSON value (null when absent): the general, allocating path.
    public func value(_ k: Int) -> JSONValue {
        switch source {
        case .spatiaLite(let s, let types):
            guard let type = types[k] else { return .null }
            return switch s.value(Int32(3 + k)) {
            case .integer(let i): type == .boolean ? .bool(i != 0) : .integer(i)
            case .real(let d): .number(d)
            case .text(let t): .string(t)
            default: .null
            }
        case .values(_, _, let values, _): return values[k]
        }
    }
}

extension LayerStore {
    /// Any store: through ``forEachFeature(of:filter:_:)`` (the geometry's type is kept, to
    /// say why a row has no point).
    public func forEachPointRow(of layer: String, properties: [String], _ body: (PointRowCursor) throws -> Void) throws {
        try forEachFeature(of: layer, filter: .all) { f in
            var point: Point?
            if case .point(let p)? = f.geometry { point = p }
            try body(PointRowCursor(id: f.id, point: point, values: properties.map { f.properties[$0] ?? .null }, geometryName: f.geometry?.typeName))
        }
    }
}

extension SpatiaLiteStore {
    /// The SpatiaLite store steps one prepared statement over feature_id, the geometry BLOB
    /// (X and Y read from its bytes) and only the asked-for columns; text stays in SQLite's
    /// buffer until the caller parses it.
    public func forEachPointRow(of layer: String, properties: [String], _ body: (PointRowCursor) throws -> Void) throws {
        guard let info = try self.layer(named: layer) else { throw StoreError.noSuchLayer(layer) }
        let columns = properties.map { p in info.columns.first { $0.property == p } }
        let selected = columns.map { c in c.map { SQL.identifier($0.column) } ?? "NULL" }
        let sql = "SELECT feature_id, geom, geoctl_kind" + selected.map { ", " + $0 }.joined() + " FROM \(SQL.identifier(layer)) ORDER BY fid"
        let statement = try db.prepare(sql)
        let types = columns.map { $0?.type }
        while try statement.step() {
            try body(PointRowCursor(source: .spatiaLite(statement, types: types)))
        }
    }
}
