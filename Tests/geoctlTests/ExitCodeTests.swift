import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs geoctl in a chosen working directory with a chosen environment, e.g. outside the
/// repository or with a private TMPDIR.
func runGeoctl(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Geoctl.Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Geoctl.binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Geoctl.Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                         stderr: String(decoding: e, as: UTF8.self))
}

/// Everything under `folder`, as relative paths.
func listing(_ folder: String) -> [String] {
    (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
}

@Suite("exit codes and messages as documented")
struct ExitCodeTests {
    @Test("an unreadable rules file or --input file exits 74 and says why in the system's words")
    func unreadableRulesAndInput() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let rules = "fixtures/routing-rules.yaml"
        let point = ["--lon", "60.72309", "--lat", "56.07966", "--category", "garbage", "--include-restricted"]
        let missingRules = try s.geoctl(["route", "--rules", s.folder + "/none.yaml"] + point)
        #expect(missingRules.status == 74)
        #expect(missingRules.stderr.contains("\(s.folder)/none.yaml: cannot read: No such file or directory"), "\(missingRules.stderr)")
        let folderRules = try s.geoctl(["route", "--rules", s.folder] + point)
        #expect(folderRules.status == 74 && folderRules.stderr.contains("Is a directory"), "\(folderRules.stderr)")
        for input in [s.folder + "/none.csv", s.folder + "/none.geojson", s.folder] {
            let r = try s.geoctl(["route", "--rules", rules, "--input", input, "--output", s.folder + "/out.csv", "--include-restricted"])
            #expect(r.status == 74, "\(input): \(r.stderr)")
            #expect(r.stderr.contains(input) && (r.stderr.contains("No such file or directory") || r.stderr.contains("Is a directory")), "\(r.stderr)")
            #expect(!r.stderr.contains("could not be completed"))
        }
        let manifest = try s.geoctl(["import-dir", "fixtures/geojson", "--manifest", s.folder + "/none.yaml"])
        #expect(manifest.status == 74 && manifest.stderr.contains("No such file or directory"))
    }

    @Test("an import that fails on a missing file, a folder or a bad layer name says so and creates no store")
    func failedImportCreatesNoStore() throws {
        let s = try Scratch()
        let store = s.folder + "/new.sqlite"
        let cases: [(args: [String], status: Int32, message: String)] = [
            (["import", s.folder + "/none.geojson", "--layer", "x"], 74, "\(s.folder)/none.geojson: cannot read: No such file or directory"),
            (["import", s.folder, "--layer", "x"], 74, "\(s.folder): cannot read: Is a directory"),
            (["import", "fixtures/geojson/roads.geojson", "--layer", "1x"], 1, "invalid layer name \"1x\": it must start with a letter"),
        ]
        for c in cases {
            let r = try Geoctl.run(c.args + ["--kind", "road", "--store", store])
            #expect(r.status == c.status && r.stderr.contains(c.message), "\(c.args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: store), "\(c.args) left a store")
        }
        let good = try Geoctl.run(["import", "fixtures/geojson/roads.geojson", "--layer", "roads", "--kind", "road", "--store", store])
        #expect(good.status == 0 && FileManager.default.fileExists(atPath: store), "\(good.stderr)")
    }

    @Test("a feature that does not transform is named by its own id as well as its position, and nothing is imported")
    func transformErrorNamesTheFeature() throws {
        let s = try Scratch()
        let path = s.folder + "/utm.geojson"
        // UTM 41N: the second feature lies outside the projection's domain.
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"OK-1","properties":{},"geometry":{"type":"Point","coordinates":[500000,6215000]}},
        {"type":"Feature","id":"X-7","properties":{},"geometry":{"type":"Point","coordinates":[90000000,6215000]}}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["import", path, "--layer", "points", "--kind", "other", "--from-crs", "EPSG:32641"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("utm.geojson") && r.stderr.contains("(id X-7)"), "\(r.stderr)")
        let layers = try s.geoctl(["layers", "--format", "csv"])
        #expect(!layers.stdout.contains("points"))
    }

    @Test("a store path that is not a SQLite file is named with what it is; no SQL reaches the user")
    func notAStore() throws {
        let s = try Scratch()
        for (path, what) in [("fixtures/geojson/sites.geojson", "a GeoJSON file"), ("fixtures", "a folder"),
                             ("README.md", "a text file")] {
            let r = try Geoctl.run(["layers", "--store", path])
            #expect(r.status == 74, "\(path): \(r.stderr)")
            #expect(r.stderr.contains("\(path) is not a geoctl store: it is \(what)"), "\(r.stderr)")
            #expect(!r.stderr.contains("SQL") && !r.stderr.contains("SELECT"))
        }
        // Another program's SQLite database is not taken for a store either, and is left as it was.
        let other = s.folder + "/other.sqlite"
        _ = try Geoctl.run(executable: "/usr/bin/ogr2ogr", ["-f", "SQLite", other, "fixtures/geojson/sites.geojson"])
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let r = try Geoctl.run(["layers", "--store", other])
        #expect(r.status == 74 && r.stderr.contains("is not a geoctl store: it is a SQLite database without geoctl's catalog"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
    }

    @Test("a new store in a folder that does not exist says so, and creates nothing")
    func storeInMissingFolder() throws {
        let s = try Scratch()
        let store = s.folder + "/no/such/store.sqlite"
        let r = try Geoctl.run(["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site", "--store", store])
        #expect(r.status == 74)
        #expect(r.stderr.contains("the folder \(s.folder)/no/such does not exist"), "\(r.stderr)")
        #expect(!r.stderr.contains("unable to open database file"))
        #expect(listing(s.folder).isEmpty)
    }

    @Test("demo outside the repository says to pass DIR")
    func demoOutsideRepository() throws {
        let s = try Scratch()
        let r = try runGeoctl(["demo"], in: s.folder)
        #expect(r.status == 74)
        #expect(r.stderr.contains("fixtures/geojson: no such folder") && r.stderr.contains("pass DIR"), "\(r.stderr)")
        let given = try runGeoctl(["demo", Geoctl.repository.appendingPathComponent("fixtures/geojson").path], in: s.folder,
                                  environment: ["TMPDIR": s.folder])
        #expect(given.status == 0, "\(given.stderr)")
        #expect(given.stdout.contains("agrees with GEOS covers"))
    }

    @Test("a rules file reports all its problems in one run, each with the file and the category")
    func rulesAllProblems() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let rules = s.folder + "/rules.yaml"
        try """
            organisations:
              - {id: admin, name: Администрация}
            categories:
              - {id: snow, name_ru: Снег, name_en: Snow, deadline_days: 0, strategies: [{fallback: admin}]}
              - {id: pothole, name_ru: Яма, name_en: Pothole, deadline_days: 5, strategies: [{teleport: {}}]}
              - {id: trees, name_ru: Деревья, name_en: Trees, deadline_days: 5, strategies: [{fallback: nobody}]}
              - {id: lights, name_ru: Фонари, name_en: Lights, deadline_days: 5, strategies: [{fallback: admin}]}
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["route", "--rules", rules, "--lon", "60.72", "--lat", "56.08", "--category", "lights"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("3 problems"), "\(r.stderr)")
        #expect(r.stderr.contains("\(rules): category snow: categories[0].deadline_days must be a whole number"))
        #expect(r.stderr.contains("\(rules): category pothole: categories[1].strategies[0]: unknown strategy \"teleport\""))
        #expect(r.stderr.contains("\(rules): category trees: fallback organisation \"nobody\" is not in the organisations directory"))

        // Against the store: every missing layer in one run (a restricted one, without
        // --include-restricted, reads the same)…
        try """
            organisations: [{id: admin, name: Администрация}]
            categories:
              - {id: a, name_ru: А, name_en: A, deadline_days: 1, strategies: [{covering: {layer: nowhere, organisation: org}}, {fallback: admin}]}
              - {id: b, name_ru: Б, name_en: B, deadline_days: 1, strategies: [{nearest: {layer: appeals, organisation: org, within_metres: 5}}, {fallback: admin}]}
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let missing = try s.geoctl(["route", "--rules", rules, "--lon", "60.72", "--lat", "56.08", "--category", "a"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(rules): category a: no layer named \"nowhere\""), "\(missing.stderr)")
        #expect(missing.stderr.contains("\(rules): category b: no layer named \"appeals\""), "\(missing.stderr)")
        // … then a missing property and a line layer under covering, in one run.
        try """
            organisations: [{id: admin, name: Администрация}]
            categories:
              - {id: b, name_ru: Б, name_en: B, deadline_days: 1, strategies: [{covering: {layer: territories, organisation: boss}}, {fallback: admin}]}
              - {id: c, name_ru: В, name_en: C, deadline_days: 1, strategies: [{covering: {layer: roads, organisation: owner}}, {fallback: admin}]}
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let store = try s.geoctl(["route", "--rules", rules, "--lon", "60.72", "--lat", "56.08", "--category", "b"])
        #expect(store.status == 1)
        #expect(store.stderr.contains("2 problems"), "\(store.stderr)")
        #expect(store.stderr.contains("\(rules): category b: layer \"territories\" has no property \"boss\""))
        #expect(store.stderr.contains("\(rules): category c: layer \"roads\" (kind road, LineString) cannot be the layer of a covering rule"))
    }

    @Test("the command line adds the flags to library errors: --replace, --on-invalid, --from-crs")
    func flagsComeFromTheCommandLine() throws {
        let s = try Scratch()
        let sites = ["import", "fixtures/geojson/sites.geojson", "--layer", "sites", "--kind", "waste-site"]
        #expect(try s.geoctl(sites).status == 0)
        let exists = try s.geoctl(["import", "fixtures/geojson/roads.geojson", "--layer", "sites", "--kind", "road"])
        #expect(exists.status == 1 && exists.stderr.contains("already exists (version 1); pass --replace to replace it"))
        let invalid = try s.geoctl(["import", "fixtures/broken/self-intersecting.geojson", "--layer", "bad", "--kind", "other"])
        #expect(invalid.status == 1 && invalid.stderr.contains("--on-invalid repair"))
        let utm = s.folder + "/utm.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[545612.3,6216543.2]}}]}"#
            .write(toFile: utm, atomically: true, encoding: .utf8)
        let projected = try s.geoctl(["import", utm, "--layer", "utm", "--kind", "other"])
        #expect(projected.status == 1)
        #expect(projected.stderr.contains("longitude 545612.3 is outside [-180, 180]; if the file is not WGS84 lon/lat, name its CRS with --from-crs"), "\(projected.stderr)")
    }
}
