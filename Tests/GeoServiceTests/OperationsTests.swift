import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("metrics, the OpenAPI document, limits and shutdown")
struct OperationsTests {
    @Test("/metrics: requests by route and status, a latency histogram, reloads, layer versions")
    func metrics() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            for _ in 0 ..< 3 { try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { _ in } }
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=volcano", method: .get) { _ in }
            try await client.execute(uri: "/nowhere", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = r.text
                let lines = text.split(separator: "\n").map(String.init)
                func sample(_ name: String, _ labels: [String]) -> Double? {
                    lines.first { $0.hasPrefix(name + "{") && labels.allSatisfy($0.contains) }
                        .flatMap { Double($0.split(separator: " ").last!) }
                }
                #expect(sample("geoctl_http_requests_total", [#"route="/route""#, #"status="200""#, #"method="GET""#]) == 3)
                #expect(sample("geoctl_http_requests_total", [#"route="/route""#, #"status="422""#]) == 1)
                #expect(sample("geoctl_http_requests_total", [#"route="NotFound""#, #"status="404""#]) == 1)
                #expect(sample("geoctl_http_request_duration_seconds_count", [#"route="/route""#]) == 4)
                #expect(text.contains("geoctl_http_request_duration_seconds_bucket{"))
                #expect(text.contains("geoctl_reloads_total 1"))
                #expect(text.contains("geoctl_reload_failures_total 0"))
                #expect(sample("geoctl_layer_version", [#"layer="territories""#]) == 1)
                #expect(!text.contains("appeals"))
            }
        }
    }

    @Test("every route the server answers is in /openapi.json, which is OpenAPI 3.1")
    func openAPICoversRoutes() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { r in
                let doc = try r.object()
                #expect(doc["openapi"] as? String == "3.1.0")
                let paths = try #require(doc["paths"] as? [String: [String: Any]])
                #expect(server.routes.count == 16)
                for route in server.routes {
                    let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                    // Hummingbird writes parameters as {name} or :name; OpenAPI as {name}.
                    let path = parts[1].split(separator: "/", omittingEmptySubsequences: false).map { segment in
                        segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
                    }.joined(separator: "/")
                    let operation = paths[path.isEmpty ? "/" : path]?[parts[0].lowercased()]
                    #expect(operation != nil, "\(route) is not in the OpenAPI document")
                }
            }
        }
    }

    @Test("SIGTERM to a real geoctl serve: it stops accepting, finishes the request in flight, exits 0")
    func gracefulShutdown() async throws {
        let f = try ServiceFixture()
        let (process, port) = try Self.startServe(f)
        defer { if process.isRunning { process.terminate() } }

        // A request in flight: headers and half the body sent before SIGTERM, the rest after.
        let rows = (0 ..< 200).map { _ in #"{"lon":60.72309,"lat":56.07966,"category":"snow"}"# }
        let body = Array(("[" + rows.joined(separator: ",") + "]").utf8)
        let head = Array("POST /route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/csv\r\nContent-Length: \(body.count)\r\n\r\n".utf8)
        let fd = try Self.connect(port: port)
        defer { close(fd) }
        // First a whole request on the connection, so the server has surely accepted it.
        try Self.send(fd, Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        let health = Self.receive(fd, until: "\"ok\"}")
        #expect(health.hasPrefix("HTTP/1.1 200"), "\(health)")
        try Self.send(fd, head + body[..<(body.count / 2)])
        try await Task.sleep(for: .milliseconds(2000))
        kill(process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        // Not accepting any more.
        #expect((try? Self.connect(port: port)).map { close($0); return false } ?? true, "a new connection was accepted after SIGTERM")
        try Self.send(fd, Array(body[(body.count / 2)...]))
        let response = Self.receiveAll(fd)
        #expect(response.hasPrefix("HTTP/1.1 200"), "\(response.prefix(200))")
        #expect(response.split(separator: "\n").count >= 201)
        let stopped = Date().addingTimeInterval(10)
        while process.isRunning && Date() < stopped { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "still running 10 s after SIGTERM")
        #expect(process.terminationStatus == 0)
    }

    @Test("geoctl serve refuses a missing store (74) and broken rules (1) before it listens, naming the file")
    func refusesBadStart() throws {
        let f = try ServiceFixture()
        let missing = try f.geoctl(["serve", "--store", f.folder + "/nowhere.sqlite", "--rules", f.rules, "--port", "0"], store: false)
        #expect(missing.status == 74 && missing.stderr.contains("nowhere.sqlite"), "\(missing.status) \(missing.stderr)")
        try "categories: [".write(toFile: f.rules, atomically: true, encoding: .utf8)
        let broken = try f.geoctl(["serve", "--rules", f.rules, "--port", "0"])
        #expect(broken.status == 1 && broken.stderr.contains("rules.yaml"), "\(broken.status) \(broken.stderr)")
        let noRules = try f.geoctl(["serve", "--port", "0"])
        #expect(noRules.status == 64)
    }

    @Test("Expect: 100-continue gets 100 Continue before the body is sent; a body declared over the limit gets 413 at once")
    func expectContinue() async throws {
        let f = try ServiceFixture()
        let (process, port) = try Self.startServe(f, extra: ["--max-body-mb", "1"])
        defer { process.terminate(); process.waitUntilExit() }
        let body = Array(#"[{"lon":60.72309,"lat":56.07966,"category":"snow"}]"#.utf8)
        let fd = try Self.connect(port: port)
        defer { close(fd) }
        try Self.send(fd, Array("POST /route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n".utf8))
        // Nothing of the body sent yet: the interim answer comes on its own.
        let interim = Self.receive(fd, until: "\r\n\r\n")
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
        try Self.send(fd, body)
        let answer = Self.receive(fd, until: "]")
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
        #expect(answer.contains("ORG-"))

        let big = try Self.connect(port: port)
        defer { close(big) }
        try Self.send(big, Array("POST /route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n".utf8))
        // Over the 1 MiB limit: refused at once with the problem, before any of the body is sent.
        let refused = Self.receiveAll(big)
        #expect(refused.hasPrefix("HTTP/1.1 413"), "\(refused.prefix(300))")
        #expect(refused.contains("application/problem+json") && refused.contains("1048576 bytes"), "\(refused)")
    }

    @Test("a body cut off before its Content-Length gets 400, not 500; HEAD answers every GET resource without a body; an unknown key gets 401 on /route too")
    func clientMistakes() async throws {
        let f = try ServiceFixture()
        let (process, port) = try Self.startServe(f)
        defer { process.terminate(); process.waitUntilExit() }
        let cut = try Self.connect(port: port)
        defer { close(cut) }
        try Self.send(cut, Array("POST /route HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 100\r\n\r\nid,lon,lat".utf8))
        shutdown(cut, Int32(SHUT_WR))
        let answer = Self.receiveAll(cut)
        #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(300))")
        #expect(answer.contains("incomplete-body"))

        for path in ["/healthz", "/route?lon=60.72309&lat=56.07966&category=snow", "/collections/territories/items?limit=3"] {
            let get = try Self.connect(port: port)
            try Self.send(get, Array("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            let full = Self.receiveAll(get)
            close(get)
            let head = try Self.connect(port: port)
            try Self.send(head, Array("HEAD \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            let headOnly = Self.receiveAll(head)
            close(head)
            func length(_ text: String) -> Int? {
                text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
            }
            #expect(headOnly.hasPrefix("HTTP/1.1 200"), "HEAD \(path): \(headOnly.prefix(200))")
            #expect(headOnly.hasSuffix("\r\n\r\n"), "HEAD \(path) carried a body")
            let body = full.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            #expect(length(headOnly) == body.utf8.count, "HEAD \(path)")
        }

        let keyed = try Self.connect(port: port)
        defer { close(keyed) }
        try Self.send(keyed, Array("GET /route?lon=60.72309&lat=56.07966&category=snow HTTP/1.1\r\nHost: x\r\nX-API-Key: not-a-key-anyone-has\r\nConnection: close\r\n\r\n".utf8))
        let unknown = Self.receiveAll(keyed)
        #expect(unknown.hasPrefix("HTTP/1.1 401"), "\(unknown.prefix(300))")
    }

    @Test("SIGTERM while a large batch answer is still being sent: the client receives all of it")
    func shutdownFinishesLargeAnswer() async throws {
        let f = try ServiceFixture()
        let (process, port) = try Self.startServe(f)
        defer { if process.isRunning { process.terminate() } }
        let rows = 60_000
        var csv = "id,lon,lat,category\n"
        for i in 0 ..< rows { csv += "\(i),60.72309,56.07966,snow\n" }
        let body = Array(csv.utf8)
        let fd = try Self.connect(port: port)
        defer { close(fd) }
        try Self.send(fd, Array("POST /route HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nAccept: text/csv\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        // The answer has begun (megabytes, most still queued in the server, as we do not read yet).
        _ = Self.receive(fd, until: "\r\n\r\n")
        try await Task.sleep(for: .milliseconds(300))
        kill(process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        let rest = Self.receiveAll(fd)
        #expect(rest.split(separator: "\n").count == rows + 1, "\(rest.split(separator: "\n").count) lines of \(rows + 1)")
        let stopped = Date().addingTimeInterval(10)
        while process.isRunning && Date() < stopped { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning && process.terminationStatus == 0)
    }

    /// Starts a real `geoctl serve` on a free port; returns it once it says it listens. Its log
    /// keeps being read (``ServeProcess``), so a talkative server never blocks on a full pipe.
    @Test("--threads N serves on N event loops of its own, and SIGTERM still stops it with exit 0")
    func ownEventLoops() async throws {
        let f = try ServiceFixture()
        for (extra, loops) in [(["--threads", "3"], 3), ([], 0)] {  // without it: NIO's shared loops
            let (process, port) = try Self.startServe(f, extra: extra)
            defer { if process.isRunning { process.terminate() } }
            let fd = try Self.connect(port: port)
            try Self.send(fd, Array("GET /route?lon=60.72309&lat=56.07966&category=snow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
            #expect(Self.receiveAll(fd).hasPrefix("HTTP/1.1 200"))
            close(fd)
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/task")
            let names = tasks.compactMap { try? String(contentsOfFile: "/proc/\(process.processIdentifier)/task/\($0)/comm", encoding: .utf8) }
            #expect(names.filter { $0.hasPrefix("NIO-ELT-") }.count == loops, "\(extra): \(names.sorted())")
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }

    static func startServe(_ f: ServiceFixture, extra: [String] = []) throws -> (Process, Int) {
        let server = try ServeProcess(binary: ServiceFixture.binary, in: ServiceFixture.repository,
                                      store: f.store, rules: f.rules, extra: extra)
        guard server.port > 0 else { throw ServiceFixture.FixtureError(message: "no listening line: \(server.stderr)") }
        return (server.process, server.port)
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            sent += n
        }
    }

    /// Reads until the text so far ends with the `occurrences`-th `suffix` (or 30 s pass).
    static func receive(_ fd: Int32, until suffix: String, occurrences: Int = 1) -> String {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = []
        var byte: UInt8 = 0
        var seen = 0
        while read(fd, &byte, 1) == 1 {
            out.append(byte)
            if String(decoding: out.suffix(suffix.utf8.count), as: UTF8.self) == suffix {
                seen += 1
                if seen == occurrences { break }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func receiveAll(_ fd: Int32) -> String {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buffer[..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
