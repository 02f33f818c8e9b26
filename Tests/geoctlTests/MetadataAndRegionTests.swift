import Foundation
import Layers
import Testing

/// `geoctl set`, metadata on re-import, and the region the far-off and swapped checks use.
@Suite("layer metadata and the expected region, on SpatiaLite and PostGIS")
struct MetadataAndRegionTests {
    func showJSON(_ s: Scratch, _ layer: String, restricted: Bool = false) throws -> [String: Any] {
        let r = try s.geoctl(["show", layer, "--format", "json"] + (restricted ? ["--include-restricted"] : []))
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test("set changes owner, sphere, kind and visibility in the catalog and records when; features and version stay", arguments: CLIStore.available)
    func setMetadata(store: CLIStore) throws {
        let s = try Scratch(store)
        let imported = try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "other",
                                     "--owner", "Old owner", "--sphere", "housing"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try showJSON(s, "sites")["metadata_changed_at"] is NSNull)

        let r = try s.geoctl(["set", "sites", "--owner", "ООО «Новый»", "--kind", "waste-site", "--sphere", "utilities"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("owner: \"Old owner\" → \"ООО «Новый»\""))
        #expect(r.stdout.contains("kind: other → waste-site"))
        let after = try showJSON(s, "sites")
        #expect(after["owner"] as? String == "ООО «Новый»")
        #expect(after["kind"] as? String == "waste-site")
        #expect(after["sphere"] as? String == "utilities")
        #expect(after["version"] as? Int == 1)
        #expect(after["features"] as? Int == 60)
        let stamp = try #require(after["metadata_changed_at"] as? String)
        #expect(stamp.hasSuffix("Z") && stamp.count == 20)

        // An empty value clears; restricted layers need the flag to be found, as everywhere.
        #expect(try s.geoctl(["set", "sites", "--owner", "", "--visibility", "restricted"]).status == 0)
        let hidden = try s.geoctl(["set", "sites", "--owner", "X"])
        #expect(hidden.status == 1 && hidden.stderr.contains("no layer named \"sites\""))
        let restricted = try showJSON(s, "sites", restricted: true)
        #expect(restricted["owner"] is NSNull && restricted["visibility"] as? String == "restricted")

        #expect(try s.geoctl(["set", "sites"]).status == 64)
        #expect(try s.geoctl(["set", "nothing", "--owner", "X"]).status == 1)
    }

    @Test("re-importing an unchanged file with other metadata applies it and says so, with or without --replace", arguments: CLIStore.available)
    func reimportAppliesMetadata(store: CLIStore) throws {
        let s = try Scratch(store)
        let base = ["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]
        #expect(try s.geoctl(base + ["--owner", "A"]).status == 0)
        let same = try s.geoctl(base + ["--owner", "A"])
        #expect(same.status == 0 && same.stdout.contains("sites: unchanged"))

        let replaced = try s.geoctl(base + ["--owner", "B", "--replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(replaced.stdout.contains("file unchanged (version 1); metadata updated: owner: \"A\" → \"B\""))
        let plain = try s.geoctl(base + ["--owner", "C", "--sphere", "utilities"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("metadata updated"))
        let info = try showJSON(s, "sites")
        #expect(info["owner"] as? String == "C" && info["sphere"] as? String == "utilities")
        #expect(info["version"] as? Int == 1)
        #expect(info["metadata_changed_at"] is String)
    }

    @Test("a replace that leaves out sphere, owner and visibility keeps them; an empty value clears", arguments: CLIStore.available)
    func replaceKeepsMetadataLeftOut(store: CLIStore) throws {
        let s = try Scratch(store)
        let first = try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site",
                                  "--owner", "ООО «Экосервис»", "--sphere", "housing", "--visibility", "restricted"])
        #expect(first.status == 0, "\(first.stderr)")
        // New data, and none of the metadata flags: a routine replace by GIS staff.
        let edited = s.folder + "/sites-edited.geojson"
        let text = try String(contentsOfFile: "fixtures/geojson/sites.geojson", encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"operator\":", with: "\"checked\":true,\"operator\":").utf8).write(to: URL(fileURLWithPath: edited))
        let replaced = try s.geoctl(["import", edited, "--layer", "sites", "--kind", "waste-site", "--replace"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        // Still restricted: invisible without --include-restricted.
        #expect(try s.geoctl(["show", "sites", "--format", "json"]).status != 0)
        var info = try showJSON(s, "sites", restricted: true)
        #expect(info["version"] as? Int == 2)
        #expect(info["owner"] as? String == "ООО «Экосервис»" && info["sphere"] as? String == "housing")
        #expect(info["visibility"] as? String == "restricted")
        // Named values win; an empty one clears.
        let again = try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site",
                                  "--replace", "--owner", "", "--visibility", "public"])
        #expect(again.status == 0, "\(again.stderr)")
        info = try showJSON(s, "sites")
        #expect(info["version"] as? Int == 3)
        #expect(info["owner"] is NSNull && info["sphere"] as? String == "housing" && info["visibility"] as? String == "public")
    }

