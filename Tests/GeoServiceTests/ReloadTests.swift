import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@Suite("hot reload")
struct ReloadTests {
    /// The sample territories with territory 16's company changed: version B of the layer.
    static func territoriesB(in f: ServiceFixture) throws -> String {
        let text = try String(contentsOfFile: ServiceFixture.repository.path + "/fixtures/geojson/territories.geojson", encoding: .utf8)
        let changed = text.replacingOccurrences(of: "\"org\":\"УК «Комфорт»\"", with: "\"org\":\"УК «Южная»\"")
        #expect(changed != text)
        let path = f.folder + "/territories-b.geojson"
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("20 imports --replace under a client that never pauses: no request fails, every answer is one of the two versions")
    func reloadUnderLoad() async throws {
        let f = try ServiceFixture()
        let b = try Self.territoriesB(in: f)
        let a = ServiceFixture.repository.path + "/fixtures/geojson/territories.geojson"
        let server = try f.server(reload: .auto)
        let stats = Mutex((answers: 0, failures: [String](), a: 0, b: 0))
        // In-process (the whole application and its reloader, without the socket), so a loaded
        // CI machine cannot turn a slow connection into a failure that is not the service's.
        try await server.application.test(.router) { client in
            let finished = Mutex(false)
            let importing = Task.detached { () -> [Int32] in
                defer { finished.withLock { $0 = true } }
                var statuses: [Int32] = []
                for i in 0 ..< 20 {
                    let r = try f.geoctl(["import", i % 2 == 0 ? b : a, "--layer", "territories", "--kind", "territory", "--replace"])
                    statuses.append(r.status)
                    try await Task.sleep(for: .milliseconds(150))
                }
                return statuses
            }
            while !finished.withLock({ $0 }) {
                try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                    let id = (try? r.object()["organisation"] as? [String: Any])?["id"] as? String
                    stats.withLock { s in
                        s.answers += 1
                        if r.status != .ok { s.failures.append("status \(r.status.code): \(r.text)") }
                        switch id {
                        case "ORG-08": s.a += 1
                        case "ORG-12": s.b += 1
                        default: s.failures.append("unexpected answer \(r.text)")
                        }
                    }
                }
            }
            let statuses = try await importing.value
            #expect(statuses == Array(repeating: 0, count: 20))
            // The last import put version A back: the service gets there and says so.
            let deadline = ContinuousClock.now + .seconds(20)
            var version = 0
            while ContinuousClock.now < deadline {
                version = try await client.execute(uri: "/readyz", method: .get) { r in
                    ((try? r.object()["layers"] as? [String: Int]) ?? [:])?["territories"] ?? 0
                }
                if version == 21 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(version == 21)
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                #expect(r.text.contains("\"ORG-08\""))
            }
        }
        let s = stats.withLock { $0 }
        #expect(s.failures.isEmpty, "\(s.failures.prefix(5))")
        #expect(s.answers > 100)
        #expect(s.a > 0 && s.b > 0, "both versions answered: A \(s.a), B \(s.b)")
        #expect(server.state.reloadCount >= 3)
    }

    @Test("broken rules keep the old router serving; /readyz and the metrics name the failure; fixed rules load again")
    func brokenRules() async throws {
        let f = try ServiceFixture()
        let good = try String(contentsOfFile: f.rules, encoding: .utf8)
        let server = try f.server(reload: .auto)
        try await server.application.test(.router) { client in
            try "categories: [this is not: valid".write(toFile: f.rules, atomically: true, encoding: .utf8)
            var error: String?
            for _ in 0 ..< 100 {
                error = try await client.execute(uri: "/readyz", method: .get) { r in
                    #expect(r.status == .ok)
                    return (try? r.object()["last_reload_error"] as? String) ?? nil
                }
                if error != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(error?.contains("rules.yaml") == true, "\(error ?? "no error")")
            #expect(error?.contains("still serving the previous router") == true)
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("\"ORG-08\""))
            }
            // Many polls see the same broken file: one failure, not one per poll.
            try await Task.sleep(for: .milliseconds(500))
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(r.text.contains("geoctl_reload_failures_total 1"), "\(r.text.split(separator: "\n").filter { $0.contains("failures") })")
            }
            // The previous file put back unchanged: nothing to reload, and the error is cleared.
            try good.write(toFile: f.rules, atomically: true, encoding: .utf8)
            var cleared = false
            for _ in 0 ..< 100 {
                cleared = try await client.execute(uri: "/readyz", method: .get) { r in (try? r.object()["last_reload_error"]) is NSNull }
                if cleared { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(cleared, "the error of a restored file stays on /readyz")
            // Fixed rules, with snow's deadline changed so the reload shows: loaded again.
            try good.replacingOccurrences(of: "deadline_days: 2\n    strategies:\n      - covering: {layer: territories",
                                          with: "deadline_days: 3\n    strategies:\n      - covering: {layer: territories")
                .write(toFile: f.rules, atomically: true, encoding: .utf8)
            var deadline = 0
            for _ in 0 ..< 100 {
                deadline = try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                    (try? r.object()["deadline_days"] as? Int) ?? 0
                }
                if deadline == 3 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(deadline == 3)
            try await client.execute(uri: "/readyz", method: .get) { r in
                let o = try r.object()
                #expect(o["last_reload_error"] is NSNull)
            }
        }
    }

    @Test("a layer the rules use is dropped: /readyz says degraded and names the categories that cannot route; the others still route")
    func droppedLayer() async throws {
        let f = try ServiceFixture()
        let server = try f.server(reload: .auto)
        try await server.application.test(.router) { client in
            let r = try f.geoctl(["drop", "territories"])
            #expect(r.status == 0, "\(r.stderr)")
            var readyz: [String: Any] = [:]
            for _ in 0 ..< 100 {
                readyz = try await client.execute(uri: "/readyz", method: .get) { r in try r.object() }
                if readyz["status"] as? String == "degraded" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(readyz["status"] as? String == "degraded", "\(readyz)")
            let unavailable = try #require(readyz["unavailable_categories"] as? [String: String])
            #expect(unavailable["snow"]?.contains("territories") == true, "\(unavailable)")
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
            }
            // The categories that do not need the dropped layer still route.
            let routing = ["pothole", "lighting", "garbage", "snow", "landscaping", "other"].filter { unavailable[$0] == nil }
            #expect(!routing.isEmpty)
            for category in routing {
                try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=\(category)", method: .get) { r in
                    #expect(r.status == .ok, "\(category): \(r.text)")
                }
            }
        }
    }
}
