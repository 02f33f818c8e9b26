import GeoCore
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` at once: `100 Continue`, so a client that asks (curl does
/// for large bodies) sends its batch without waiting a second for a reply Hummingbird never
/// sends; or, for a body declared larger than the limit, the final 413 problem, and the
/// connection is closed, so the client never uploads what would be refused.
final class ExpectContinueHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    let maxBodyBytes: Int
    /// Set once a request has been refused: the rest of the connection is ignored.
    private var refused = false

    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        if case .head(let request) = unwrapInboundIn(data),
           let expect = request.headerFields[.expect], expect.lowercased() == "100-continue" {
            let declared = request.headerFields[.contentLength].flatMap { Int($0) } ?? 0
            if declared > maxBodyBytes {
                refused = true
                refuse(context: context, declared: declared)
                return
            }
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }

    private func refuse(context: ChannelHandlerContext, declared: Int) {
        let body = Problem(.contentTooLarge, type: "http-413", title: "Content Too Large",
                           detail: "the request body (\(declared) bytes declared) is over the limit of \(maxBodyBytes) bytes (--max-body-mb)").bytes
        let written = context.eventLoop.makePromise(of: Void.self)
        WholeResponse.write(.contentTooLarge, contentType: "application/problem+json", body: body,
                            headers: [.connection: "close"], to: context, written: written)
        context.flush()
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
