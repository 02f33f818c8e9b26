import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("restricted layers and API keys")
struct APIKeyTests {
    static let fullKey = "call-centre-7f3a9c1e5b2d"
    static let appealsOnlyKey = "inspector-0b8e44d1a9c7f2"

    /// The sample city plus a restricted polygon layer, and keys for it.
    static func fixture() throws -> (ServiceFixture, String) {
        let f = try ServiceFixture()
        let r = try f.geoctl(["import", "fixtures/geojson/districts.geojson", "--layer", "secret-zones", "--kind", "district",
                              "--visibility", "restricted"])
        #expect(r.status == 0, "\(r.stderr)")
        let keys = f.folder + "/keys.yaml"
        try """
        "\(fullKey)": [appeals, secret-zones]
        "\(appealsOnlyKey)": [appeals]
        """.write(toFile: keys, atomically: true, encoding: .utf8)
        return (f, keys)
    }

    static let everyEndpoint = [
        "/", "/conformance", "/collections", "/collections/secret-zones", "/collections/secret-zones/items",
        "/collections/secret-zones/items/4", "/collections/appeals", "/collections/appeals/items", "/collections/appeals/items/1",
        "/at?lon=60.72309&lat=56.07966", "/point/4326/60.72309,56.07966", "/route?lon=60.72309&lat=56.07966&category=snow",
        "/open311/v2/services.json", "/open311/v2/services/snow.json", "/healthz", "/readyz", "/metrics", "/openapi.json",
        "/collections/secret-zones/items?bbox=60,56,61,57",
    ]

    @Test("without a key, restricted layers exist for no endpoint: nothing in any response names them")
    func hiddenWithoutKey() async throws {
        let (f, keys) = try Self.fixture()
        let server = try f.server(apiKeys: keys)
        try await server.application.test(.router) { client in
            for uri in Self.everyEndpoint {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok || r.status == .notFound, "\(uri): \(r.status)")
                    #expect(!r.text.contains("secret-zones") || uri.contains("secret-zones") && r.status == .notFound, "\(uri) reveals: \(r.text.prefix(300))")
                    #expect(!r.text.contains("\"appeals\"") && !r.text.contains("/appeals"), "\(uri) reveals appeals")
                }
            }
            // The same 404 as a layer that never existed.
            let missing = try await client.execute(uri: "/collections/no-such-layer/items/4", method: .get) { $0.status }
            let hidden = try await client.execute(uri: "/collections/secret-zones/items/4", method: .get) { $0.status }
            #expect(missing == .notFound && hidden == .notFound)
        }
    }

    @Test("a key grants exactly its layers, on every endpoint that reads layers; an unknown key gets 401")
    func keyGrants() async throws {
        let (f, keys) = try Self.fixture()
        let server = try f.server(apiKeys: keys)
        try await server.application.test(.router) { client in
            func get(_ uri: String, key: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .get, headers: [APIKeys.header: key]) { ($0.status, $0.text) }
            }
            let collections = try await get("/collections", key: Self.fullKey)
            #expect(collections.1.contains("\"id\":\"secret-zones\"") && collections.1.contains("\"id\":\"appeals\""))
            #expect(try await get("/collections/secret-zones/items/4", key: Self.fullKey).0 == .ok)
            #expect(try await get("/collections/appeals/items?limit=5", key: Self.fullKey).1.contains("\"Feature\""))
            #expect(try await get("/at?lon=60.72309&lat=56.07966", key: Self.fullKey).1.contains("\"layer\":\"secret-zones\""))
            #expect(try await get("/point/4326/60.72309,56.07966", key: Self.fullKey).1.contains("\"type\":\"secret-zones\""))

            // The appeals-only key still does not see secret-zones.
            let partial = try await get("/collections", key: Self.appealsOnlyKey)
            #expect(partial.1.contains("\"id\":\"appeals\"") && !partial.1.contains("secret-zones"))
            #expect(try await get("/collections/secret-zones", key: Self.appealsOnlyKey).0 == .notFound)
            #expect(!(try await get("/at?lon=60.72309&lat=56.07966", key: Self.appealsOnlyKey).1.contains("secret-zones")))
            #expect(!(try await get("/point/4326/60.72309,56.07966", key: Self.appealsOnlyKey).1.contains("secret-zones")))

            let wrong = try await get("/collections", key: "not-a-key-of-ours-at-all")
            #expect(wrong.0 == .unauthorized)
            #expect(!wrong.1.contains("not-a-key-of-ours-at-all"))
        }
    }

    @Test("rules that name a restricted layer are refused: the service routes on public layers only")
    func rulesOnRestrictedLayer() throws {
        let (f, _) = try Self.fixture()
        let rules = try String(contentsOfFile: f.rules, encoding: .utf8)
        try rules.replacingOccurrences(of: "covering: {layer: territories", with: "covering: {layer: secret-zones")
            .replacingOccurrences(of: "organisation: org,", with: "organisation: name,")
            .write(toFile: f.rules, atomically: true, encoding: .utf8)
        #expect(throws: ServiceError.self) { try f.server() }
    }

    @Test("a key file with a short key or a non-list value is refused, naming the file but not the key")
    func badKeyFile() throws {
        let f = try ServiceFixture()
        let path = f.folder + "/keys.yaml"
        try "\"short\": [appeals]\n".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try f.server(apiKeys: path)
            Issue.record("a short key was accepted")
        } catch {
            #expect("\(error)".contains("keys.yaml") && !"\(error)".contains("\"short\""))
        }
    }
}
