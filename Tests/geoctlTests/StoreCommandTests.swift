import Foundation
import Layers
import Testing
import TestSupport

/// Which store a command-line test runs against: SpatiaLite always, PostGIS when the test
/// cluster runs.
enum CLIStore: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case spatiaLite = "SpatiaLite"
    case postGIS = "PostGIS"

    var testDescription: String { rawValue }
    static var available: [CLIStore] { PostgresTestDatabase.isAvailable ? [.spatiaLite, .postGIS] : [.spatiaLite] }
}

/// A temporary folder for a store (a SpatiaLite file in it, or a PostGIS schema of its own),
/// removed afterwards.
final class Scratch {
    let folder: String
    private var url: String?
    private var schema: String?
    var store: String { url ?? folder + "/store.sqlite" }

    init(_ kind: CLIStore = .spatiaLite) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if kind == .postGIS, let fresh = PostgresTestDatabase.freshSchemaURL(prefix: "cli") {
            url = fresh.url
            schema = fresh.schema
        }
    }

    deinit {
        // Every layer a test imported into a SpatiaLite store has a sound spatial index.
        if url == nil, FileManager.default.fileExists(atPath: store),
           let s = try? SpatiaLiteStore(path: store, create: false), let problems = try? s.spatialIndexProblems() {
            for p in problems where p.contains("rtreecheck") { Issue.record("\(p)") }
        }
        try? FileManager.default.removeItem(atPath: folder)
        if let schema { PostgresTestDatabase.dropSchema(schema) }
    }

    func geoctl(_ arguments: [String], stdin: Data? = nil) throws -> Geoctl.Result {
        try Geoctl.run(arguments + ["--store", store], stdin: stdin)
    }

    func importSampleCity() throws {
        let r = try geoctl(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
    }
}

@Suite("geoctl store commands")
struct StoreCommandTests {
    @Test("import-dir with the YAML manifest loads the sample city; layers lists it; show describes a layer")
    func importDirectory() throws {
        let s = try Scratch()
        let r = try s.geoctl(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 13)
        #expect(r.stderr.contains("12 files: 12 ok, 0 failed"))
        let layers = try s.geoctl(["layers", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(layers.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count == 11)   // appeals is restricted
        #expect(rows.first { $0["name"] as? String == "sites" }?["kind"] as? String == "waste-site")
        #expect(rows.first { $0["name"] as? String == "territories" }?["features"] as? Int == 30)
        let show = try s.geoctl(["show", "sites"])
        #expect(show.stdout.split(separator: "\n").contains { $0.hasPrefix("containers ") && $0.contains(" INTEGER ") })
        #expect(show.stdout.contains("ООО «Центр коммунального сервиса»"))
        // Again: every file unchanged.
        let again = try s.geoctl(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml", "--format", "csv"])
        #expect(again.stdout.components(separatedBy: ",unchanged,").count == 13)
    }

    @Test("import-dir: a failing file does not stop the others, and the summary lists each outcome")
    func importDirectoryWithFailure() throws {
        let s = try Scratch()
        let dir = s.folder + "/in"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["city", "sites"] {
            try FileManager.default.copyItem(atPath: "\(Geoctl.repository.path)/fixtures/geojson/\(name).geojson", toPath: "\(dir)/\(name).geojson")
        }
        try FileManager.default.copyItem(atPath: "\(Geoctl.repository.path)/fixtures/broken/truncated.geojson", toPath: "\(dir)/bad.geojson")
        let manifest = s.folder + "/m.json"
        try #"{"defaults":{"kind":"other"},"layers":[{"file":"sites.geojson","kind":"waste-site","visibility":"restricted"}]}"#
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["import-dir", dir, "--manifest", manifest, "--format", "csv"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("bad.geojson,bad,failed"))
        #expect(r.stdout.contains("city.geojson,city,imported,1,1"))
        #expect(r.stdout.contains("sites.geojson,sites,imported,1,60"))
        #expect(r.stderr.contains("bad.geojson:4:65: feature 2"))
        #expect(r.stderr.contains("3 files: 2 ok, 1 failed"))
        let layers = try s.geoctl(["layers", "--include-restricted", "--format", "csv"])
        #expect(layers.stdout.contains("sites,waste-site,60,Point,restricted"))
    }

    @Test("restricted layers never appear in layers, show, export or drop without --include-restricted")
    func restrictedNeverLeaks() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let plain = try s.geoctl(["layers", "--format", "csv"])
        #expect(!plain.stdout.contains("appeals"))
        for command in [["show", "appeals"], ["export", "appeals"], ["export", "appeals", "--format", "csv"], ["drop", "appeals"]] {
            let r = try s.geoctl(command)
            #expect(r.status == 1, "\(command)")
            #expect(r.stdout.isEmpty, "\(command)")
            // The same message as for a layer that does not exist: existence does not leak.
            #expect(r.stderr == "geoctl: error: no layer named \"appeals\"\n", "\(command)")
        }
        let missing = try s.geoctl(["show", "no-such-layer"])
        #expect(missing.stderr == "geoctl: error: no layer named \"no-such-layer\"\n")
        let shown = try s.geoctl(["export", "appeals", "--include-restricted"])
        #expect(shown.status == 0 && shown.stdout.contains("Не вывезен мусор"))
        #expect(try s.geoctl(["layers", "--include-restricted"]).stdout.contains("appeals"))
    }

    @Test("import from standard input; errors say <stdin>; exit codes")
    func importStdin() throws {
        let s = try Scratch()
        let data = try Data(contentsOf: Geoctl.repository.appendingPathComponent("fixtures/geojson/districts.geojson"))
        let r = try s.geoctl(["import", "-", "--layer", "districts", "--kind", "district"], stdin: data)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("districts v1: 5 features (POLYGON)"))
        let broken = try Data(contentsOf: Geoctl.repository.appendingPathComponent("fixtures/broken/unclosed-ring.geojson"))
        let bad = try s.geoctl(["import", "-", "--layer", "bad", "--kind", "other"], stdin: broken)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("<stdin>:3:89: feature 1: ring 0 is not closed"))
        let exists = try s.geoctl(["import", "fixtures/geojson/city.geojson", "--layer", "districts", "--kind", "district"])
        #expect(exists.status == 1 && exists.stderr.contains("already exists (version 1); pass --replace"))
        let noStore = try Geoctl.run(["layers", "--store", s.folder + "/none.sqlite"])
        #expect(noStore.status == 74 && noStore.stderr.contains("no store here yet"))
        #expect(!FileManager.default.fileExists(atPath: s.folder + "/none.sqlite"))
        let env = try Geoctl.run(["layers", "--format", "csv"], environment: ["GEOCTL_STORE": s.store])
        #expect(env.stdout.contains("districts,district,5"))
    }

