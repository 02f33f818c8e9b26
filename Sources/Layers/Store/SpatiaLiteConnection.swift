import CSpatiaLite

/// An SQLite database connection with SpatiaLite's functions loaded: the typed foundation
/// of ``SpatiaLiteStore``. Not `Sendable`: one connection per task.
public final class SpatiaLiteConnection {
    private(set) var handle: OpaquePointer?
    private var spatialiteCache: UnsafeMutableRawPointer?
    /// Whether SpatiaLite's SQL functions and virtual tables are registered (see
    /// ``loadSpatialFunctions()``).
    private(set) var spatialFunctionsLoaded = false
    /// The database file's path (`:memory:` for a private in-memory database).
    public let path: String

    /// Page cache sizes (negative: KiB, as SQLite takes them) for reading and inside a write.
    static let readCacheKiB = -8192
    static let writeCacheKiB = -65536
    /// The page cache of this connection's next write transactions (KiB, negative).
    var writeCacheKiB = SpatiaLiteConnection.writeCacheKiB

    /// SQLite's memory statistics, which geoctl never reads, turned off before SQLite first
    /// initialises: with them, every SQLite allocation and free takes a process-wide mutex.
    private static let memoryStatisticsOff: Void = { _ = geoctl_sqlite3_memstatus_off() }()

    /// Opens the database at `path` (creating it when `create` is true) and loads SpatiaLite.
    public init(path: String, create: Bool = true, readOnly: Bool = false) throws(StoreError) {
        Self.memoryStatisticsOff
        self.path = path
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw .cannotOpen(path: path, reason: message)
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        // In WAL mode NORMAL keeps every commit atomic and the file consistent after a crash
        // of the process or the machine (a power cut may lose only the last commit).
        sqlite3_exec(db, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=\(Self.readCacheKiB)", nil, nil, nil)
    }

    /// Registers SpatiaLite's SQL functions and virtual tables on this connection, once.
    ///
    /// That takes about 6 ms (over a thousand functions), a twentieth of a whole `geoctl
    /// appeals` process at 10^5 appeals, and most reads need none of them: so it happens on
    /// first need. ``execute(_:)`` (writes, schema changes, several statements at once) always
    /// loads them first; ``prepare(_:)`` loads them and prepares again when SQLite answers "no
    /// such function" or "no such module" (SpatiaLite's functions and virtual tables, in the
    /// statement or in a trigger or view it compiles). No SQL here uses a function SQLite
    /// itself also defines (its math functions), whose meaning SpatiaLite's would change.
    func loadSpatialFunctions() {
        guard !spatialFunctionsLoaded, let handle else { return }
        spatialFunctionsLoaded = true
        spatialiteCache = spatialite_alloc_connection()
        spatialite_init_ex(handle, spatialiteCache, 0)
    }

    /// Whether SQLite's error message says a statement needs SpatiaLite's functions or virtual
    /// tables (at prepare; at step for a virtual table connected late, e.g. by integrity_check).
    static func wantsSpatialFunctions(_ message: String) -> Bool {
        message.contains("no such function") || message.contains("no such module")
    }

    /// Runs a PRAGMA (no SpatiaLite needed); false when SQLite refused it.
    @discardableResult
    func pragma(_ sql: String) -> Bool {
        sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK
    }

    deinit {
        if let handle { sqlite3_close_v2(handle) }
        if let spatialiteCache { spatialite_cleanup_ex(spatialiteCache) }
    }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
    /// Whether the last failed call found that the file is not an SQLite database.
    var lastErrorWasNotADatabase: Bool { sqlite3_errcode(handle) & 0xFF == SQLITE_NOTADB }

    /// Runs SQL that returns no rows (several statements allowed), one statement after the
    /// other as `sqlite3_exec` does. SpatiaLite is loaded only for a statement that needs it:
    /// such a statement fails at prepare, before it ran (a function, in it or in a trigger or
    /// view it compiles), or fails whole at step (a virtual table connected late); it is then
    /// prepared and run again with SpatiaLite. A write of SQLite alone (`geoctl set`, the
    /// catalog, an import, which writes SpatiaLite's metadata in SQL of its own:
    /// SpatiaLiteMetadata.swift) thus loads neither SpatiaLite nor the libraries it pulls in
    /// (about 15 ms).
    public func execute(_ sql: String) throws(StoreError) {
        let bytes = Array(sql.utf8CString)
        let failure: String? = bytes.withUnsafeBufferPointer { buffer -> String? in
            var next = buffer.baseAddress!
            while next.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                var rc = sqlite3_prepare_v2(handle, next, -1, &statement, &tail)
                if rc != SQLITE_OK, !spatialFunctionsLoaded, Self.wantsSpatialFunctions(lastMessage) {
                    loadSpatialFunctions()
                    rc = sqlite3_prepare_v2(handle, next, -1, &statement, &tail)
                }
                guard rc == SQLITE_OK, let tail else { return lastMessage }
                guard let prepared = statement else { next = tail; continue }   // a comment or spaces
                if let message = finish(prepared) {
                    guard !spatialFunctionsLoaded, Self.wantsSpatialFunctions(message) else { return message }
                    loadSpatialFunctions()
                    guard sqlite3_prepare_v2(handle, next, -1, &statement, nil) == SQLITE_OK, let again = statement else { return lastMessage }
                    if let message = finish(again) { return message }
                }
                next = tail
            }
            return nil
        }
        if let failure { throw .sql(statement: sql, reason: failure) }
    }

