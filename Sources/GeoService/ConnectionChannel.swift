import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 channel, with the connection's handlers kept on the connection's
/// event loop (``ServiceThreading/eventLoop``) and, optionally, `GET /route` answered in the
/// pipeline (``RouteFastPath``).
struct ConnectionChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http: HTTP1Channel
    let threading: ServiceThreading
    /// Makes each connection's ``RouteFastPath``; nil leaves every request to Hummingbird.
    let fastPath: (@Sendable () -> RouteFastPath)?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http.setup(channel: channel, logger: logger).flatMapThrowing { value in
            if let fastPath {
                // After Hummingbird's connection state handler, so idle timeouts and graceful
                // shutdown see the requests answered on the fast path too.
                let connectionState = try channel.pipeline.syncOperations.context(handlerType: HTTPConnectionStateHandler.self)
                try channel.pipeline.syncOperations.addHandler(fastPath(), position: .after(connectionState.handler))
            }
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        switch threading {
        case .pool:
            await http.handle(value: value, logger: logger)
        case .eventLoop:
            await withTaskExecutorPreference(EventLoopTaskExecutor(loop: value.channel.eventLoop)) {
                await http.handle(value: value, logger: logger)
            }
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 through ``ConnectionChannel``.
    static func geoctlHTTP1(configuration: HTTP1Channel.Configuration, threading: ServiceThreading,
                            fastPath: (@Sendable () -> RouteFastPath)?) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ConnectionChannel(http: HTTP1Channel(responder: responder, configuration: configuration), threading: threading,
                              fastPath: fastPath)
        }
    }
}
