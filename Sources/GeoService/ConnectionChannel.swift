import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 channel, with the connection's handlers kept on the connection's
/// event loop (``ServiceThreading/eventLoop``) and `Expect: 100-continue` answered.
struct ConnectionChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let http: HTTP1Channel
    let threading: ServiceThreading

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http.setup(channel: channel, logger: logger)
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
    static func geoctlHTTP1(configuration: HTTP1Channel.Configuration, threading: ServiceThreading) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            ConnectionChannel(http: HTTP1Channel(responder: responder, configuration: configuration), threading: threading)
        }
    }
}
