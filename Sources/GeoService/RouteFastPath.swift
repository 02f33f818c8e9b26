#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// `GET /route` answered on the connection's event loop, inside Hummingbird's channel
/// pipeline, after NIO has parsed the request: the endpoint a platform calls for every appeal
/// skips the hop into Swift concurrency, the router's trie and the middleware chain, which
/// together cost more than the routing decision itself.
///
/// Only a request whose answer is a 200 is taken: the body comes from the same function as
/// the Hummingbird route (``ServiceContext/routeAnswer(_:loaded:)``), so the bytes are the
/// same, and anything else (a bad parameter, an unknown category, no router yet, any other
/// path or method, `Connection`, `Expect` or API-key headers) goes on to Hummingbird, which answers
/// it with its problem document. While a request handed to Hummingbird is unanswered, every
/// later request on the connection follows it, so pipelined answers keep their order.
/// Requests answered here are counted in the same metrics as the others.
final class RouteFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let state: RoutingState
    private let metrics: ServiceMetrics
    /// Requests handed to Hummingbird whose answer has not ended yet.
    private var forwarded = 0
    /// The answer to the request being read, sent when its end arrives.
    private var answer: [UInt8]?
    private var started = ContinuousClock.now
    private var unflushed = false
    private var date = HTTPDateHeader()

    init(state: RoutingState, metrics: ServiceMetrics) {
        self.state = state
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if forwarded == 0, let body = answerIfRoutine(request) {
                started = ContinuousClock.now
                answer = body
                return
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
    private func answerIfRoutine(_ request: HTTPRequest) -> [UInt8]? {
        guard request.method == .get, let path = request.path, path.hasPrefix("/route?"),
              request.headerFields[.connection] == nil, request.headerFields[.expect] == nil,
              request.headerFields[APIKeys.header] == nil,
              let loaded = state.current else { return nil }
        return try? ServiceContext.routeAnswer(Query(URI(path)), loaded: loaded)
    }

    private func respond(context: ChannelHandlerContext, body: [UInt8]) {
        WholeResponse.write(.ok, contentType: "application/json", body: body, headers: [.date: date.now()], to: context)
        unflushed = true
        metrics.recordRequest(route: "/route", method: "GET", status: 200, elapsed: ContinuousClock.now - started)
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