    @Test("reject lists every invalid feature and exits 1 with the store unchanged; skip names its sidecar")
    func invalidGeometriesFromTheCommandLine() throws {
        let s = try Scratch()
        let r = try s.geoctl(["import", "fixtures/broken/self-intersecting.geojson", "--layer", "x", "--kind", "other"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("1 invalid geometry; nothing imported"))
        #expect(r.stderr.contains("self-intersecting.geojson: feature 0: Self-intersection at (60.75, 56.05)"))
        #expect(try s.geoctl(["layers", "--format", "csv"]).stdout == "name,kind,features,geometry,visibility,version,imported_at\n")
        let skip = try s.geoctl(["import", "fixtures/broken/self-intersecting.geojson", "--layer", "x", "--kind", "other", "--on-invalid", "skip"])
        #expect(skip.status == 0)
        #expect(skip.stdout.contains("1 skipped → \(s.folder)/x.rejected.geojson"))
        #expect(FileManager.default.fileExists(atPath: s.folder + "/x.rejected.geojson"))
    }

    @Test("export writes RFC 7946 GeoJSON or CSV, filtered by bbox and property")
    func export() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let all = try s.geoctl(["export", "territories"])
        #expect(all.status == 0)
        let original = try String(contentsOfFile: Geoctl.repository.path + "/fixtures/geojson/territories.geojson", encoding: .utf8)
        // Same features; the file differs only in the collection's header.
        let body = { (t: String) in t.split(separator: "\n").dropFirst().filter { $0.hasPrefix("{") }.map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) } }
        #expect(body(all.stdout).count == 30)
        #expect(body(all.stdout).sorted() == body(original).sorted())
        let csv = try s.geoctl(["export", "sites", "--format", "csv", "--where", "separate_collection=true"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines[0].hasPrefix("id,name,address,containers"))
        #expect(lines[0].hasSuffix(",wkt"))
        #expect(lines.dropFirst().allSatisfy { $0.contains(",true,") && $0.hasSuffix(")") && $0.contains("POINT (") })
        let boxed = try s.geoctl(["export", "buildings", "--bbox", "60.72,56.07,60.73,56.08", "-o", s.folder + "/b.geojson"])
        #expect(boxed.status == 0 && boxed.stdout.isEmpty)
        let inspect = try Geoctl.run(["inspect", s.folder + "/b.geojson", "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any] ?? [:]
        let count = summary["features"] as? Int ?? 0
        #expect(count > 0 && count < 328)
        #expect(try s.geoctl(["export", "sites", "--bbox", "1,2,3"]).status == 64)
    }

    @Test("drop removes a layer")
    func drop() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["drop", "roads"])
        #expect(r.status == 0 && r.stderr.contains("dropped roads (version 1, 13 features)"))
        #expect(!(try s.geoctl(["layers"]).stdout.contains("roads")))
    }
}

@Suite("GDAL reads the store as it is")
struct GDALInteroperabilityTests {
    static let ogrinfo = "/usr/bin/ogrinfo"
    static let ogr2ogr = "/usr/bin/ogr2ogr"

