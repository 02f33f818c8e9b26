import Foundation
import Testing

@Suite("geoctl appeals")
struct AppealsCommandTests {
    /// The sample city plus the timestamped appeals fixture as layer `year`.
    func cityWithYear() throws -> Scratch {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["import", "fixtures/appeals/year.geojson", "--layer", "year", "--kind", "other"])
        #expect(r.status == 0, "\(r.stderr)")
        return s
    }

    func csv(_ text: String) -> [[String: String]] {
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test("stats: the CSV shape, per territory or per organisation, by day, week, month or quarter; the zone is stated")
    func stats() throws {
        let s = try cityWithYear()
        let r = try s.geoctl(["appeals", "stats", "year", "--by", "territories.code", "--format", "csv", "--as-of", "2025-01-01T00:00:00+05:00"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("area,period,category,count,closed,breaches,median_hours,p90_hours,change\n"))
        let rows = csv(r.stdout)
        #expect(rows.contains { $0["area"] == "T-01" && $0["period"] == "2024-03" })
        #expect(rows.allSatisfy { $0["period"]!.count == 7 })
        #expect(r.stderr.contains("periods in UTC+05:00"))
        for (period, example) in [("week", "2024-W09"), ("day", "2024-03-05"), ("quarter", "2024-Q1")] {
            let p = try s.geoctl(["appeals", "stats", "year", "--by-rules", "fixtures/routing-rules.yaml", "--period", period, "--format", "csv"])
            #expect(p.status == 0, "\(p.stderr)")
            #expect(csv(p.stdout).contains { $0["period"] == example }, "\(period)")
        }
        // Every appeal once under --by-rules; the filters.
        let rules = csv(try s.geoctl(["appeals", "stats", "year", "--by-rules", "fixtures/routing-rules.yaml", "--period", "all", "--format", "csv"]).stdout)
        #expect(rules.reduce(0) { $0 + Int($1["count"]!)! } == 2000)
        let march = try s.geoctl(["appeals", "stats", "year", "--from", "2024-03-01", "--to", "2024-04-01", "--category", "pothole", "--format", "json"])
        let objects = try JSONSerialization.jsonObject(with: Data(march.stdout.utf8)) as! [[String: String]]
        #expect(!objects.isEmpty && objects.allSatisfy { $0["period"] == "2024-03" && $0["category"] == "pothole" })
        #expect(march.stderr.contains("filtered out"))
        // Bad flags exit 64; a missing layer 1.
        #expect(try s.geoctl(["appeals", "stats", "year", "--tz", "Mars/Olympus"]).status == 64)
        #expect(try s.geoctl(["appeals", "stats", "year", "--time-format", "%Q"]).status == 64)
        #expect(try s.geoctl(["appeals", "stats", "year", "--from", "yesterday"]).status == 64)
        #expect(try s.geoctl(["appeals", "stats", "year", "--format", "geojson"]).status == 64)
        #expect(try s.geoctl(["appeals", "stats", "nope"]).status == 1)
    }

    @Test("a CSV that cannot be written to stdout (a full disk) exits 74 and says so")
    func stdoutFull() throws {
        let s = try cityWithYear()
        for job in [["stats", "year", "--by", "territories.code"], ["duplicates", "year"]] {
            let r = try Geoctl.run(executable: "/bin/sh", ["-c", "\"$0\" appeals \"$@\" > /dev/full", Geoctl.binary] + job + ["--format", "csv", "--store", s.store])
            #expect(r.status == 74 && r.stderr.contains("stdout: cannot write"), "\(job): \(r.status) \(r.stderr)")
        }
    }

    @Test("unparseable timestamps are counted per field with examples; US 311 layouts and naive times in --tz")
    func timestamps() throws {
        let s = try Scratch()
        let file = s.folder + "/a.geojson"
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":1,"properties":{"category":"a","created":"03/05/2024 02:23:11 PM","closed":"03/06/2024 02:23:11 PM"},"geometry":{"type":"Point","coordinates":[60.7,56.07]}},
        {"type":"Feature","id":2,"properties":{"category":"a","created":"2024-03-05T14:23:11+05:00","closed":"soon"},"geometry":{"type":"Point","coordinates":[60.71,56.07]}},
        {"type":"Feature","id":3,"properties":{"category":"b","created":"13/45/2024 02:23:11 PM"},"geometry":{"type":"Point","coordinates":[60.72,56.08]}},
        {"type":"Feature","id":4,"properties":{"category":"b","created":"12/31/2024 11:30:00 PM","deadline_days":1},"geometry":{"type":"Point","coordinates":[60.72,56.08]}},
        {"type":"Feature","id":5,"properties":{"category":"a","created":"03/05/2024 09:00:00 AM","closed":"soon"},"geometry":{"type":"Point","coordinates":[60.7,56.07]}}
        ]}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try s.geoctl(["import", file, "--layer", "a", "--kind", "other"]).status == 0)
        let r = try s.geoctl(["appeals", "stats", "a", "--time-format", "%m/%d/%Y %I:%M:%S %p", "--tz", "America/New_York", "--period", "day", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("a: created: unparseable (layout %m/%d/%Y %I:%M:%S %p): 2 appeals, e.g. 2: 2024-03-05T14:23:11+05:00; 3: 13/45/2024 02:23:11 PM"))
        #expect(r.stderr.contains("a: closed: unparseable (layout %m/%d/%Y %I:%M:%S %p); counted as not closed: 1 appeal, e.g. 5: soon"))
        #expect(r.stderr.contains("periods in America/New_York"))
        let rows = csv(r.stdout)
        #expect(rows.count == 2)
        #expect(rows.contains { $0["period"] == "2024-03-05" && $0["count"] == "2" && $0["closed"] == "1" && $0["median_hours"] == "24" })
        // Naive 23:30 in New York is already 2025 in UTC but 2024-12-31 in the zone; still open past
        // its one-day deadline a week later.
        #expect(rows.contains { $0["period"] == "2024-12-31" && $0["breaches"] == "0" })
        let later = csv(try s.geoctl(["appeals", "stats", "a", "--time-format", "%m/%d/%Y %I:%M:%S %p", "--tz", "America/New_York",
                                      "--period", "day", "--format", "csv", "--as-of", "2025-01-08"]).stdout)
        #expect(later.contains { $0["period"] == "2024-12-31" && $0["breaches"] == "1" })
    }

    @Test("heatmap and hotspots: one Polygon per cell with its count (empty cells included), CSV with centres; the CRS and size named")
    func cells() throws {
        let s = try cityWithYear()
        let out = s.folder + "/heat"
        let r = try s.geoctl(["appeals", "heatmap", "year", "--cell-metres", "150", "--boundary", "city", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("hexagons of 150 m edge in EPSG:32641"))
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/heatmap.geojson"))) as! [String: Any]
        let features = geojson["features"] as! [[String: Any]]
        let rows = csv(try String(contentsOfFile: out + "/heatmap.csv", encoding: .utf8))
        #expect(features.count == rows.count && features.count > 100)
        #expect(features.allSatisfy { ($0["geometry"] as! [String: Any])["type"] as! String == "Polygon" })
        let counts = features.map { ($0["properties"] as! [String: Any])["count"] as! Int }
        #expect(counts.contains(0))
        #expect(r.stderr.contains("\(counts.reduce(0, +)) appeals counted"))
        #expect(Set(rows[0].keys) == ["cell", "i", "j", "lon", "lat", "count"])

        let hot = try s.geoctl(["appeals", "hotspots", "year", "--cell-metres", "100", "--boundary", "city", "--exposure", "buildings",
                                "--by-month", "--format", "csv"])
        #expect(hot.status == 0, "\(hot.stderr)")
        let hotRows = csv(hot.stdout)
        #expect(hot.stdout.hasPrefix("cell,i,j,lon,lat,period,count,expected,z,p,q,class\n"))
        #expect(Set(hotRows.map { $0["period"]! }).count == 12)
        #expect(hot.stderr.contains("duplicates (same category, 40 m, 48 h) counted once with their group's first appeal"))
        #expect(hotRows.contains { $0["class"] == "hot-99" })
        #expect(hotRows.allSatisfy { Double($0["q"]!)! >= Double($0["p"]!)! })
        let gi = try s.geoctl(["appeals", "hotspots", "year", "--method", "gi", "--permutations", "99", "--format", "geojson"])
        #expect(gi.status == 0, "\(gi.stderr)")
        #expect(gi.stderr.contains("conditional-randomisation p from 99 permutations"))
        let giFeatures = (try JSONSerialization.jsonObject(with: Data(gi.stdout.utf8)) as! [String: Any])["features"] as! [[String: Any]]
        #expect(giFeatures.allSatisfy { f in ["count", "z", "p", "q", "class"].allSatisfy { (f["properties"] as! [String: Any])[$0] != nil } })
        #expect(try s.geoctl(["appeals", "hotspots", "year", "--method", "gi", "--exposure", "buildings"]).status == 64)
        #expect(try s.geoctl(["appeals", "heatmap", "year", "--cell-metres", "0"]).status == 64)
    }

    @Test("duplicates: one CSV row per member, groups and a summary per category and organisation")
    func duplicates() throws {
        let s = try cityWithYear()
        let r = try s.geoctl(["appeals", "duplicates", "year", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("group,appeal_id,is_first,category,created,distance_m,hours\n"))
        let rows = csv(r.stdout)
        let groups = Dictionary(grouping: rows, by: { $0["group"]! })
        #expect(groups.count > 10)
        for (_, members) in groups {
            #expect(members.filter { $0["is_first"] == "yes" }.count == 1)
            #expect(members.first?["is_first"] == "yes" && members.first?["hours"] == "0")
            #expect(Set(members.map { $0["category"]! }).count == 1)
        }
        let out = s.folder + "/dup"
        let files = try s.geoctl(["appeals", "duplicates", "year", "--by-rules", "fixtures/routing-rules.yaml", "--output", out])
        #expect(files.status == 0, "\(files.stderr)")
        let summary = csv(try String(contentsOfFile: out + "/summary.csv", encoding: .utf8))
        #expect(summary.contains { $0["by"] == "organisation" })
        #expect(summary.first { $0["by"] == "all" }?["duplicates"] == String(rows.count - groups.count))
        #expect(try s.geoctl(["appeals", "duplicates", "year", "--within-metres", "-1"]).status == 64)
    }
}
