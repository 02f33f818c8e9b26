import Foundation
import GeoCore
import Testing

@Suite("date fields kept in the catalog: import, set, show, copy, and affected/conflicts reading them")
struct DateFieldsCommandTests {
    /// A fixture layer with its date properties renamed (`rename[old] = new`), written to the scratch folder.
    static func renamed(_ name: String, _ rename: [String: String], in s: Scratch) throws -> String {
        let features = try GeoJSONReader(path: Geoctl.repository.path + "/fixtures/geojson/\(name).geojson").readAll().map { f in
            var g = f
            g.properties = JSONObject(members: f.properties.members.map { m in
                JSONObject.Member(key: rename[m.key] ?? m.key, value: m.value)
            })
            return g
        }
        let path = s.folder + "/\(name)-renamed.geojson"
        try GeoJSONWriter.text(of: features).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func affected(_ s: Scratch, _ layer: String, _ extra: [String] = []) throws -> Geoctl.Result {
        try s.geoctl(["affected", "--layer", layer, "--buildings", "buildings", "--territories", "territories", "--buffer-metres", "20",
                      "--utc-offset", "+05:00", "--from", "2024-11-20", "--to", "2024-11-21", "--format", "csv"] + extra)
    }

    @Test("affected and conflicts use the fields the catalog keeps; a flag wins; set changes them; show tells", arguments: CLIStore.available)
    func catalogFields(store: CLIStore) throws {
        let s = try Scratch(store)
        try s.importSampleCity()
        let outages = try Self.renamed("outages", ["start": "begins", "end": "ends"], in: s)
        let imported = try s.geoctl(["import", outages, "--layer", "avarii", "--kind", "outage", "--start-field", "begins", "--end-field", "ends"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let show = try s.geoctl(["show", "avarii"])
        #expect(show.stdout.contains("date fields") && show.stdout.contains("start begins, end ends"), "\(show.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(s.geoctl(["show", "avarii", "--format", "json"]).stdout.utf8)) as? [String: Any])
        #expect((json["date_fields"] as? [String: Any])?["start"] as? String == "begins")

        // The renamed layer answers exactly as the original does with start/end.
        let original = try Self.affected(s, "outages")
        #expect(original.status == 0 && original.stdout.split(separator: "\n").count > 2, "\(original.stderr)")
        let fromCatalog = try Self.affected(s, "avarii")
        #expect(fromCatalog.status == 0, "\(fromCatalog.stderr)")
        #expect(fromCatalog.stdout == original.stdout)
        // A flag wins over the catalog.
        let flagged = try Self.affected(s, "avarii", ["--start-field", "start"])
        #expect(flagged.status == 1 && flagged.stderr.contains("avarii: feature 1: start: missing"), "\(flagged.stderr)")

        // set: back to the default end; the features lack "end" now.
        let set = try s.geoctl(["set", "avarii", "--end-field", ""])
        #expect(set.status == 0 && set.stdout.contains("end field: \"ends\" → default"), "\(set.stdout)")
        let after = try #require(try JSONSerialization.jsonObject(with: Data(s.geoctl(["show", "avarii", "--format", "json"]).stdout.utf8)) as? [String: Any])
        let kept = try #require(after["date_fields"] as? [String: Any])
        #expect(kept["start"] as? String == "begins" && kept["end"] is NSNull)
        let unset = try Self.affected(s, "avarii")
        #expect(unset.status == 1 && unset.stderr.contains("avarii: feature 1: end: missing"), "\(unset.stderr)")
        #expect(try s.geoctl(["set", "avarii", "--end-field", "ends"]).status == 0)
        #expect(try Self.affected(s, "avarii").stdout == original.stdout)

        // conflicts: the repairs' guarantee from their own catalog entry.
        let repairs = try Self.renamed("repairs", ["guarantee_until": "warranty_to"], in: s)
        #expect(try s.geoctl(["import", repairs, "--layer", "remonty", "--kind", "repair", "--guarantee-field", "warranty_to"]).status == 0)
        func guarantees(_ layer: String) throws -> [String] {
            let r = try s.geoctl(["conflicts", "--layer", "earthworks", "--with", layer, "--utc-offset", "+05:00", "--format", "csv"])
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n").filter { $0.hasPrefix("guarantee,") }.map { String($0).replacing(",\(layer),", with: ",LAYER,") }
        }
        let expected = try guarantees("repairs")
        #expect(!expected.isEmpty)
        #expect(try guarantees("remonty") == expected)
    }

    @Test("copy between stores carries the date fields", .enabled(if: CLIStore.available.contains(.postGIS)))
    func copied() throws {
        let lite = try Scratch()
        let pg = try Scratch(.postGIS)
        let outages = try Self.renamed("outages", ["start": "begins", "end": "ends"], in: lite)
        #expect(try lite.geoctl(["import", outages, "--layer", "avarii", "--kind", "outage", "--start-field", "begins", "--end-field", "ends"]).status == 0)
        #expect(try Geoctl.run(["copy", "--from", lite.store, "--to", pg.store]).status == 0)
        let back = lite.folder + "/back.sqlite"
        #expect(try Geoctl.run(["copy", "--from", pg.store, "--to", back]).status == 0)
        for store in [pg.store, back] {
            let show = try Geoctl.run(["show", "avarii", "--format", "json", "--store", store])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
            let fields = try #require(json["date_fields"] as? [String: Any])
            #expect(fields["start"] as? String == "begins" && fields["end"] as? String == "ends" && fields["guarantee"] is NSNull, "\(store)")
        }
    }
}
