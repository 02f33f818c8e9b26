import Dispatch
import Layers
import Logging
import ServiceLifecycle

/// Watches the store and the rules and swaps in the next router when they change.
///
/// On each wake-up from the ``StoreChangeSource`` it reads the fingerprint (catalog versions,
/// rules digest); when that differs from the loaded router's, it builds the next router in
/// the background and swaps it in atomically. A failed build keeps the old router serving;
/// `/readyz` and the log name the error, and the same state is not retried until it changes.
public struct ReloadService: Service {
    let state: RoutingState
    let loader: RouterLoader
    let source: any StoreChangeSource
    let metrics: ServiceMetrics
    let logger: Logger

    public func run() async throws {
        let store = SharedStore(open: loader.configuration.openStore)
        for await _ in source.changes().cancelOnGracefulShutdown() {
            await check(store: store)
        }
    }

    /// One look: reload when the fingerprint changed.
    func check(store: SharedStore) async {
        let now: StoreFingerprint
        do {
            now = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global(qos: .utility).async {
                    // The watch connection is reopened after a failure (the file may have been replaced).
                    continuation.resume(with: Result { try store.read { try loader.fingerprint(store: $0) } })
                }
            }
        } catch {
            fail("cannot read the store or the rules: \(error)", fingerprint: nil)
            return
        }
        let current = state.current
        if let current, current.fingerprint == now {
            // The store and rules are back to what is loaded (a broken file restored): say so.
            if state.lastError != nil {
                state.clearError()
                logger.info("the store and the rules match the loaded router again; the last reload error is cleared")
            }
            return
        }
        if let failed = state.failedFingerprint(), failed == now { return }
        do {
            let next = try await loader.loadInBackground(previous: current)
            state.install(next)
            FreedMemory.release()
            metrics.recordReload(next)
            logger.info("reloaded the router", metadata: [
                "layers": "\(next.router.layerVersions.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: " "))",
            ])
        } catch {
            fail("reload failed, still serving the previous router: \(error)", fingerprint: now)
        }
    }

    private func fail(_ message: String, fingerprint: StoreFingerprint?) {
        // One failure counted and logged per distinct error, however many polls see it.
        let repeated = state.lastError == message
        state.recordFailure(message, fingerprint: fingerprint, counted: !repeated)
        if repeated { return }
        logger.error("\(message)")
        metrics.recordReloadFailure()
    }
}