    @Test("ogrinfo reports each layer's count, geometry type and extent; ogr2ogr reads every layer back")
    func ogr() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.ogrinfo) else {
            Issue.record("ogrinfo is missing: install gdal-bin (`make deps-test` does)")
            return
        }
        let s = try Scratch()
        try s.importSampleCity()
        let expectedTypes = ["city": "Polygon", "territories": "Multi Polygon", "districts": "Polygon", "precincts": "Polygon",
                             "sites": "Point", "buildings": "Polygon", "institutions": "Point", "roads": "Line String",
                             "earthworks": "Line String", "outages": "Unknown (any)", "repairs": "Polygon", "appeals": "Point"]
        for (layer, type) in expectedTypes {
            let info = try Geoctl.run(executable: Self.ogrinfo, ["-so", "-ro", s.store, layer])
            #expect(info.status == 0, "\(info.stderr)")
            let features = try Geoctl.run(["inspect", "fixtures/geojson/\(layer).geojson", "--format", "json"])
            let summary = try JSONSerialization.jsonObject(with: Data(features.stdout.utf8)) as? [String: Any] ?? [:]
            let count = summary["features"] as? Int ?? -1
            #expect(info.stdout.contains("Feature Count: \(count)\n"), "\(layer)")
            #expect(info.stdout.contains("Geometry: \(type)\n"), "\(layer): \(info.stdout.prefix(300))")
            // The extent, to the 6 decimals ogrinfo prints (R*Tree boxes round outward by < 1e-5°).
            let extent = summary["bbox"] as? [Double] ?? []
            guard let line = info.stdout.split(separator: "\n").first(where: { $0.hasPrefix("Extent: ") }) else {
                Issue.record("\(layer): no extent"); continue
            }
            let numbers = line.split(whereSeparator: { "(), -".contains($0) }).compactMap { Double($0) }
            #expect(numbers.count == 4 && extent.count == 4)
            for (a, b) in zip(numbers, extent) { #expect(abs(a - b) < 2e-5, "\(layer) \(line)") }

            let back = try Geoctl.run(executable: Self.ogr2ogr, ["-f", "GeoJSON", "/vsistdout/", s.store, layer])
            #expect(back.status == 0, "\(back.stderr)")
            let read = try Geoctl.run(["inspect", "-", "--format", "json"], stdin: Data(back.stdout.utf8))
            let readSummary = try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [String: Any] ?? [:]
            #expect(readSummary["features"] as? Int == count, "\(layer)")
        }
    }
}

extension GDALInteroperabilityTests {
    @Test("GDAL reads the packed spatial index back: ogrinfo -spat returns the same features as geoctl export --bbox (points, lines, polygons)")
    func spatialFilter() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.ogrinfo) else {
            Issue.record("ogrinfo is missing: install gdal-bin (`make deps-test` does)")
            return
        }
        let s = try Scratch()
        try s.importSampleCity()
        for layer in ["appeals", "buildings", "roads", "territories"] {
            let show = try s.geoctl(["layers", "--include-restricted", "--format", "json"])
            let rows = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [[String: Any]] ?? []
            let row = try #require(rows.first { $0["name"] as? String == layer }, "\(layer)")
            let e = try #require(row["bbox"] as? [Double], "\(layer): \(row)")
            // The middle third of the extent.
            let w = e[0] + (e[2] - e[0]) / 3, sb = e[1] + (e[3] - e[1]) / 3, east = e[2] - (e[2] - e[0]) / 3, n = e[3] - (e[3] - e[1]) / 3
            let bbox = [w, sb, east, n].map { String($0) }
            let ours = try s.geoctl(["export", layer, "--include-restricted", "--bbox", bbox.joined(separator: ","), "--format", "csv"])
            #expect(ours.status == 0, "\(ours.stderr)")
            let exported = ours.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }.sorted()
            let gdal = try Geoctl.run(executable: Self.ogrinfo, ["-ro", "-q", "-spat"] + bbox + [s.store, layer])
            #expect(gdal.status == 0, "\(gdal.stderr)")
            let found = gdal.stdout.split(separator: "\n").filter { $0.contains("feature_id (") }
                .map { String($0[$0.range(of: " = ")!.upperBound...]) }.sorted()
            #expect(!exported.isEmpty && exported.count < (row["features"] as? Int ?? .max), "\(layer)")
            #expect(found == exported, "\(layer): GDAL \(found.count), geoctl \(exported.count)")
        }
    }
}

@Suite("CSV export")
struct CSVExportTests {
    @Test("a property called id does not collide with the feature id column; quoting follows RFC 4180 on Cyrillic text")
    func idColumn() throws {
        let s = try Scratch()
        let file = s.folder + "/b.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","id":"f1","properties":{"id":7,"address":"ул. Мира, д. 2","note":"say \"hi\""},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try s.geoctl(["import", file, "--layer", "b", "--kind", "building"]).status == 0)
        let lines = try s.geoctl(["export", "b", "--format", "csv"]).stdout.split(separator: "\n")
        #expect(lines[0] == "feature_id,id,address,note,wkt")
        #expect(lines[1] == #"f1,7,"ул. Мира, д. 2","say ""hi""",POINT (60.7 56.1)"#)
    }
}
