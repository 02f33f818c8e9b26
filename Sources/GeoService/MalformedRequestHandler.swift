import GeoCore
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request NIO's HTTP parser refuses, instead of dropping the connection without a
/// word: `431 Request Header Fields Too Large` when the headers are over the limit
/// (`maxHeaderBytes`), `400 Bad Request` for any other malformed request, each as an RFC 9457
/// problem, and then closes the connection (the byte stream can no longer be trusted).
/// Other connections are unaffected.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let maxHeaderBytes: Int
    /// Whether an answer has begun on this connection and not ended: a parse error then
    /// cannot get an answer of its own without corrupting that one.
    private var answering = false
    private var refused = false

    init(maxHeaderBytes: Int) { self.maxHeaderBytes = maxHeaderBytes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational: answering = true
        case .end: answering = false
        default: break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A body cut off by the end of the stream is the request handler's to answer (400
        // incomplete-body, from the code that was reading it).
        guard let parse = error as? HTTPParserError, parse != .invalidEOFState, !refused else { return context.fireErrorCaught(error) }
        refused = true
        guard !answering else { return context.close(promise: nil) }
        let problem: Problem
        if case .headerOverflow = parse {
            problem = Problem(.init(code: 431, reasonPhrase: "Request Header Fields Too Large"), type: "http-431",
                              title: "Request Header Fields Too Large",
                              detail: "the request's header fields are over the limit of \(maxHeaderBytes) bytes")
        } else {
            problem = Problem(.badRequest, type: "http-400", title: "Bad Request",
                              detail: "the request is not valid HTTP/1.1 (\(parse))")
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        WholeResponse.write(problem.status, contentType: "application/problem+json", body: problem.bytes,
                            headers: [.connection: "close"], to: context, written: written)
        context.flush()
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
