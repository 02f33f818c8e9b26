#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Layers

/// Follows a PostGIS store's changes: `LISTEN geoctl` on a connection of its own.
///
/// ```swift
/// let listener = try PostGISChangeListener(url: "postgresql://reader@db/region?schema=towns")
/// for try await change in listener.changes() { reload(change.layer) }
/// ```
/// The stream ends with an error when the connection drops; a replica then reconnects and,
/// meanwhile, polls ``PostGISStore/catalogVersions()``. Only changes to the URL's schema
/// are reported.
public final class PostGISChangeListener: @unchecked Sendable {
    private let connection: PGConnection
    private let lock = NSLock()
    public let location: PostgresLocation

    public init(url: String) throws(StoreError) {
        location = try PostgresLocation(url: url)
        connection = try PGConnection(location)
        try connection.execute("LISTEN \(PGQuote.identifier(PostGISStore.changeChannel))")
    }

    /// The changes that arrive within `timeout` seconds (returns as soon as one arrives;
    /// empty when none did). Throws when the connection is lost.
    public func wait(timeout: Double) throws(StoreError) -> [CatalogChange] {
        lock.lock()
        defer { lock.unlock() }
        var changes = try received()
        if !changes.isEmpty { return changes }
        var fd = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
        let rc = poll(&fd, 1, Int32(max(0, timeout) * 1000))
        if rc < 0 && errno != EINTR { throw .sql(statement: "LISTEN", reason: "waiting for notifications failed: errno \(errno)") }
        changes = try received()
        if !connection.isHealthy { throw .sql(statement: "LISTEN", reason: "the connection to \(location.redacted) was lost") }
        return changes
    }

    private func received() throws(StoreError) -> [CatalogChange] {
        try connection.notifications().compactMap { n in
            guard n.channel == PostGISStore.changeChannel, let c = CatalogChange(payload: n.payload), c.schema == location.schema else { return nil }
            return c
        }
    }

    /// The changes as an async sequence, read on a thread of its own; it ends with an error
    /// when the connection is lost, and stops when the consumer stops iterating.
    public func changes() -> AsyncThrowingStream<CatalogChange, any Error> {
        AsyncThrowingStream { continuation in
            let stopped = StopFlag()
            continuation.onTermination = { _ in stopped.set() }
            let thread = Thread { [self] in
                while !stopped.isSet {
                    do {
                        for c in try self.wait(timeout: 0.25) { continuation.yield(c) }
                    } catch {
                        continuation.finish(throwing: error)
                        return
                    }
                }
                continuation.finish()
            }
            thread.name = "geoctl LISTEN"
            thread.start()
        }
    }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
