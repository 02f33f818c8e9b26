import Synchronization

/// The service's current router in one atomic box, with the last reload's outcome.
///
/// Requests take the current ``LoadedRouter`` (one reference, under a lock held for a few
/// nanoseconds) and use it to the end; the reloader swaps the next one in. Nothing else is
/// shared between requests.
public final class RoutingState: Sendable {
    struct Status {
        var current: LoadedRouter?
        /// The last reload's failure, cleared by a successful one.
        var lastError: String?
        var reloads = 0
        var failures = 0
        /// The fingerprint whose reload failed, so the same failure is not retried every tick.
        var failedFingerprint: StoreFingerprint?
    }

    private let status = Mutex(Status())

    public init() {}

    /// The router requests should use now, or nil before the first load.
    @inline(__always)
    public var current: LoadedRouter? { status.withLock { $0.current } }

    /// The last reload's error, if it failed (the service keeps serving the previous router).
    public var lastError: String? { status.withLock { $0.lastError } }

    public var reloadCount: Int { status.withLock { $0.reloads } }
    public var failureCount: Int { status.withLock { $0.failures } }

    func install(_ loaded: LoadedRouter) {
        status.withLock {
            $0.current = loaded
            $0.lastError = nil
            $0.failedFingerprint = nil
            $0.reloads += 1
        }
    }

    func recordFailure(_ message: String, fingerprint: StoreFingerprint?, counted: Bool = true) {
        status.withLock {
            $0.lastError = message
            if counted { $0.failures += 1 }
            $0.failedFingerprint = fingerprint
        }
    }

    /// The store and rules match the loaded router again: no error to report.
    func clearError() {
        status.withLock {
            $0.lastError = nil
            $0.failedFingerprint = nil
        }
    }

    func failedFingerprint() -> StoreFingerprint? { status.withLock { $0.failedFingerprint } }
}
