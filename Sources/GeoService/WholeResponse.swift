import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A complete answer written from a channel handler, in front of Hummingbird (the `GET /route`
/// fast path, the early 413): head with its `Content-Type` and `Content-Length`, body, end.
enum WholeResponse {
    /// Writes the answer without flushing; `written`, if given, completes when its end is
    /// written. (No promise is made otherwise: the fast path answers tens of thousands of
    /// requests a second, and each promise is an allocation and a callback.)
    static func write(_ status: HTTPResponse.Status, contentType: String, body: [UInt8], headers: HTTPFields = [:],
                      to context: ChannelHandlerContext, written: EventLoopPromise<Void>? = nil) {
        var head = HTTPResponse(status: status, headerFields: headers)
        head.headerFields[.contentType] = contentType
        head.headerFields[.contentLength] = String(body.count)
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        context.write(NIOAny(HTTPResponsePart.end(nil)), promise: written)
    }
}
