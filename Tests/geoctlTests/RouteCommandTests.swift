import Foundation
import Testing

@Suite("geoctl route and at")
struct RouteCommandTests {
    static let rules = "fixtures/routing-rules.yaml"

    @Test("one appeal: an explanation, or JSON for services")
    func single() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["route", "--rules", Self.rules, "--lon", "60.72309", "--lat", "56.07966", "--category", "snow"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("→ УК «Комфорт»"))
        #expect(r.stdout.contains("tel. +7 (35146) 4-55-68"))
        #expect(r.stdout.contains("deadline: 2 days"))
        #expect(r.stdout.contains("rule 1 of 2, covering territories.org (borders within 5 m): feature 16 of territories covers the point"))
        let json = try s.geoctl(["route", "--rules", Self.rules, "--lon", "60.72309", "--lat", "56.07966", "--category", "snow", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["organisation"] as? [String: Any])?["id"] as? String == "ORG-08")
        #expect(object?["deadline_days"] as? Int == 2)
        let unknown = try s.geoctl(["route", "--rules", Self.rules, "--lon", "60.72", "--lat", "56.08", "--category", "volcano"])
        #expect(unknown.status == 1 && unknown.stderr.contains("unknown category \"volcano\" (known: pothole, lighting"))
        let noRules = try s.geoctl(["route", "--lon", "60.72", "--lat", "56.08", "--category", "snow"])
        #expect(noRules.status == 64)
    }

    @Test("batch: one output row per input row in order, bad rows marked, a summary per organisation")
    func batch() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let input = s.folder + "/in.csv"
        try "id,x,y,kind\na,60.72309,56.07966,snow\nb,abc,56,snow\nc,60.72309,56.07966,volcano\nd,200,56,snow\n,,,\ne,60.9,56.3,snow\n"
            .write(toFile: input, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["route", "--rules", Self.rules, "--input", input, "--output", "-",
                              "--lon-column", "x", "--lat-column", "y", "--category-column", "kind"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[1].hasPrefix("1,a,60.72309,56.07966,snow,ok,УК «Комфорт»,ORG-08,"))
        #expect(lines[2].hasPrefix("2,b,,,snow,error,") && lines[2].contains("are not numbers"))
        #expect(lines[3].contains(",error,") && lines[3].contains("unknown category \"\"volcano\"\""))
        #expect(lines[4].contains(",error,") && lines[4].contains("lie outside longitude [-180, 180]"))
        #expect(lines[5].hasPrefix("5,,") && lines[5].contains(",error,"))
        #expect(lines[6].hasPrefix("6,e,60.9,56.3,snow,ok,Администрация") && lines[6].contains("outside_territory fallback"))
        #expect(r.stderr.contains("6 appeals routed"))
        #expect(r.stderr.contains("2 ok, 0 unrouted, 4 errors"))

        let out = s.folder + "/routed.geojson"
        let g = try s.geoctl(["route", "--rules", Self.rules, "--input", "fixtures/geojson/appeals.geojson", "--output", out])
        #expect(g.status == 0, "\(g.stderr)")
        let routed = try Geoctl.run(["inspect", out, "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(routed.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(summary["features"] as? Int == 200)
        #expect(g.stderr.contains("200 appeals routed"))
        #expect(g.stderr.contains("Администрация Снежинского городского округа"))
    }

    @Test("at: the district and deputy, the precinct and officer, the company and contacts; all of them on a shared vertex")
    func at() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["at", "--lon", "60.72309", "--lat", "56.07966"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("districts (district) #4: number: 4; name: Избирательный округ №4; deputy: "))
        #expect(r.stdout.contains("precincts (precinct) #3: "))
        #expect(r.stdout.contains("officer: "))
        #expect(r.stdout.contains("territories (territory) #16: ") && r.stdout.contains("org: УК «Комфорт»"))
        #expect(r.stdout.contains("Nearest institutions:\n  школа: "))
        // A shared vertex of four territories.
        let vertex = try Geoctl.run(["inspect", "fixtures/geojson/appeals.geojson", "--format", "json"])
        #expect(vertex.status == 0)
        let appeals = try String(contentsOfFile: Geoctl.repository.path + "/fixtures/geojson/appeals.geojson", encoding: .utf8)
        let line = try #require(appeals.split(separator: "\n").first { $0.contains("on a shared vertex") })
        let coordinates = line.split(separator: "[").last!.split(separator: "]").first!.split(separator: ",")
        let on = try s.geoctl(["at", "--lon", String(coordinates[0]), "--lat", String(coordinates[1]), "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(on.stdout.utf8)) as? [String: Any]
        let covering = object?["covering"] as? [[String: Any]] ?? []
        let territories = covering.filter { $0["layer"] as? String == "territories" }
        #expect(territories.count >= 2)
        #expect(territories.allSatisfy { $0["on_boundary"] as? Bool == true })
    }

    @Test("at never shows a restricted layer without --include-restricted")
    func atRestricted() throws {
        let s = try Scratch()
        try s.importSampleCity()
        // A restricted polygon layer covering the whole city.
        #expect(try s.geoctl(["import", "fixtures/geojson/city.geojson", "--layer", "secret", "--kind", "boundary", "--visibility", "restricted"]).status == 0)
        let plain = try s.geoctl(["at", "--lon", "60.72309", "--lat", "56.07966", "--format", "json"])
        #expect(!plain.stdout.contains("secret"))
        #expect(!plain.stdout.contains("appeals"))
        let all = try s.geoctl(["at", "--lon", "60.72309", "--lat", "56.07966", "--format", "json", "--include-restricted"])
        #expect(all.stdout.contains("\"layer\":\"secret\""))
    }
}
