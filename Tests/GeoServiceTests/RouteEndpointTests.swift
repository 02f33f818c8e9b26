import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("GET /route, /at, /healthz, /readyz and problems")
struct RouteEndpointTests {
    @Test("GET /route answers byte for byte what geoctl route --format json prints")
    func sameAsCLI() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        let points: [(String, String, String)] = [
            ("60.72309", "56.07966", "snow"), ("60.9", "56.3", "snow"), ("60.72309", "56.07966", "pothole"),
            ("60.71", "56.08", "garbage"), ("60.705", "56.085", "lighting"),
        ]
        var expected: [String] = []
        for (lon, lat, category) in points {
            let cli = try f.geoctl(["route", "--rules", f.rules, "--lon", lon, "--lat", lat, "--category", category, "--format", "json"])
            #expect(cli.status == 0, "\(cli.stderr)")
            expected.append(cli.stdout.trimmingCharacters(in: .newlines))
        }
        let answers = expected
        try await server.application.test(.router) { client in
            for (i, (lon, lat, category)) in points.enumerated() {
                try await client.execute(uri: "/route?lon=\(lon)&lat=\(lat)&category=\(category)", method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType] == "application/json")
                    #expect(r.text == answers[i])
                }
            }
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                let o = try r.object()
                #expect((o["organisation"] as? [String: Any])?["id"] as? String == "ORG-08")
                #expect(o["deadline_days"] as? Int == 2)
                #expect(o["layer"] as? String == "territories")
            }
        }
    }

    @Test("bad requests get RFC 9457 problems naming the parameter; the server keeps serving")
    func problems() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            let cases: [(String, HTTPResponse.Status, String?)] = [
                ("/route?lat=56&category=snow", .badRequest, "lon"),
                ("/route?lon=60.7&category=snow", .badRequest, "lat"),
                ("/route?lon=60.7&lat=56", .badRequest, "category"),
                ("/route?lon=200&lat=56&category=snow", .badRequest, "lon"),
                ("/route?lon=60.7&lat=-91&category=snow", .badRequest, "lat"),
                ("/route?lon=abc&lat=56&category=snow", .badRequest, "lon"),
                ("/route?lon=nan&lat=56&category=snow", .badRequest, "lon"),
                ("/at?lon=60.7", .badRequest, "lat"),
                ("/route?lon=60.7&lat=56&category=volcano", .unprocessableContent, "category"),
                ("/no/such/path", .notFound, nil),
                ("/collections/appeals", .notFound, nil),
            ]
            for (uri, status, parameter) in cases {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == status, "\(uri)")
                    #expect(r.headers[.contentType] == "application/problem+json", "\(uri)")
                    let o = try r.object()
                    #expect(o["status"] as? Int == Int(status.code))
                    #expect((o["type"] as? String)?.hasPrefix("https://") == true)
                    #expect(o["title"] is String && o["detail"] is String)
                    #expect(o["parameter"] as? String == parameter, "\(uri): \(r.text)")
                }
            }
            try await client.execute(uri: "/route?lon=60.7&lat=56&category=volcano", method: .get) { r in
                let o = try r.object()
                #expect(o["known_categories"] as? [String] == ["pothole", "lighting", "garbage", "snow", "landscaping", "other"])
                #expect((o["detail"] as? String)?.contains("volcano") == true)
            }
            // Still serving after all that.
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                #expect(r.status == .ok)
            }
        }
    }

    @Test("GET /at answers what geoctl at --format json prints")
    func at() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        let cli = try f.geoctl(["at", "--lon", "60.72309", "--lat", "56.07966", "--format", "json"])
        #expect(cli.status == 0, "\(cli.stderr)")
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/at?lon=60.72309&lat=56.07966", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text == cli.stdout.trimmingCharacters(in: .newlines))
                let covering = try r.object()["covering"] as? [[String: Any]] ?? []
                #expect(covering.contains { $0["layer"] as? String == "territories" && $0["feature_id"] as? String == "16" })
            }
        }
    }

    @Test("healthz says up; readyz names the loaded layers and their versions")
    func health() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["status"] as? String == "ok")
            }
            try await client.execute(uri: "/readyz", method: .get) { r in
                #expect(r.status == .ok)
                let o = try r.object()
                #expect(o["status"] as? String == "ready")
                #expect((o["layers"] as? [String: Int])?["territories"] == 1)
                #expect(o["last_reload_error"] is NSNull)
            }
        }
    }

    @Test("the service binds to a real socket on loopback (live)")
    func live() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        #expect(server.configuration.host == "127.0.0.1")
        try await server.application.test(.live) { client in
            try await client.execute(uri: "/route?lon=60.72309&lat=56.07966&category=snow", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("\"ORG-08\""))
            }
        }
    }
}
