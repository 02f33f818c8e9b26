import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 channel, with the connection's handlers kept on the connection's
/// event loop (``ServiceThreading/eventLoop``), its idle timeout and shutdown kept by
/// ``ConnectionLifetime`` and, optionally, `GET /route` answered in the pipeline
/// (``RouteFastPath``).
struct ConnectionChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http: HTTP1Channel
    let threading: ServiceThreading
    /// Makes each connection's ``RouteFastPath``; nil leaves every request to Hummingbird.
    let fastPath: (@Sendable (ConnectionLifetime) -> RouteFastPath)?
    /// How long a connection may stay idle (``ConnectionLifetime``); Hummingbird's own idle
    /// timer is off, since it does not see the requests the fast path answers.
    let idleTimeout: TimeAmount?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http.setup(channel: channel, logger: logger).flatMapThrowing { value in
            // Between NIO's HTTP/1 parser and the conversion to HTTP types: the fast path
            // first, telling the connection's lifetime of the requests it answers, then the
            // lifetime, which sees the others pass.
            let operations = channel.pipeline.syncOperations
            let codec = try operations.handler(type: HTTP1ToHTTPServerCodec.self)
            let lifetime = ConnectionLifetime(idleTimeout: idleTimeout)
            if let fastPath { try operations.addHandler(fastPath(lifetime), position: .before(codec)) }
            try operations.addHandler(lifetime, position: .before(codec))
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
    static func geoctlHTTP1(configuration: HTTP1Channel.Configuration, idleTimeout: TimeAmount?, threading: ServiceThreading,
                            fastPath: (@Sendable (ConnectionLifetime) -> RouteFastPath)?) -> HTTPServerBuilder {
        var http = configuration
        http.idleTimeout = nil
        let configuration = http
        return HTTPServerBuilder { responder in
            ConnectionChannel(http: HTTP1Channel(responder: responder, configuration: configuration), threading: threading,
                              fastPath: fastPath, idleTimeout: idleTimeout)
        }
    }
}
