import Foundation
import Testing
import GeoCore

@Suite("geoctl affected and conflicts")
struct WorksCommandTests {
    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init)
        guard let head = lines.first?.split(separator: ",").map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            // The fixture values hold no commas inside quotes except addresses: split on commas outside quotes.
            var cells: [String] = [], cell = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { cells.append(cell); cell = "" } else { cell.append(ch) }
            }
            cells.append(cell)
            return Dictionary(uniqueKeysWithValues: zip(head, cells).map { ($0, $1) })
        }
    }

    @Test("affected on the sample city: the notification list adds up to the buildings, in every output")
    func affectedOutputs() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let out = s.folder + "/out"
        let r = try s.geoctl(["affected", "--layer", "outages", "--buildings", "buildings", "--territories", "territories",
                              "--buffer-metres", "20", "--utc-offset", "+05:00", "--from", "2024-11-20", "--to", "2024-11-21",
                              "--format", "json", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.compactMap { $0["id"] as? String } == ["1", "2"])   // 22 November is outside the period
        let totals = try #require(json["totals"] as? [String: Any])
        let buildings = try Self.rows(String(contentsOfFile: out + "/buildings.csv", encoding: .utf8))
        #expect(Set(buildings.map { $0["building_id"]! }).count == totals["buildings"] as? Int)
        let notifications = try Self.rows(String(contentsOfFile: out + "/notifications.csv", encoding: .utf8))
        for id in ["1", "2"] {
            let listed = notifications.filter { $0["feature_id"] == id }.reduce(0) { $0 + Int($1["buildings"]!)! }
            #expect(listed == buildings.filter { $0["feature_id"] == id }.count)
            #expect(listed > 0)
        }
        #expect(buildings.allSatisfy { !$0["address"]!.isEmpty && !$0["organisation"]!.isEmpty })
        // Who tells whom, and how to reach them: each organisation's phone and e-mail from its territory.
        let territories = try GeoJSONReader(path: Geoctl.repository.path + "/fixtures/geojson/territories.geojson").readAll()
        for row in notifications {
            let territory = try #require(territories.first { $0.properties["org"]?.plainText == row["organisation"] }, "\(row)")
            #expect(row["phone"] == territory.properties["phone"]?.plainText)
            #expect(row["email"] == territory.properties["email"]?.plainText)
        }
        let byRules = try s.geoctl(["affected", "--layer", "outages", "--buildings", "buildings", "--rules", "fixtures/routing-rules.yaml",
                                    "--category", "other", "--id", "1", "--format", "json"])
        #expect(byRules.status == 0, "\(byRules.stderr)")
        let ruled = try #require((try JSONSerialization.jsonObject(with: Data(byRules.stdout.utf8)) as? [String: Any])?["organisations"] as? [[String: Any]])
        #expect(!ruled.isEmpty && ruled.allSatisfy { ($0["phone"] as? String)?.hasPrefix("+7") == true }, "\(ruled)")
        let geojson = try GeoJSONReader(path: out + "/buildings.geojson").readAll()
        #expect(geojson.count == totals["buildings"] as? Int)
        #expect(geojson.allSatisfy { $0.properties["affected_by"] != nil })
        let table = try s.geoctl(["affected", "--layer", "outages", "--buildings", "buildings", "--territories", "territories", "--id", "1"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("organisation") && table.stdout.contains("EPSG:32641"))
    }

    @Test("affected: features with bad dates are named on stderr and skipped, the rest reported, exit 1")
    func badDates() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let path = s.folder + "/bad.geojson"
        let text = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"A-1","properties":{"start":"2025-01-15T06:30:00+05:00","end":"2025-01-15T20:00:00+05:00"},"geometry":{"type":"Point","coordinates":[60.73,56.08]}},
        {"type":"Feature","id":"A-2","properties":{"start":"15.01.2025","end":"2025-01-16"},"geometry":{"type":"Point","coordinates":[60.73,56.08]}},
        {"type":"Feature","id":"A-3","properties":{"start":"2025-01-15"},"geometry":{"type":"Point","coordinates":[60.73,56.08]}}
        ]}
        """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try s.geoctl(["import", path, "--layer", "avarii", "--kind", "outage"]).status == 0)
        let r = try s.geoctl(["affected", "--layer", "avarii", "--buildings", "buildings", "--buffer-metres", "500", "--format", "csv"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("avarii: feature A-2: start: \"15.01.2025\" is not an ISO 8601"))
        #expect(r.stderr.contains("avarii: feature A-3: end: missing"))
        #expect(r.stdout.contains("A-1,"))
        #expect(!r.stdout.contains("A-2,") && !r.stdout.contains("A-3,"))
        // With --id, another feature's bad dates do not matter.
        let one = try s.geoctl(["affected", "--layer", "avarii", "--id", "A-1", "--buildings", "buildings", "--buffer-metres", "500", "--format", "csv"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stderr.isEmpty)
    }

    @Test("affected warns about a layer of another kind (its missing dates then fail it), refuses an unknown id and contradictory flags")
    func refusals() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let kind = try s.geoctl(["affected", "--layer", "buildings", "--buildings", "buildings"])
        #expect(kind.status == 1)
        #expect(kind.stderr.contains("warning: layer \"buildings\" is of kind building"))
        let id = try s.geoctl(["affected", "--layer", "outages", "--buildings", "buildings", "--id", "77"])
        #expect(id.status == 1)
        #expect(id.stderr.contains("outages: no feature with id 77"))
        #expect(try s.geoctl(["affected", "--layer", "outages", "--buildings", "buildings", "--from", "2025-01-01"]).status == 64)
        #expect(try s.geoctl(["affected", "--layer", "outages", "--buildings", "buildings", "--at", "tomorrow"]).status == 64)
    }

    @Test("conflicts on the sample city: CSV rows, GeoJSON shared zones and JSON agree; repairs need kind repair")
    func conflictsOutputs() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let out = s.folder + "/out"
        let r = try s.geoctl(["conflicts", "--layer", "earthworks", "--with", "repairs", "--utc-offset", "+05:00", "--format", "csv", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Self.rows(r.stdout)
        #expect(rows.contains { $0["kind"] == "works" && $0["first_permit"] == "Ордер №42/2025" && $0["second_permit"] == "Ордер №43/2025"
            && $0["overlap_start"] == "2025-06-25T00:00:00+05:00" && $0["overlap_end"] == "2025-07-01T00:00:00+05:00" })
        #expect(!rows.contains { $0["first_permit"] == "Ордер №42/2025" && $0["second_permit"] == "Ордер №44/2025" })
        #expect(rows.contains { $0["kind"] == "guarantee" && $0["first_permit"] == "Ордер №46/2025" && $0["second_layer"] == "repairs" })
        #expect(rows.allSatisfy { !$0["first_phone"]!.isEmpty })
        let zones = try GeoJSONReader(path: out + "/conflicts.geojson").readAll()
        #expect(zones.count == rows.count)
        #expect(zones.allSatisfy { $0.geometry?.kind == .polygon || $0.geometry?.kind == .multiPolygon })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(String(contentsOfFile: out + "/summary.json", encoding: .utf8).utf8)) as? [String: Any])
        #expect((json["conflicts"] as? [Any])?.count == rows.count)
        #expect((json["crs"] as? String) == "EPSG:32641")
        let wrong = try s.geoctl(["conflicts", "--layer", "earthworks", "--with", "buildings"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("warning: layer \"buildings\" is of kind building; the layer of repair should be of kind repair"))
        let tight = try s.geoctl(["conflicts", "--layer", "earthworks", "--buffer-metres", "0", "--utc-offset", "+05:00", "--format", "csv"])
        #expect(!Self.rows(tight.stdout).contains { $0["second_permit"] == "Ордер №45/2025" })
    }
}

extension WorksCommandTests {
    @Test("affected --rules groups each building by what `geoctl route` decides at a point inside it")
    func groupedByRules() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["affected", "--layer", "outages", "--id", "2", "--buildings", "buildings", "--rules", "fixtures/routing-rules.yaml",
                              "--category", "garbage", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = Self.rows(r.stdout)
        #expect(rows.count > 3)
        let buildings = try GeoJSONReader(path: "fixtures/geojson/buildings.geojson").readAll()
        let geos = GEOSContext()
        for row in rows.prefix(4) {
            let b = try #require(buildings.first { $0.id?.description == row["building_id"] })
            guard case .point(let p) = try geos.geometry(b.geometry!).pointOnSurface().value() else { Issue.record("no point"); continue }
            let routed = try s.geoctl(["route", "--rules", "fixtures/routing-rules.yaml", "--lon", String(p.x), "--lat", String(p.y),
                                       "--category", "garbage", "--format", "json"])
            #expect(routed.stdout.contains(row["organisation"]!), "building \(row["building_id"]!): \(routed.stdout.prefix(300))")
        }
    }
}
