import Foundation

/// The throw-away PostgreSQL cluster that `make test` starts (scripts/with-postgres.sh) and
/// names in `GEOCTL_TEST_PG`. Each test gets a schema of its own in it.
public enum PostgresTestDatabase {
    /// The cluster's URL, or nil when none runs (then PostgreSQL tests skip, loudly).
    public static let url: String? = {
        if let u = ProcessInfo.processInfo.environment["GEOCTL_TEST_PG"], !u.isEmpty { return u }
        FileHandle.standardError.write(Data("""

            *** PostgreSQL tests SKIPPED: GEOCTL_TEST_PG is not set. `make test` starts a cluster \
            (scripts/with-postgres.sh); run `bash scripts/with-postgres.sh swift test` by hand. ***


            """.utf8))
        return nil
    }()

    public static var isAvailable: Bool { url != nil }

    /// The socket folder of the cluster (for psql and ogrinfo).
    public static var socket: String? { ProcessInfo.processInfo.environment["GEOCTL_TEST_PG_SOCKET"] }

    /// A URL for a new, unique schema (created by the first import).
    public static func freshSchemaURL(prefix: String = "t") -> (url: String, schema: String)? {
        guard let url else { return nil }
        let schema = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
        return (url + "&schema=\(schema)", schema)
    }

    /// Runs SQL through psql as the superuser; returns its output (unaligned, tuples only).
    @discardableResult
    public static func psql(_ sql: String) throws -> String {
        guard let socket else { return "" }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin/psql")
        p.arguments = ["-h", socket, "-U", "postgres", "-d", "geoctl_test", "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", "SET client_min_messages = warning", "-c", sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Drops a test's schema and everything in it.
    public static func dropSchema(_ schema: String) {
        _ = try? psql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }
}
