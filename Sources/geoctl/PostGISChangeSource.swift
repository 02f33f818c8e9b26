import Foundation
import GeoService
import Logging
import PostGISStore

/// Wakes `geoctl serve`'s reloader from a PostGIS store: at once on a `NOTIFY geoctl`
/// (``PostGISChangeListener``), and on a timer as the fallback.
///
/// It lives in the CLI, the one target that links both GeoService and PostGISStore, so the
/// HTTP service never links libpq and the store never links Hummingbird: GeoService only
/// knows its ``StoreChangeSource`` protocol and the `openStore` closure it is handed.
///
/// While the LISTEN connection is up, the timer runs every `listeningInterval` (the rules
/// file has no NOTIFY, and a missed notification costs at most that long). When the
/// connection drops, the reloader is woken at once (something may have changed meanwhile),
/// the catalog versions are polled every `pollInterval`, and the listener reconnects every
/// `reconnectInterval`, waking the reloader again when it is back.
struct PostGISChangeSource: StoreChangeSource {
    var url: String
    var pollInterval: Duration = .milliseconds(250)
    var listeningInterval: Duration = .seconds(2)
    var reconnectInterval: Duration = .seconds(1)
    var logger: Logger

    func changes() -> AsyncStream<Void> {
        // One pending wake-up is enough: the reloader compares the whole catalog each time.
        AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let stopped = StopSignal()
            continuation.onTermination = { _ in stopped.stop() }
            // A thread of its own: connecting and waiting on the socket block, and must not
            // hold a thread of the pool that answers requests.
            let thread = Thread { follow(continuation, stopped: stopped) }
            thread.name = "geoctl serve LISTEN"
            thread.start()
        }
    }

    private func follow(_ continuation: AsyncStream<Void>.Continuation, stopped: StopSignal) {
        let clock = ContinuousClock()
        var listener: PostGISChangeListener?
        var lastAttempt: ContinuousClock.Instant?
        var lastWake = clock.now
        var everConnected = false
        var warned = false
        while !stopped.isStopped {
            if listener == nil, lastAttempt.map({ clock.now - $0 >= reconnectInterval }) ?? true {
                lastAttempt = clock.now
                do {
                    listener = try PostGISChangeListener(url: url)
                    logger.info(everConnected ? "LISTEN connection back; reloading on NOTIFY again" : "listening for store changes (NOTIFY)")
                    if everConnected { continuation.yield() }
                    everConnected = true
                } catch {
                    if !warned && !everConnected {
                        logger.warning("cannot LISTEN (\(error)); polling the catalog every \(pollInterval)")
                    } else {
                        logger.debug("LISTEN reconnect failed: \(error)")
                    }
                    warned = true
                }
            }
            if let current = listener {
                do {
                    let changes = try current.wait(timeout: 0.2)
                    if !changes.isEmpty {
                        continuation.yield()
                        lastWake = clock.now
                    }
                } catch {
                    listener = nil
                    logger.warning("LISTEN connection lost (\(error)); polling the catalog every \(pollInterval) and reconnecting")
                    continuation.yield()
                    lastWake = clock.now
                }
            } else {
                Thread.sleep(forTimeInterval: Self.seconds(pollInterval) / 2)
            }
            if clock.now - lastWake >= (listener == nil ? pollInterval : listeningInterval) {
                continuation.yield()
                lastWake = clock.now
            }
        }
        continuation.finish()
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Set once by the consumer going away; read by the listening thread.
private final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func stop() { lock.lock(); value = true; lock.unlock() }
}
