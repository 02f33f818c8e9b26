#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import CLibPQDeferred
import Layers

/// A libpq connection: the typed foundation of ``PostGISStore``.
///
/// Why libpq and not postgres-nio: an import's speed is decided by binary `COPY … FROM STDIN`,
/// and `LayerStore` is synchronous (the importer streams features into a closure). libpq's
/// `PQputCopyData` takes our own buffer of binary COPY rows with EWKB geometry directly and
/// blocks like the rest of the store; postgres-nio 1.33.2's `copyFrom` is async only (one
/// event-loop hop per write, a sync-to-async bridge around every import) and adds SwiftNIO to
/// every build (2.5–4.5 min on this machine) against a few seconds for a systemLibrary target.
/// BENCHMARKS.md has the measured import speed.
///
/// Not `Sendable`: one connection per task. Messages never carry the password.
final class PGConnection {
    private(set) var handle: OpaquePointer?
    let location: PostgresLocation

    init(_ location: PostgresLocation) throws(StoreError) {
        self.location = location
        // libpq is opened on first use: a missing one is an ordinary error here, not an exit.
        var reason = [CChar](repeating: 0, count: 1024)
        guard geoctl_libpq_open(&reason, reason.count) == 0 else {
            throw .cannotOpen(path: location.redacted, reason: String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let keys = location.parameters.map { strdup($0.key) } + [nil]
        let values = location.parameters.map { strdup($0.value) } + [nil]
        defer { for p in keys + values { free(p) } }
        let conn = keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
            values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 0)
            }
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let message = conn.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(conn)
            throw .cannotOpen(path: location.redacted, reason: location.scrub(Self.trimmed(message)))
        }
        handle = conn
        // NOTICEs ("table … does not exist, skipping") are not for the user.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    static func trimmed(_ s: String) -> String {
        var t = Substring(s)
        while let last = t.last, last.isWhitespace { t = t.dropLast() }
        return String(t)
    }

    var errorMessage: String { location.scrub(Self.trimmed(String(cString: PQerrorMessage(handle)))) }

    private func check(_ result: OpaquePointer?, _ sql: String) throws(StoreError) -> PGResult {
        guard let result else { throw .sql(statement: sql, reason: errorMessage) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN, PGRES_COPY_OUT:
            return PGResult(result)
        default:
            let message = location.scrub(Self.trimmed(String(cString: PQresultErrorMessage(result))))
            PQclear(result)
            throw .sql(statement: sql, reason: message)
        }
    }

    /// Runs SQL without parameters (several statements allowed).
    @discardableResult
    func execute(_ sql: String) throws(StoreError) -> PGResult {
        try check(PQexec(handle, sql), sql)
    }

    /// Runs one statement with text parameters (`$1`, `$2`, …; nil is NULL); results as text.
    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) throws(StoreError) -> PGResult {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for p in copies { free(p) } }
        let result = copies.map { UnsafePointer($0) }.withUnsafeBufferPointer { p in
            PQexecParams(handle, sql, Int32(parameters.count), nil, p.baseAddress, nil, nil, 0)
        }
        return try check(result, sql)
    }

    /// `text` as an SQL string literal (PQescapeLiteral: quotes and backslashes escaped for
    /// this connection's settings), for the few statements that cannot take parameters (COPY).
    func literal(_ text: String) -> String {
        guard let escaped = PQescapeLiteral(handle, text, text.utf8.count) else {
            // Only when out of memory or the text is not valid in the client encoding; the
            // E'' form with both quotes and backslashes doubled is safe either way.
            return "E'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
        }
        defer { PQfreemem(escaped) }
        return String(cString: escaped)
    }

    /// The first column of the first row as text (nil for NULL or no row).
    func scalar(_ sql: String, _ parameters: [String?] = []) throws(StoreError) -> String? {
        let r = try query(sql, parameters)
        return r.rowCount > 0 ? r.text(0, 0) : nil
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    // MARK: COPY

    /// Runs `COPY … FROM STDIN` and lets `body` send the data through the sink.
    func copyIn(_ sql: String, _ body: (PGCopySink) throws -> Void) throws {
        try execute(sql).clear()
        widenSendBuffer()
        let sink = PGCopySink(connection: self)
        do {
            try body(sink)
            try sink.flush()
        } catch {
            _ = PQputCopyEnd(handle, "geoctl stopped the import")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw StoreError.sql(statement: sql, reason: errorMessage) }
        try finishCopy(sql)
    }

    /// Runs `COPY … TO STDOUT` and calls `row` with the bytes of each row.
    func copyOut(_ sql: String, _ row: (UnsafeRawBufferPointer) throws -> Void) throws {
        try execute(sql).clear()
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(handle, &buffer, 0)
            if n == -1 { break }
            if n == -2 { throw StoreError.sql(statement: sql, reason: errorMessage) }
            defer { PQfreemem(buffer) }
            if failure == nil, let buffer {
                do { try row(UnsafeRawBufferPointer(start: buffer, count: Int(n))) } catch { failure = error; break }
            }
        }
        if let failure {
            // Stop the server sending the rest, then bring the connection back to idle.
            let cancel = PQgetCancel(handle)
            var errbuf = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &errbuf, 256)
            PQfreeCancel(cancel)
            while true {
                var buffer: UnsafeMutablePointer<CChar>?
                let n = PQgetCopyData(handle, &buffer, 0)
                if buffer != nil { PQfreemem(buffer) }
                if n < 0 { break }
            }
            drainResults()
            throw failure
        }
        try finishCopy(sql)
    }

    /// Lets the kernel hold up to 4 MiB of COPY data on its way to the server. With the
    /// default (208 KiB on Linux) client and server ran in lock-step: the client blocked in
    /// send while the server parsed, the server waited while the client encoded, each core
    /// half idle and the COPY twice as long as either side's work (BENCHMARKS.md, issue 13).
    private func widenSendBuffer() {
        var size: Int32 = 4 << 20
        var current: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let fd = PQsocket(handle)
        guard fd >= 0, getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &current, &length) == 0, current < size else { return }
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    private func finishCopy(_ sql: String) throws(StoreError) {
        var firstError: StoreError?
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && firstError == nil {
                firstError = .sql(statement: sql, reason: location.scrub(Self.trimmed(String(cString: PQresultErrorMessage(r)))))
            }
            PQclear(r)
        }
        if let firstError { throw firstError }
    }

    private func drainResults() {
        while let r = PQgetResult(handle) { PQclear(r) }
    }

    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard PQputCopyData(handle, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count)) == 1 else {
            throw .sql(statement: "COPY", reason: errorMessage)
        }
    }

    // MARK: LISTEN/NOTIFY

    /// The connection's socket, to wait on for notifications.
    var socket: Int32 { PQsocket(handle) }

    /// Reads what the server sent and returns the notifications received: (channel, payload).
    func notifications() throws(StoreError) -> [(channel: String, payload: String)] {
        guard PQconsumeInput(handle) == 1 else { throw .sql(statement: "LISTEN", reason: errorMessage) }
        var out: [(String, String)] = []
        while let n = PQnotifies(handle) {
            out.append((String(cString: n.pointee.relname), String(cString: n.pointee.extra)))
            PQfreemem(n)
        }
        return out
    }

    /// True inside a transaction block (BEGIN … COMMIT).
    var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// False once the server is gone.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }
}

