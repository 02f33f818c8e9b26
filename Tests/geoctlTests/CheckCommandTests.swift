import Foundation
import Testing

@Suite("geoctl check")
struct CheckCommandTests {
    /// The fixture territories with the second one removed and the third duplicated under
    /// the first one's organisation.
    func brokenTerritories(in s: Scratch) throws -> String {
        let url = Geoctl.repository.appendingPathComponent("fixtures/geojson/territories.geojson")
        var root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var features = root["features"] as! [[String: Any]]
        var copy = features[2]
        var properties = copy["properties"] as! [String: Any]
        properties["org"] = (features[0]["properties"] as! [String: Any])["org"]
        copy["properties"] = properties
        copy["id"] = 999
        features.remove(at: 1)
        features.append(copy)
        root["features"] = features
        let path = s.folder + "/broken-territories.geojson"
        try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("check territories: 0 on the sample city; 2 with a gap and an overlap, each in the GeoJSON output with area and organisations")
    func territories() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let clean = try s.geoctl(["check", "territories", "territories", "--boundary", "city"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stdout.contains("no problem above the threshold"))
        #expect(clean.stdout.contains("method: areas planar in EPSG:32641"))

        let file = try brokenTerritories(in: s)
        #expect(try s.geoctl(["import", file, "--layer", "broken", "--kind", "territory"]).status == 0)
        let out = s.folder + "/problems.geojson"
        let r = try s.geoctl(["check", "territories", "broken", "--boundary", "city", "--output", out])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stdout.contains("✗ gap:") && r.stdout.contains("✗ overlap:"))
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as! [String: Any]
        let features = written["features"] as! [[String: Any]]
        let types = features.map { ($0["properties"] as! [String: Any])["type"] as! String }
        #expect(types.sorted() == ["gap", "overlap"])
        for f in features {
            let p = f["properties"] as! [String: Any]
            #expect((p["area_m2"] as! Double) > 1000)
            #expect(!(p["organisations"] as! [String]).isEmpty)
            #expect((f["geometry"] as! [String: Any])["type"] as! String == "Polygon")
        }
        // The same as JSON on stdout, for scripts.
        let json = try s.geoctl(["check", "territories", "broken", "--boundary", "city", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["passed"] as? Bool == false && object["problems"] as? Int == 2)
        // A huge threshold turns both into slivers: the check passes.
        let lenient = try s.geoctl(["check", "territories", "broken", "--boundary", "city", "--min-area-m2", "1e9", "--format", "csv"])
        #expect(lenient.status == 0)
        #expect(lenient.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("gap,sliver") || $0.hasPrefix("overlap,sliver") })
    }

    @Test("check layer: exit 0 on a clean layer, 2 on duplicate ids; restricted layers stay hidden without the flag")
    func layer() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let clean = try s.geoctl(["check", "layer", "sites"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        let file = try brokenTerritories(in: s)
        _ = try s.geoctl(["import", file, "--layer", "broken", "--kind", "territory"])
        // Organisations repeat, so read as ids they are duplicates.
        let dup = try s.geoctl(["check", "layer", "broken", "--id-field", "org", "--format", "json"])
        #expect(dup.status == 2)
        #expect(dup.stdout.contains("duplicate_id"))
        // appeals is restricted in the manifest: the same answer as for a layer that does not exist.
        let hidden = try s.geoctl(["check", "layer", "appeals"])
        let missing = try s.geoctl(["check", "layer", "no-such-layer"])
        #expect(hidden.status == 1 && missing.status == 1)
        #expect(hidden.stderr.replacingOccurrences(of: "appeals", with: "X") == missing.stderr.replacingOccurrences(of: "no-such-layer", with: "X"))
        #expect(try s.geoctl(["check", "layer", "appeals", "--include-restricted"]).status == 0)
    }
}

@Suite("Metric CRS on the command line")
struct MetricCRSCommandTests {
    @Test("check and coverage refuse a --crs that does not measure in metres, instead of answering in degrees")
    func refuseDegrees() throws {
        let s = try Scratch()
        try s.importSampleCity()
        for command in [["check", "territories", "territories", "--boundary", "city", "--crs", "EPSG:4326"],
                        ["coverage", "--buildings", "buildings", "--sites", "sites", "--crs", "EPSG:4326"]] {
            let r = try s.geoctl(command)
            #expect(r.status == 1, "\(command)")
            #expect(r.stderr.contains("EPSG:4326 cannot measure distances and areas"), "\(r.stderr)")
        }
        #expect(try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--crs", "EPSG:32641"]).status == 0)
    }
}
