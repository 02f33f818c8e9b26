import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("MapIt, Open311 and OGC API – Features")
struct StandardsEndpointTests {
    static let publicLayers = ["buildings", "city", "districts", "earthworks", "institutions", "outages", "precincts", "repairs", "roads", "sites", "territories"]

    @Test("MapIt: /point/4326/LON,LAT answers areas keyed by id in MapIt's shape")
    func mapit() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            for suffix in ["", ".json"] {
                try await client.execute(uri: "/point/4326/60.72309,56.07966" + suffix, method: .get) { r in
                    #expect(r.status == .ok)
                    let areas = try #require(try r.json() as? [String: [String: Any]])
                    #expect(!areas.isEmpty)
                    for (key, area) in areas {
                        for field in ["id", "name", "type", "type_name", "country", "parent_area", "generation_low", "generation_high", "codes", "all_names"] {
                            #expect(area[field] != nil, "\(field) missing in \(area)")
                        }
                        #expect(String(area["id"] as? Int ?? -1) == key)
                    }
                    let territory = try #require(areas.values.first { $0["type"] as? String == "territories" })
                    #expect((territory["codes"] as? [String: String])?["geoctl"] == "territories/16")
                    #expect(territory["name"] as? String == "Территория обслуживания №16")
                    #expect(territory["generation_high"] as? Int == 1)
                    #expect(areas.values.contains { $0["type"] as? String == "districts" })
                }
            }
            try await client.execute(uri: "/point/4326/60.72309,56.07966?type=districts", method: .get) { r in
                let areas = try #require(try r.json() as? [String: [String: Any]])
                #expect(areas.count == 1 && areas.values.first?["type"] as? String == "districts")
            }
            try await client.execute(uri: "/point/4326/10,20", method: .get) { r in
                #expect(r.status == .ok && r.text == "{}")
            }
            try await client.execute(uri: "/point/4326/60.7,95", method: .get) { r in
                #expect(r.status == .badRequest)
                let o = try r.object()
                #expect(o["parameter"] as? String == "lat")
            }
        }
    }

    @Test("Open311 discovery lists the routing categories as services")
    func open311() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/open311/v2/services.json", method: .get) { r in
                #expect(r.status == .ok)
                let services = try #require(try r.json() as? [[String: Any]])
                #expect(services.map { $0["service_code"] as? String } == ["pothole", "lighting", "garbage", "snow", "landscaping", "other"])
                let snow = try #require(services.first { $0["service_code"] as? String == "snow" })
                #expect(snow["service_name"] as? String == "Не убран снег")
                #expect(snow["group"] as? String == "housing")
                #expect(snow["metadata"] as? Bool == false && snow["type"] as? String == "realtime")
                #expect((snow["description"] as? String)?.contains("Snow not cleared") == true)
            }
            try await client.execute(uri: "/open311/v2/services/snow.json", method: .get) { r in
                let o = try r.object()
                #expect(o["service_code"] as? String == "snow")
                #expect((o["attributes"] as? [Any])?.isEmpty == true)
            }
            try await client.execute(uri: "/open311/v2/services/volcano.json", method: .get) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test("OGC API – Features: landing, conformance, collections, items with bbox, limit and next links, single items")
    func features() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { r in
                let links = try r.object()["links"] as? [[String: String]] ?? []
                #expect(Set(links.compactMap { $0["rel"] }).isSuperset(of: ["self", "service-desc", "conformance", "data"]))
            }
            try await client.execute(uri: "/conformance", method: .get) { r in
                let classes = try r.object()["conformsTo"] as? [String] ?? []
                #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"))
                #expect(classes.contains("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"))
            }
            try await client.execute(uri: "/collections", method: .get) { r in
                let collections = try r.object()["collections"] as? [[String: Any]] ?? []
                #expect(collections.compactMap { $0["id"] as? String }.sorted() == Self.publicLayers)
            }
            // Paging: 30 territories in pages of 7.
            var ids: [String] = []
            var next: String? = "/collections/territories/items?limit=7"
            var pages = 0
            while let uri = next {
                pages += 1
                next = try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType] == "application/geo+json")
                    let o = try r.object()
                    let features = o["features"] as? [[String: Any]] ?? []
                    #expect(o["numberReturned"] as? Int == features.count)
                    ids += features.map { "\($0["id"]!)" }
                    let href = (o["links"] as? [[String: String]])?.first { $0["rel"] == "next" }?["href"]
                    return href.map { String($0[$0.range(of: "/collections")!.lowerBound...]) }
                }
            }
            #expect(pages == 5)
            #expect(ids.count == 30 && Set(ids).count == 30)
            try await client.execute(uri: "/collections/territories/items?bbox=60.7225,56.0790,60.7235,56.0800&limit=100", method: .get) { r in
                let features = try r.object()["features"] as? [[String: Any]] ?? []
                #expect(features.contains { "\($0["id"]!)" == "16" })
                #expect(features.count < 30)
            }
            try await client.execute(uri: "/collections/territories/items/16", method: .get) { r in
                let o = try r.object()
                #expect(o["type"] as? String == "Feature")
                #expect((o["properties"] as? [String: Any])?["org"] as? String == "УК «Комфорт»")
            }
            for bad in ["/collections/territories/items?limit=0", "/collections/territories/items?bbox=1,2,3",
                        "/collections/territories/items?limit=abc"] {
                try await client.execute(uri: bad, method: .get) { r in #expect(r.status == .badRequest, "\(bad)") }
            }
            try await client.execute(uri: "/collections/territories/items/99999", method: .get) { r in #expect(r.status == .notFound) }
        }
    }

    @Test("GDAL's own client: ogrinfo lists every public layer; ogr2ogr copies one with geoctl export's count and extent")
    func gdal() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        try await server.application.test(.live) { client in
            let port = client.port!
            let list = try ServiceFixture.run("/usr/bin/ogrinfo", ["-ro", "-q", "OAPIF:http://127.0.0.1:\(port)"])
            #expect(list.status == 0, "\(list.stderr)")
            let names = list.stdout.split(separator: "\n").compactMap { line -> String? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return line[line.index(after: colon)...].split(separator: " ").first.map(String.init)
            }
            #expect(names.sorted() == Self.publicLayers, "\(list.stdout)")
            #expect(!list.stdout.contains("appeals"))

            let copied = f.folder + "/copied.geojson"
            let copy = try ServiceFixture.run("/usr/bin/ogr2ogr", ["-f", "GeoJSON", copied, "OAPIF:http://127.0.0.1:\(port)", "territories"])
            #expect(copy.status == 0, "\(copy.stderr)")
            let exported = f.folder + "/exported.geojson"
            let export = try f.geoctl(["export", "territories", "-o", exported])
            #expect(export.status == 0, "\(export.stderr)")
            let a = try Self.summary(copied), b = try Self.summary(exported)
            #expect(a.count == 30 && a.count == b.count, "\(a.count) vs \(b.count)")
            #expect(a.extent == b.extent, "\(a.extent) vs \(b.extent)")
        }
    }

    /// Feature count and extent as ogrinfo reports them.
    static func summary(_ path: String) throws -> (count: Int, extent: String) {
        let r = try ServiceFixture.run("/usr/bin/ogrinfo", ["-ro", "-so", "-al", path])
        let lines = r.stdout.split(separator: "\n")
        let count = lines.first { $0.hasPrefix("Feature Count:") }.flatMap { Int($0.split(separator: " ").last!) } ?? -1
        let extent = lines.first { $0.hasPrefix("Extent:") }.map(String.init) ?? ""
        return (count, extent)
    }
}