/// Buffers binary COPY data and sends it to the server in large chunks.
final class PGCopySink {
    private let connection: PGConnection
    var buffer: [UInt8] = []
    static let chunk = 1 << 18

    init(connection: PGConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunk + 65536)
    }

    /// Sends the buffer when it is full.
    func flushIfFull() throws(StoreError) {
        if buffer.count >= Self.chunk { try flush() }
    }

    func flush() throws(StoreError) {
        guard !buffer.isEmpty else { return }
        let result: Result<Void, StoreError> = buffer.withUnsafeBytes { b in Result { () throws(StoreError) in try connection.putCopyData(b) } }
        try result.get()
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A query's result, cleared when released.
final class PGResult {
    private var result: OpaquePointer?

    init(_ result: OpaquePointer) { self.result = result }
    deinit { PQclear(result) }

    func clear() {
        PQclear(result)
        result = nil
    }

    var rowCount: Int { Int(PQntuples(result)) }

    /// A field as text, nil when NULL.
    func text(_ row: Int, _ column: Int) -> String? {
        if PQgetisnull(result, Int32(row), Int32(column)) == 1 { return nil }
        return String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    func rows() -> [[String?]] {
        let columns = Int(PQnfields(result))
        return (0..<rowCount).map { r in (0..<columns).map { text(r, $0) } }
    }
}
