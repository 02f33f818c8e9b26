/// Tells the reloader that the store or the rules may have changed, so it compares the
/// catalog's layer versions and the rules file with what it loaded and rebuilds when they
/// differ. Polling is the default; a store that can push (PostgreSQL `LISTEN`/`NOTIFY`)
/// implements this to wake the reloader at once, and may still yield on a slow timer as a
/// safety net. A spurious wake-up costs one catalog read.
public protocol StoreChangeSource: Sendable {
    /// Wake-ups until the task is cancelled.
    func changes() -> AsyncStream<Void>
}

/// Wakes the reloader at a fixed interval.
public struct PollingChangeSource: StoreChangeSource {
    public var interval: Duration

    public init(interval: Duration = .milliseconds(250)) { self.interval = interval }

    public func changes() -> AsyncStream<Void> {
        let interval = interval
        return AsyncStream { continuation in
            let task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    continuation.yield()
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
