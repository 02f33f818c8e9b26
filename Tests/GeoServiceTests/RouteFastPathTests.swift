import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /route` answered in the connection's pipeline must be indistinguishable from the
/// Hummingbird route: same bytes, same problems, same order on a pipelined connection, and
/// counted in the metrics.
@Suite("GET /route on the event loop")
struct RouteFastPathTests {
    /// The fixture's 200 appeals with their categories, plus problem cases.
    static func uris() throws -> [String] {
        let data = try Data(contentsOf: ServiceFixture.repository.appendingPathComponent("fixtures/geojson/appeals.geojson"))
        let features = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["features"] as? [[String: Any]])
        var uris = features.compactMap { f -> String? in
            guard let c = (f["geometry"] as? [String: Any])?["coordinates"] as? [Double],
                  let category = (f["properties"] as? [String: Any])?["category"] as? String else { return nil }
            return "/route?lon=\(c[0])&lat=\(c[1])&category=\(category)"
        }
        uris += ["/route?lon=60.72309&lat=56.07966&category=no-such", "/route?lon=260&lat=56&category=snow",
                 "/route?lat=56.07966&category=snow", "/route?lon=60.72309&lat=56.07966&category=%D0%A1%D0%BD%D0%B5%D0%B3",
                 "/route?lon=60.72309&lat=56.07966&category=snow&lon=1", "/route"]
        // Queries the fast path reads itself, or leaves to Hummingbird: either way the same answer.
        uris += ["/route?lon=60.72309&lat=56.07966&category=sn%6Fw", "/route?lat=56.07966&lon=60.72309&category=snow",
                 "/route?&&lon=60.72309&&lat=56.07966&category=snow&", "/route?lon=+60.72309&lat=56.07966&category=snow",
                 "/route?lon=6.072309e1&lat=56.07966&category=snow", "/route?lon=60.72309&lat=56.07966&category=%D0",
                 "/route?lon=60.72309&lat=56.07966&category=snow&x=%zz", "/route?lon&lat=56.07966&category=snow",
                 "/route?lon=60.72309&lat=56.07966&category=snow&category=snow", "/route?LON=60.72309&lat=56.07966&category=snow",
                 "/route?lon=60.72309&lat=56.07966&category=snow?x", "/route?lon=60.72309&lat=56.07966&category=",
                 "/route?lon=1e999&lat=56.07966&category=snow", "/route?lon=60.72309&lat=56.07966&category=snow%",
                 // Numbers read by the short-decimal reader, and those left to the general one.
                 "/route?lon=060.723090&lat=56.0796600000001&category=snow", "/route?lon=60.723090000000001&lat=56.07966&category=snow",
                 "/route?lon=60.&lat=56.07966&category=snow", "/route?lon=60.72309&lat=.5&category=snow",
                 "/route?lon=-0&lat=56.07966&category=snow", "/route?lon=6%30.72309&lat=56.07966&category=snow"]
        return uris
    }

    @Test("every fixture appeal and every problem gets the same status and bytes with and without the fast path (live sockets)")
    func sameAnswers() async throws {
        let f = try ServiceFixture()
        let fast = try f.server()
        let plain = try f.server { $0.answerRouteOnEventLoop = false }
        let uris = try Self.uris()
        let answers = try await plain.application.test(.live) { client in
            var answers: [String: (Int, String)] = [:]
            for uri in uris {
                answers[uri] = try await client.execute(uri: uri, method: .get) { r in (Int(r.status.code), r.text) }
            }
            return answers
        }
        let fastOK = try await fast.application.test(.live) { client in
            var fastOK = 0
            for uri in uris {
                let (code, text, type) = try await client.execute(uri: uri, method: .get) { r in
                    (Int(r.status.code), r.text, r.headers[.contentType])
                }
                #expect(code == answers[uri]?.0, "\(uri)")
                #expect(text == answers[uri]?.1, "\(uri)")
                if code == 200 {
                    #expect(type == "application/json")
                    fastOK += 1
                }
            }
            // The answers on the fast path are counted like the others.
            let metrics = try await client.execute(uri: "/metrics", method: .get) { r in r.text }
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("geoctl_http_requests_total") && $0.contains("route=\"/route\"") && $0.contains("status=\"200\"") }
            #expect(line.flatMap { Int($0.split(separator: " ").last ?? "") } == fastOK, "\(line ?? "no line")")
            return fastOK
        }
        #expect(fastOK >= 190)
    }

    @Test("pipelined requests: a request Hummingbird answers, then one the fast path could take: answers come back in order")
    func pipelinedOrder() async throws {
        let f = try ServiceFixture()
        let (process, port) = try OperationsTests.startServe(f)
        defer { process.terminate(); process.waitUntilExit() }
        let fd = try OperationsTests.connect(port: port)
        defer { close(fd) }
        let slow = "GET /open311/v2/services.json HTTP/1.1\r\nHost: x\r\n\r\n"
        let quick = "GET /route?lon=60.72309&lat=56.07966&category=snow HTTP/1.1\r\nHost: x\r\n\r\n"
        let bad = "GET /route?lon=60.72309&lat=56.07966&category=nope HTTP/1.1\r\nHost: x\r\n\r\n"
        try OperationsTests.send(fd, Array((slow + quick + bad + quick).utf8))
        let text = OperationsTests.receive(fd, until: "\"neighbours\":[]}", occurrences: 2)
        let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
        #expect(statuses == ["200", "200", "422", "200"], "\(text.prefix(400))")
        let services = try #require(text.range(of: "\"service_code\""))
        let organisation = try #require(text.range(of: "\"ORG-08\""))
        #expect(services.lowerBound < organisation.lowerBound)
    }

    @Test("headers over the limit get 431 and malformed HTTP gets 400, each a problem document; the server keeps serving")
    func malformedRequests() async throws {
        let f = try ServiceFixture()
        let (process, port) = try OperationsTests.startServe(f)
        defer { process.terminate(); process.waitUntilExit() }
        for (request, status, title) in [
            ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n", "431", "Request Header Fields Too Large"),
            ("GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", "400", "Bad Request"),
        ] {
            let fd = try OperationsTests.connect(port: port)
            defer { close(fd) }
            try OperationsTests.send(fd, Array(request.utf8))
            let text = OperationsTests.receiveAll(fd)  // the server closes after answering
            #expect(text.hasPrefix("HTTP/1.1 \(status) "), "\(text.prefix(300))")
            #expect(text.contains("application/problem+json") && text.contains("\"title\":\"\(title)\""))
        }
        let fd = try OperationsTests.connect(port: port)
        defer { close(fd) }
        try OperationsTests.send(fd, Array("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
        #expect(OperationsTests.receiveAll(fd).hasPrefix("HTTP/1.1 200 "))
    }

    @Test("--idle-timeout: a connection kept busy by fast-path answers stays open past it; an idle one and a stalled request are closed")
    func idleConnections() throws {
        // Synchronous on purpose: the pauses must not wait for a turn on the concurrency pool,
        // which other tests' blocking reads may hold for longer than the timeout.
        let f = try ServiceFixture()
        let (process, port) = try OperationsTests.startServe(f, extra: ["--idle-timeout", "2"])
        defer { process.terminate(); process.waitUntilExit() }
        let idle = try OperationsTests.connect(port: port)
        defer { close(idle) }
        let stalled = try OperationsTests.connect(port: port)
        defer { close(stalled) }
        try OperationsTests.send(stalled, Array("GET /healthz HTTP/1.1\r\nHo".utf8))
        let busy = try OperationsTests.connect(port: port)
        defer { close(busy) }
        let quick = Array("GET /route?lon=60.72309&lat=56.07966&category=snow HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let started = Date()
        var answered = 0
        // 4.5 s of requests every 0.2 s: longer than the timeout, never idle for as long.
        while Date().timeIntervalSince(started) < 4.5 {
            try OperationsTests.send(busy, quick)
            let text = OperationsTests.receive(busy, until: "\"neighbours\":[]}")
            #expect(text.hasPrefix("HTTP/1.1 200 "), "\(text.prefix(200))")
            answered += 1
            usleep(200_000)
        }
        #expect(answered >= 10)
        // The others were closed by the server: a read ends at once with nothing.
        #expect(OperationsTests.receiveAll(idle).isEmpty)
        #expect(OperationsTests.receiveAll(stalled).isEmpty)
        #expect(Date().timeIntervalSince(started) < 15)
        // And the server still serves, the busy connection too.
        try OperationsTests.send(busy, quick)
        #expect(OperationsTests.receive(busy, until: "\"neighbours\":[]}").hasPrefix("HTTP/1.1 200 "))
    }

    @Test("SIGTERM while connections sit on fast-path answers: they are closed, and the service exits 0")
    func shutdownWithFastPathConnections() async throws {
        let f = try ServiceFixture()
        let (process, port) = try OperationsTests.startServe(f)
        defer { if process.isRunning { process.terminate() } }
        let quick = Array("GET /route?lon=60.72309&lat=56.07966&category=snow HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        var connections: [Int32] = []
        defer { connections.forEach { close($0) } }
        for _ in 0 ..< 4 {
            let fd = try OperationsTests.connect(port: port)
            connections.append(fd)
            try OperationsTests.send(fd, quick)
            #expect(OperationsTests.receive(fd, until: "\"neighbours\":[]}").hasPrefix("HTTP/1.1 200 "))
        }
        kill(process.processIdentifier, SIGTERM)
        for fd in connections { #expect(OperationsTests.receiveAll(fd).isEmpty) }
        let stopped = Date().addingTimeInterval(10)
        while process.isRunning && Date() < stopped { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "still running 10 s after SIGTERM")
        #expect(process.terminationStatus == 0)
    }
}
