import Hummingbird

/// Answers `HEAD` on every `GET` resource (RFC 9110 §9.3.2): the GET's status and headers,
/// `Content-Length` included, without the body. It wraps the router, because Hummingbird
/// matches a route by method before any middleware runs.
public struct HeadResponder<Inner: HTTPResponder>: HTTPResponder {
    public typealias Context = Inner.Context
    let inner: Inner

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await inner.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
        let length: Int
        if let known = response.body.contentLength {
            length = known
        } else {
            // A streamed body: counted once (GET answers here are bounded by the page limits).
            let counter = ByteCounter()
            try await response.body.write(counter)
            length = counter.count
        }
        response.body = ResponseBody()
        response.headers[.contentLength] = String(length)
        return response
    }
}

/// Counts the bytes a response body writes.
private final class ByteCounter: ResponseBodyWriter, @unchecked Sendable {
    var count = 0
    func write(_ buffer: ByteBuffer) async throws { count += buffer.readableBytes }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
