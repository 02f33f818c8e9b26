import Foundation
import Testing

@Suite("geoctl coverage")
struct CoverageCommandTests {
    @Test("coverage of the sample city: a summary naming the rules, and CSV and GeoJSON per building, site and district")
    func coverage() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let out = s.folder + "/cov"
        let r = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "districts",
                              "--sensitive", "institutions", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("SanPiN 2.1.3684-21 cl. 4: ≤ 100 m"))
        #expect(r.stdout.contains("method: planar distances in EPSG:32641"))
        for name in ["buildings", "sites", "districts"] {
            #expect(FileManager.default.fileExists(atPath: "\(out)/\(name).csv"))
            let inspect = try Geoctl.run(["inspect", "\(out)/\(name).geojson", "--format", "json"])
            #expect(inspect.status == 0, "\(name)")
        }
        let buildings = try String(contentsOfFile: out + "/buildings.csv", encoding: .utf8).split(separator: "\n")
        #expect(buildings.count == 329)
        #expect(buildings[0] == "id,nearest_site,distance_m,covered,sites_too_close,district,rule")
        // The report opens offline: one file, an inline SVG map, nothing fetched.
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("</svg>") && html.contains("м</text>"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<script"))
        let suggested = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--sensitive", "institutions",
                                      "--suggest", "--output", out])
        #expect(suggested.stdout.contains("buildings no new site can reach  0"))
        #expect(FileManager.default.fileExists(atPath: out + "/suggested.geojson"))
        let rural = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--profile", "rural", "--format", "json"])
        let ruralSummary = try JSONSerialization.jsonObject(with: Data(rural.stdout.utf8)) as? [String: Any] ?? [:]
        let ruralRules = ruralSummary["rules"] as? [String: Any] ?? [:]
        #expect(rural.status == 0 && ruralRules["profile"] as? String == "rural" && ruralRules["medical_min_m"] as? Double == 15)
        #expect(try s.geoctl(["coverage", "--buildings", "nope", "--sites", "sites"]).status == 1)
    }
}
