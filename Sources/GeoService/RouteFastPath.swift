#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Layers
import NIOCore
import NIOHTTP1

/// `GET /route` answered on the connection's event loop, right after NIO has parsed the
/// request: the endpoint a platform calls for every appeal skips the conversion to HTTP
/// types, the hop into Swift concurrency, the router's trie and the middleware chain, which
/// together cost more than the routing decision itself.
///
/// Only a request whose answer is a 200 is taken: the body comes from the same function as
/// the Hummingbird route (the router's decision written by
/// ``ServiceContext/answerBody(_:lon:lat:)``), so the bytes are the same, and anything else (a bad parameter, an unknown
/// or unavailable category, no router yet, any other path, method or HTTP version, a query
/// ``RouteQuery`` does not read exactly as Hummingbird would, `Connection`, `Expect` or
/// API-key headers) goes on to Hummingbird, which answers it with its problem document. While
/// a request handed to Hummingbird is unanswered, every later request on the connection
/// follows it, so pipelined answers keep their order. Requests answered here are counted in
/// the same metrics as the others; ``ConnectionLifetime``, in front, sees them for idle
/// timeouts and shutdown.
final class RouteFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: RoutingState
    /// The connection's lifetime, in front: it counts the answers written here.
    private let lifetime: ConnectionLifetime
    private let answered: ServiceMetrics.RequestMetrics
    /// Requests handed to Hummingbird whose answer has not ended yet.
    private var forwarded = 0
    /// The answer to the request being read, sent when its end arrives.
    private var answer: [UInt8]?
    private var started = ContinuousClock.now
    private var unflushed = false
    private var date = HTTPDateHeader()
    private static let apiKeyHeader = APIKeys.header.rawName

    init(state: RoutingState, metrics: ServiceMetrics, lifetime: ConnectionLifetime) {
        self.state = state
        self.lifetime = lifetime
        answered = metrics.requestMetrics(route: "/route", method: "GET", status: 200)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if forwarded == 0 {
                started = ContinuousClock.now
                if let body = answerIfRoutine(request) {
                    answer = body
                    return
                }
            }
            forwarded += 1
            context.fireChannelRead(data)
        case .body:
            // A body on GET /route means nothing, as for the Hummingbird route.
            if answer == nil { context.fireChannelRead(data) }
        case .end:
            guard let body = answer else { return context.fireChannelRead(data) }
            answer = nil
            respond(context: context, body: body)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { forwarded -= 1 }
        context.write(data, promise: promise)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// The answer's body when this request is a `GET /route` that routes; nil otherwise.
    private func answerIfRoutine(_ request: HTTPRequestHead) -> [UInt8]? {
        guard lifetime.socketSide != nil, request.method == .GET, request.version == .http1_1,
              !request.headers.contains(name: "connection"), !request.headers.contains(name: "expect"),
              !request.headers.contains(name: Self.apiKeyHeader),
              let query = RouteQuery(target: request.uri),
              query.lon.isFinite, query.lat.isFinite, (-180 ... 180).contains(query.lon), (-90 ... 90).contains(query.lat),
              let loaded = state.current, let c = loaded.availableCategory(utf8: query.category) else { return nil }
        let router = loaded.router
        let decision = router.explain(router.route(x: query.lon, y: query.lat, category: c), lon: query.lon, lat: query.lat, category: c)
        return ServiceContext.answerBody(decision, lon: query.lon, lat: query.lat)
    }

    /// Writes the whole answer as one buffer on the socket side of NIO's response encoder
    /// (a fixed status line and three headers need no encoding), and tells the lifetime.
    private func respond(context: ChannelHandlerContext, body: [UInt8]) {
        guard let socketSide = lifetime.socketSide else { return }
        var buffer = context.channel.allocator.buffer(capacity: body.count + 128)
        buffer.writeStaticString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\nDate: ")
        buffer.writeString(date.now())
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        socketSide.write(NIOAny(IOData.byteBuffer(buffer)), promise: nil)
        unflushed = true
        lifetime.answeredAhead()
        answered.record(elapsed: ContinuousClock.now - started)
    }
}

/// The `Date` header's value (RFC 9110 IMF-fixdate), formatted once per second.
struct HTTPDateHeader {
    private var second = -1
    private var text = ""

    mutating func now() -> String {
        let t = time(nil)
        if t != second {
            second = t
            var parts = tm()
            var seconds = t
            gmtime_r(&seconds, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
            text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        }
        return text
    }
}
