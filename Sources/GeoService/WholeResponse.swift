import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// A complete answer written from a channel handler, in front of Hummingbird (the `GET /route`
/// fast path, the early 413): head with its `Content-Type` and `Content-Length`, body, end.
enum WholeResponse {
    /// Writes the answer without flushing; the future completes when its end is written.
    @discardableResult
    static func write(_ status: HTTPResponse.Status, contentType: String, body: [UInt8], headers: HTTPFields = [:],
                      to context: ChannelHandlerContext) -> EventLoopFuture<Void> {
        var head = HTTPResponse(status: status, headerFields: headers)
        head.headerFields[.contentType] = contentType
        head.headerFields[.contentLength] = String(body.count)
        context.write(NIOAny(HTTPResponsePart.head(head)), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        return context.write(NIOAny(HTTPResponsePart.end(nil)))
    }
}
