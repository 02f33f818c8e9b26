import CSpatiaLite
import GeoCore

/// One row of a point layer as ``LayerStore/forEachPointRow(of:properties:_:)`` reads it: the
/// feature's id, its point, and the asked-for properties, each readable as raw UTF-8 bytes or a
/// number without building a `String` or a ``JSONValue`` first, for analyses that read 10^6 rows
/// and parse the values themselves. Valid only inside the call that received it.
public final class PointRowCursor {
    /// A SpatiaLite row: feature_id, geom (SpatiaLite blob), geoctl_kind, then the properties'
    /// columns (`types[k]` nil when the property has no column: it reads as null). One cursor
    /// per statement, read through the raw `sqlite3_stmt` (a struct holding the statement and
    /// an enum's payload was copied, retained and released on every value read).
    private let statement: Statement?
    private let handle: OpaquePointer?
    private let types: [ColumnType?]
    /// Values already decoded (any other store), when ``statement`` is nil.
    private let decoded: Decoded?

    private struct Decoded {
        var id: FeatureID?
        var point: Point?
        var values: [JSONValue]
        var geometryName: String?
    }

    init(statement: Statement, types: [ColumnType?]) {
        self.statement = statement
        handle = statement.handle
        self.types = types
        decoded = nil
    }

    /// A row of values already decoded (features in memory, or a store without a faster read).
    public init(id: FeatureID?, point: Point?, values: [JSONValue], geometryName: String? = "not a Point") {
        statement = nil
        handle = nil
        types = []
        decoded = Decoded(id: id, point: point, values: values, geometryName: geometryName)
    }

    /// Column `column` of the current row as SQLite's own value, read with the cheap
    /// `sqlite3_value_*` calls: each `sqlite3_column_*` call checks the statement, enters and
    /// leaves the connection's mutex and checks for a failed allocation, and reading one text
    /// took three of them. (Using the column's value this way is allowed on a connection
    /// without a mutex, as the store's are: SQLITE_OPEN_NOMUTEX.)
    @inline(__always)
    private func value(_ h: OpaquePointer, _ column: Int32) -> OpaquePointer? { sqlite3_column_value(h, column) }

    /// The point's X and Y, or nil when the geometry is missing or not a Point.
    public var point: (x: Double, y: Double)? {
        if let h = handle {
            let v = value(h, 1)
            guard sqlite3_value_type(v) == SQLITE_BLOB, let p = sqlite3_value_blob(v) else { return nil }
            return SpatiaLiteBlob.point(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(v))))
        }
        return decoded!.point.map { ($0.x, $0.y) }
    }

    /// The geometry's type name (`Polygon`…), or nil when the feature has no geometry: for
    /// saying why a row has no ``point``.
    public var geometryName: String? {
        if let s = statement {
            if s.isNull(1) { return nil }
            if case .text(let kind) = s.value(2) { return kind }
            return "not a Point"
        }
        return decoded!.geometryName
    }

    /// The feature's id when it is an integer (the common case), without allocating.
    public var integerID: Int64? {
        if let h = handle {
            let v = value(h, 0)
            return sqlite3_value_type(v) == SQLITE_INTEGER ? sqlite3_value_int64(v) : nil
        }
        if case .integer(let i)? = decoded!.id { return i }
        return nil
    }

    /// Whether the feature has an id.
    public var hasID: Bool {
        if let h = handle { return sqlite3_value_type(value(h, 0)) != SQLITE_NULL }
        return decoded!.id != nil
    }

    /// The feature's id.
    public var id: FeatureID? {
        if let s = statement {
            return switch s.value(0) {
            case .integer(let i): .integer(i)
            case .real(let d): .number(d)
            case .text(let t): .string(t)
            default: nil
            }
        }
        return decoded!.id
    }

    /// Calls `body` with the UTF-8 bytes of property `k` when it is a string; nil otherwise
    /// (null, a number, a boolean: read those with ``value(_:)``).
    public func withText<T>(_ k: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        if let h = handle {
            let column = Int32(3 + k)
            guard types[k] != nil else { return nil }
            let v = value(h, column)
            guard sqlite3_value_type(v) == SQLITE_TEXT, let p = sqlite3_value_text(v) else { return nil }
            return try body(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_value_bytes(v))))
        }
        guard case .string(var text) = decoded!.values[k] else { return nil }
        return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
    }

    /// Property `k` when it is an integer (not a boolean); nil otherwise.
    public func integer(_ k: Int) -> Int64? {
        if let h = handle {
            guard let t = types[k], t != .boolean else { return nil }
            let v = value(h, Int32(3 + k))
            return sqlite3_value_type(v) == SQLITE_INTEGER ? sqlite3_value_int64(v) : nil
        }
        if case .integer(let i) = decoded!.values[k] { return i }
        return nil
    }

    /// Property `k` as a number when it is one; nil otherwise.
    public func double(_ k: Int) -> Double? {
        if let h = handle {
            guard let t = types[k], t != .boolean else { return nil }
            let v = value(h, Int32(3 + k))
            switch sqlite3_value_type(v) {
            case SQLITE_INTEGER, SQLITE_FLOAT: return sqlite3_value_double(v)
            default: return nil
            }
        }
        return decoded!.values[k].doubleValue
    }

    /// Property `k` as a JSON value (null when absent): the general, allocating path.
    public func value(_ k: Int) -> JSONValue {
        if let s = statement {
            guard let type = types[k] else { return .null }
            return switch s.value(Int32(3 + k)) {
            case .integer(let i): type == .boolean ? .bool(i != 0) : .integer(i)
            case .real(let d): .number(d)
            case .text(let t): .string(t)
            default: .null
            }
        }
        return decoded!.values[k]
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
    /// How much of the file ``forEachPointRow(of:properties:_:)`` maps (SQLite caps it at its
    /// compile-time limit).
    static let pointScanMapBytes = 1 << 31

    /// The SpatiaLite store steps one prepared statement over feature_id, the geometry BLOB
    /// (X and Y read from its bytes) and only the asked-for columns; text stays in SQLite's
    /// buffer until the caller parses it.
    public func forEachPointRow(of layer: String, properties: [String], _ body: (PointRowCursor) throws -> Void) throws {
        guard let info = try self.layer(named: layer) else { throw StoreError.noSuchLayer(layer) }
        let columns = properties.map { p in info.columns.first { $0.property == p } }
        let selected = columns.map { c in c.map { SQL.identifier($0.column) } ?? "NULL" }
        let sql = "SELECT feature_id, geom, geoctl_kind" + selected.map { ", " + $0 }.joined() + " FROM \(SQL.identifier(layer)) ORDER BY fid"
        // The pass reads the table's pages straight from the mapped file rather than one
        // pread(2) copy per page (the store never shrinks its file: no VACUUM, no auto_vacuum).
        db.pragma("PRAGMA mmap_size=\(Self.pointScanMapBytes)")
        defer { db.pragma("PRAGMA mmap_size=0") }
        try withExtendedLifetime(try db.prepare(sql)) { statement in
            let cursor = PointRowCursor(statement: statement, types: columns.map { $0?.type })
            while try statement.step() {
                try body(cursor)
            }
        }
    }
}