    /// Steps a statement to its end, its rows ignored, and finalizes it; SQLite's message
    /// when it failed.
    private func finish(_ statement: OpaquePointer) -> String? {
        var rc = sqlite3_step(statement)
        while rc == SQLITE_ROW { rc = sqlite3_step(statement) }
        let failure = rc == SQLITE_DONE ? nil : lastMessage
        sqlite3_finalize(statement)
        return failure
    }

    /// A prepared statement.
    public func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        var rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        if rc != SQLITE_OK, !spatialFunctionsLoaded {
            if Self.wantsSpatialFunctions(lastMessage) {
                loadSpatialFunctions()
                rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
            }
        }
        guard rc == SQLITE_OK, let statement else {
            throw .sql(statement: sql, reason: lastMessage)
        }
        return Statement(statement, connection: self, sql: sql)
    }

    /// Runs a query with arguments and returns its rows as values.
    public func rows(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Runs a statement with arguments that returns no rows.
    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// The first column of the first row of a query, as text (nil for SQL NULL or no row).
    public func scalarText(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) -> String? {
        try rows(sql, arguments).first?.first?.text
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`): committed when it returns,
    /// rolled back when it throws, so the database is either fully changed or untouched.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        // A write gets a page cache large enough to keep a big import's pages in memory until
        // commit; reads keep a small one, so a long-lived server connection stays small.
        try execute("PRAGMA cache_size=\(writeCacheKiB)")
        defer { try? execute("PRAGMA cache_size=\(Self.readCacheKiB)") }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Versions of the linked SQLite, SpatiaLite, GEOS and PROJ as SpatiaLite reports them.
    public func libraryVersions() throws(StoreError) -> [String: String] {
        var versions: [String: String] = [:]
        for (name, sql) in [("sqlite", "SELECT sqlite_version()"), ("spatialite", "SELECT spatialite_version()"),
                            ("geos", "SELECT geos_version()"), ("proj", "SELECT proj_version()")] {
            versions[name] = try scalarText(sql)
        }
        return versions
    }
}

/// A value bound to or read from SQL.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var text: String? {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case .real(let d): String(d)
        default: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let i): i
        case .real(let d): Int64(exactly: d)
        case .text(let s): Int64(s)
        default: nil
        }
    }

    public var real: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .real(let d): d
        case .text(let s): Double(s)
        default: nil
        }
    }
}

/// A prepared SQLite statement; finalized when released.
public final class Statement {
    private let statement: OpaquePointer
    private let connection: SpatiaLiteConnection
    let sql: String
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, connection: SpatiaLiteConnection, sql: String) {
        self.statement = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(statement) }

    /// The `sqlite3_stmt`, for readers that call SQLite's column functions themselves.
    var handle: OpaquePointer { statement }

    /// Binds values to parameters 1…n.
    public func bind(_ values: [SQLValue]) throws(StoreError) {
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws(StoreError) {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(statement, index)
        case .integer(let i): rc = sqlite3_bind_int64(statement, index, i)
        case .real(let d): rc = sqlite3_bind_double(statement, index, d)
        case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, Self.transient)
        case .blob(let b):
            rc = b.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
        guard rc == SQLITE_OK else { throw .sql(statement: sql, reason: connection.lastMessage) }
    }

    /// Binds bytes as a BLOB (copied by SQLite): no `SQLValue` or array copy in between.
    public func bindBlob(_ bytes: [UInt8], at index: Int32) throws(StoreError) {
        let rc = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        guard rc == SQLITE_OK else { throw .sql(statement: sql, reason: connection.lastMessage) }
    }

    /// Binds UTF-8 bytes as TEXT (copied by SQLite), without making a `String`.
    public func bindText(utf8 bytes: [UInt8], at index: Int32) throws(StoreError) {
        let rc = bytes.withUnsafeBytes { bindText(raw: $0, at: index) }
        guard rc == SQLITE_OK else { throw .sql(statement: sql, reason: connection.lastMessage) }
    }

    /// Binds UTF-8 bytes as TEXT (copied by SQLite).
    public func bindText(bytes: UnsafeRawBufferPointer, at index: Int32) throws(StoreError) {
        let rc = bindText(raw: bytes, at: index)
        guard rc == SQLITE_OK else { throw .sql(statement: sql, reason: connection.lastMessage) }
    }

    /// Binds a string's UTF-8 bytes as TEXT (copied by SQLite), with no NUL-terminated copy.
    public func bindText(_ text: String, at index: Int32) throws(StoreError) {
        var text = text
        let rc = text.withUTF8 { bindText(raw: UnsafeRawBufferPointer($0), at: index) }
        guard rc == SQLITE_OK else { throw .sql(statement: sql, reason: connection.lastMessage) }
    }

    private func bindText(raw b: UnsafeRawBufferPointer, at index: Int32) -> Int32 {
        if let base = b.baseAddress, b.count > 0 {
            return sqlite3_bind_text(statement, index, base.assumingMemoryBound(to: CChar.self), Int32(b.count), Self.transient)
        }
        return sqlite3_bind_text(statement, index, "", 0, Self.transient)
    }

    /// The rowid of the last row this statement's connection inserted.
    public var lastInsertRowid: Int64 { sqlite3_last_insert_rowid(sqlite3_db_handle(statement)) }

    /// Rewinds for the next execution, keeping the bindings (each is bound again anyway).
    public func rewind() {
        steppedToRow = false
        sqlite3_reset(statement)
    }

    /// Advances to the next row; false when done.
    public func step() throws(StoreError) -> Bool {
        var rc = sqlite3_step(statement)
        // A virtual table SpatiaLite defines may be connected only now (PRAGMA integrity_check
        // visits every table): before any row, load SpatiaLite and run the statement again.
        if rc != SQLITE_ROW, rc != SQLITE_DONE, !steppedToRow, !connection.spatialFunctionsLoaded,
           SpatiaLiteConnection.wantsSpatialFunctions(connection.lastMessage) {
            sqlite3_reset(statement)
            connection.loadSpatialFunctions()
            rc = sqlite3_step(statement)
        }
        switch rc {
        case SQLITE_ROW:
            steppedToRow = true
            return true
        case SQLITE_DONE: return false
        default: throw .sql(statement: sql, reason: connection.lastMessage)
        }
    }

    /// Whether this execution has returned a row (a statement is run again only before that).
    private var steppedToRow = false

    /// Clears bindings and rewinds, for the next execution.
    public func reset() {
        steppedToRow = false
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    public var columnCount: Int32 { sqlite3_column_count(statement) }

    public func value(_ column: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, column)))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(statement, column))
            guard n > 0, let p = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    /// Whether a column is NULL.
    @inline(__always)
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    /// An INTEGER column's value; nil for any other type.
    @inline(__always)
    public func integer(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_INTEGER ? sqlite3_column_int64(statement, column) : nil
    }

    /// A number column's value (INTEGER or REAL); nil for any other type.
    @inline(__always)
    public func double(_ column: Int32) -> Double? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER, SQLITE_FLOAT: sqlite3_column_double(statement, column)
        default: nil
        }
    }

    /// The raw bytes of a BLOB column, valid until the next step (no copy).
    public func withBlob<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        guard sqlite3_column_type(statement, column) == SQLITE_BLOB, let p = sqlite3_column_blob(statement, column) else { return nil }
        return try body(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, column))))
    }

    /// The UTF-8 bytes of a TEXT column, valid until the next step (no copy, no String).
    public func withText<T>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T? {
        guard sqlite3_column_type(statement, column) == SQLITE_TEXT, let p = sqlite3_column_text(statement, column) else { return nil }
        return try body(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, column))))
    }

    public func row() -> [SQLValue] {
        (0 ..< columnCount).map { value($0) }
    }
}

/// Errors of the layer store.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case noStore(path: String)
    /// The path holds something else: a folder, a GeoJSON file, another SQLite database…
    case notAStore(path: String, what: String)
    case sql(statement: String, reason: String)
    case invalidLayerName(String, reason: String)
    case layerExists(String, version: Int)
    case noSuchLayer(String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open the store: \(reason)"
        case .noStore(let path): "\(path): no store here yet (import a layer first)"
        case .notAStore(let path, let what): "\(path) is not a geoctl store: it is \(what)"
        // The statement stays in the value for debugging; users read only the reason.
        case .sql(_, let reason): "the store could not complete the operation: \(reason)"
        case .invalidLayerName(let name, let reason): "invalid layer name \"\(name)\": \(reason)"
        case .layerExists(let name, let version): "layer \"\(name)\" already exists (version \(version))"
        case .noSuchLayer(let name): "no layer named \"\(name)\""
        case .corrupt(let what): "the store is inconsistent: \(what)"
        }
    }
}
