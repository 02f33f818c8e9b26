import Foundation
import Testing

/// The benchmarks' synthetic city comes from the repository (bench/make_city.py): the same
/// scale and seed give the same bytes, and its partitions tile the city exactly.
@Suite("Benchmark city generator")
struct BenchCityTests {
    @Test("bench/make_city.py is deterministic, and its territories, districts and precincts tile its city boundary")
    func generator() throws {
        let s = try Scratch()
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/local/bin/python3"
        var files: [[String: Data]] = []
        for run in ["a", "b"] {
            let r = try Geoctl.run(executable: python, ["bench/make_city.py", "0.02", "\(s.folder)/\(run)", "--seed", "7"])
            #expect(r.status == 0, "\(r.stderr)")
            var contents: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(s.folder)/\(run)") {
                contents[name] = try Data(contentsOf: URL(fileURLWithPath: "\(s.folder)/\(run)/\(name)"))
            }
            files.append(contents)
        }
        #expect(files[0].keys.sorted() == ["appeals.geojson", "buildings.geojson", "city.geojson", "districts.geojson",
                                           "meta.json", "precincts.geojson", "requests311.geojson", "sites.geojson", "territories.geojson"])
        #expect(files[0] == files[1], "same scale and seed, same bytes")

        for layer in ["city", "territories", "districts", "precincts", "buildings", "sites", "appeals"] {
            let r = try s.geoctl(["import", "\(s.folder)/a/\(layer).geojson", "--layer", layer, "--kind", "other"])
            #expect(r.status == 0, "\(layer): \(r.stderr)")   // every geometry valid (GEOS), or the import fails
        }
        for layer in ["territories", "districts", "precincts"] {
            let r = try s.geoctl(["check", "territories", layer, "--boundary", "city", "--org-field", "name", "--format", "json"])
            #expect(r.status == 0, "\(layer): \(r.stdout.prefix(500))")
            #expect(r.stdout.contains(#""passed":true"#) && r.stdout.contains(#""slivers":0"#), "\(layer)")
        }
        let territories = String(decoding: files[0]["territories.geojson"]!, as: UTF8.self)
        #expect(territories.contains(#""type":"MultiPolygon""#), "an island handed to another territory")
    }
}