    @Test("import-dir with an edited manifest applies the new metadata to unchanged files", arguments: CLIStore.available)
    func importDirEditedManifest(store: CLIStore) throws {
        let s = try Scratch(store)
        try s.importSampleCity()
        let manifest = try String(contentsOfFile: Geoctl.repository.appendingPathComponent("fixtures/manifest.yaml").path, encoding: .utf8)
        let edited = manifest.replacingOccurrences(of: "owner: ООО «Центр коммунального сервиса»", with: "owner: ООО «Экосервис»")
        #expect(edited != manifest)
        let path = s.folder + "/manifest.yaml"
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["import-dir", "fixtures/geojson", "--manifest", path, "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let sites = r.stdout.split(separator: "\n").first { $0.hasPrefix("sites.geojson,") }.map(String.init) ?? ""
        #expect(sites.contains("metadata updated") && sites.contains("ООО «Экосервис»"), "\(r.stdout)")
        let roads = r.stdout.split(separator: "\n").first { $0.hasPrefix("roads.geojson,") }.map(String.init) ?? ""
        #expect(roads.contains(",unchanged,"))
        #expect(try showJSON(s, "sites")["owner"] as? String == "ООО «Экосервис»")
    }

    @Test("an accepted far-off layer does not widen the region: a swapped file imported after it is still reported", arguments: CLIStore.available)
    func regionCannotBeWornDown(store: CLIStore) throws {
        let s = try Scratch(store)
        #expect(try s.geoctl(["import", "fixtures/geojson/city.geojson", "--layer", "city", "--kind", "boundary"]).status == 0)
        let moscow = s.folder + "/moscow.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.62,55.75]}}]}"#
            .write(toFile: moscow, atomically: true, encoding: .utf8)
        let far = try s.geoctl(["import", moscow, "--layer", "moscow", "--kind", "other"])
        #expect(far.status == 0)
        #expect(far.stderr.contains("km from the expected region"))
        // The union of city and Moscow would contain the swapped point (56.08, 60.73); the
        // region without the accepted outlier does not.
        let swapped = try s.geoctl(["import", "fixtures/broken/swapped-lat-lon.geojson", "--layer", "swapped", "--kind", "other"])
        #expect(swapped.status == 0)
        #expect(swapped.stderr.contains("looks like swapped lat/lon"), "\(swapped.stderr)")

        let shown = try s.geoctl(["region"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("1 layer imported without region warnings: city"))
        #expect(try showJSON(s, "moscow")["region_warnings"] as? Int == 1)
    }

    @Test("region set stores an explicit region that the checks use; region clear returns to the layers", arguments: CLIStore.available)
    func explicitRegion(store: CLIStore) throws {
        let s = try Scratch(store)
        #expect(try s.geoctl(["import", "fixtures/geojson/city.geojson", "--layer", "city", "--kind", "boundary"]).status == 0)
        let set = try s.geoctl(["region", "set", "37.3,55.5,37.9,56.0"])
        #expect(set.status == 0, "\(set.stderr)")
        let shown = try s.geoctl(["region", "show"])
        #expect(shown.stdout.contains("set explicitly") && shown.stdout.contains("37.3,55.5,37.9,56"))
        // The sample city's sites now lie far from the explicit (Moscow) region.
        let sites = try s.geoctl(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"])
        #expect(sites.stderr.contains("km from the expected region"))
        #expect(try s.geoctl(["region", "clear"]).status == 0)
        #expect(try s.geoctl(["region"]).stdout.contains("imported without region warnings: city"))
        #expect(try s.geoctl(["region", "set", "10,10,5,5"]).status == 64)
    }
}
