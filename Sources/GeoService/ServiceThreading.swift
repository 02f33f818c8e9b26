import NIOCore

/// Where the service's request handlers run.
///
/// - ``eventLoop``: each connection's handlers run on the SwiftNIO event loop that reads and
///   writes its socket (a task executor preference, SE-0417), so a request never changes
///   thread between its bytes arriving and its answer leaving. The loops are NIO's shared
///   ones, one per core. CPU-heavy work (batches, reloads) still goes to Dispatch.
/// - ``pool``: Hummingbird's default: handlers run on Swift's global concurrency pool, and
///   every request hops from the event loop to the pool and back.
///
/// `GEOCTL_SERVE_THREADING=pool|event-loop` overrides the configuration, for A/B benchmarks.
public enum ServiceThreading: String, Sendable, CaseIterable {
    case eventLoop = "event-loop"
    case pool

    /// The configured threading, or what `GEOCTL_SERVE_THREADING` says.
    static func fromEnvironment(_ environment: [String: String], default fallback: ServiceThreading) -> ServiceThreading {
        environment["GEOCTL_SERVE_THREADING"].flatMap(ServiceThreading.init(rawValue:)) ?? fallback
    }
}

/// Runs the jobs of tasks that prefer it on one NIO event loop. A job is queued with
/// `execute`, never run inline, so the loop's current work finishes first.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
