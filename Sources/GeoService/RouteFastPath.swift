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
/// Only a request whose answer is a 200 is taken. Its body is the router's decision written
/// by the loaded router's ``DecisionJSONWriter``, from the compact result with the constant
/// parts encoded once: the same bytes as the Hummingbird route's explained decision (tests
/// compare them). Anything else (a bad parameter, an unknown
/// or unavailable category, no router yet, any other path, method or HTTP version, a query
/// ``RouteQuery`` does not read exactly as Hummingbird would, `Connection`, `Expect` or
/// API-key headers) goes on to Hummingbird, which answers it with its problem document. While
/// a request handed to Hummingbird is unanswered, every later request on the connection
/// follows it, so pipelined answers keep their order. Requests answered here are counted in
/// the same metrics as the others, and told to ``ConnectionLifetime``, behind, for idle
/// timeouts and shutdown.
final class RouteFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: RoutingState
    /// The connection's lifetime, behind: it is told of the requests answered here.
    private let lifetime: ConnectionLifetime
    private let answered: ServiceMetrics.RequestMetrics
    /// Requests handed to Hummingbird whose answer has not ended yet.
    @exclusivity(unchecked) private var forwarded = 0
    // The state below is touched only on the channel's event loop, by these methods, none of
    // which re-enters another: no access can overlap, so the run-time exclusivity checks
    // (a tenth of the CPU this handler spent) are left out.
    /// The body of the answer to the request being read, sent when its end arrives
    /// (`answering`); its storage is reused from one request to the next, as is the
    /// response's.
    @exclusivity(unchecked) private var answer: [UInt8] = []
    @exclusivity(unchecked) private var response: [UInt8] = []
    @exclusivity(unchecked) private var answering = false
    @exclusivity(unchecked) private var query = RouteQuery()
    @exclusivity(unchecked) private var started = ContinuousClock.now
    @exclusivity(unchecked) private var unflushed = false
    /// Whether a read was handed on since the last read-complete: only then do the handlers
    /// behind this one need the read-complete event (they saw nothing otherwise).
    @exclusivity(unchecked) private var handedOn = false
    @exclusivity(unchecked) private var date = HTTPDateHeader()
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
                if answerIfRoutine(request) {
                    answering = true
                    lifetime.requestReadAhead()
                    return
                }
            }
            forwarded += 1
            handedOn = true
            context.fireChannelRead(data)
        case .body:
            // A body on GET /route means nothing, as for the Hummingbird route.
            if !answering {
                handedOn = true
                context.fireChannelRead(data)
            }
        case .end:
            guard answering else {
                handedOn = true
                return context.fireChannelRead(data)
            }
            answering = false
            respond(context: context)
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
        if handedOn {
            handedOn = false
            context.fireChannelReadComplete()
        }
    }

    /// Writes the answer's body into `answer` and returns true when this request is a
    /// `GET /route` that routes; false otherwise.
    private func answerIfRoutine(_ request: HTTPRequestHead) -> Bool {
        guard lifetime.socketSide != nil, request.method == .GET, request.version == .http1_1,
              !request.headers.contains(name: "connection"), !request.headers.contains(name: "expect"),
              !request.headers.contains(name: Self.apiKeyHeader),
              query.read(target: request.uri),
              query.lon.isFinite, query.lat.isFinite, (-180 ... 180).contains(query.lon), (-90 ... 90).contains(query.lat),
              let loaded = state.current, let c = loaded.availableCategory(utf8: query.category) else { return false }
        answer.removeAll(keepingCapacity: true)
        loaded.decisions.appendRouting(lon: query.lon, lat: query.lat, category: c, to: &answer)
        return true
    }

    /// Writes the whole answer as one buffer on the socket side of NIO's response encoder
    /// (a fixed status line and three headers need no encoding), and tells the lifetime.
    private func respond(context: ChannelHandlerContext) {
        guard let socketSide = lifetime.socketSide else { return }
        response.removeAll(keepingCapacity: true)
        Self.append("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ", to: &response)
        Self.appendDecimal(answer.count, to: &response)
        Self.append("\r\nDate: ", to: &response)
        date.append(to: &response)
        Self.append("\r\n\r\n", to: &response)
        response.append(contentsOf: answer)
        var buffer = context.channel.allocator.buffer(capacity: response.count)
        buffer.writeBytes(response)
        socketSide.write(NIOAny(IOData.byteBuffer(buffer)), promise: nil)
        unflushed = true
        lifetime.answeredAhead()
        answered.record(elapsed: ContinuousClock.now - started)
    }

    private static func append(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = value.magnitude, i = 20
            repeat {
                i -= 1
                digits[i] = UInt8(truncatingIfNeeded: v % 10) + UInt8(ascii: "0")
                v /= 10
            } while v > 0
            out.append(contentsOf: UnsafeMutableBufferPointer(rebasing: digits[i...]))
        }
    }
}

/// The `Date` header's value (RFC 9110 IMF-fixdate), formatted once per second.
struct HTTPDateHeader {
    private var second = -1
    private var text: [UInt8] = []

    /// Appends the value for the current second.
    mutating func append(to out: inout [UInt8]) {
        let t = time(nil)
        if t != second {
            second = t
            var parts = tm()
            var seconds = t
            gmtime_r(&seconds, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
            text = Array(("\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT").utf8)
        }
        out.append(contentsOf: text)
    }
}
