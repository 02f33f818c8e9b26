import CSpatiaLite

/// An SQLite database connection with SpatiaLite's functions loaded: the foundation of the
/// layer store. Not `Sendable`: one connection per task.
public final class SpatiaLiteConnection {
    private(set) var handle: OpaquePointer?
    private var spatialiteCache: UnsafeMutableRawPointer?
    /// The database file's path (`:memory:` for a private in-memory database).
    public let path: String

    /// Opens (creating when missing) the database at `path` and loads SpatiaLite into it.
    public init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw StoreError.cannotOpen(path: path, reason: message)
        }
        handle = db
        spatialiteCache = spatialite_alloc_connection()
        spatialite_init_ex(db, spatialiteCache, 0)
    }

    deinit {
        if let handle { sqlite3_close_v2(handle) }
        if let spatialiteCache { spatialite_cleanup_ex(spatialiteCache) }
    }

    /// Runs SQL that returns no rows (several statements allowed).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw StoreError.sql(statement: sql, reason: text)
        }
    }

    /// The first column of the first row of a query, as text (nil for SQL NULL or no row).
    public func scalarText(_ sql: String) throws -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw StoreError.sql(statement: sql, reason: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(statement) }
        let rc = sqlite3_step(statement)
        guard rc == SQLITE_ROW else {
            if rc == SQLITE_DONE { return nil }
            throw StoreError.sql(statement: sql, reason: String(cString: sqlite3_errmsg(handle)))
        }
        guard let text = sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: text)
    }

    /// Versions of the linked SQLite, SpatiaLite, GEOS and PROJ as SpatiaLite reports them.
    public func libraryVersions() throws -> [String: String] {
        var versions: [String: String] = [:]
        for (name, sql) in [("sqlite", "SELECT sqlite_version()"), ("spatialite", "SELECT spatialite_version()"),
                            ("geos", "SELECT geos_version()"), ("proj", "SELECT proj_version()")] {
            versions[name] = try scalarText(sql)
        }
        return versions
    }
}

/// Errors of the layer store.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case sql(statement: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open the store: \(reason)"
        case .sql(let statement, let reason): "SQL failed: \(reason) (in: \(statement.prefix(200)))"
        }
    }
}
