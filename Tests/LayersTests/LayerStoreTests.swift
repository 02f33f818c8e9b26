import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Layer store conformance: import, catalog, export, drop — the same tests on SpatiaLite and PostGIS")
struct LayerStoreTests {
    @Test("export(import(f)) gives back every fixture feature (ids, properties in order, geometry types)",
          arguments: StoreKind.available, Fixtures.cityLayers)
    func roundTrip(kind: StoreKind, layer: String) throws {
        let t = try TemporaryStore(kind)
        let report = try t.importLayer(Fixtures.city(layer), layer)
        let original = try Fixtures.features(layer)
        #expect(report.outcome == .imported)
        #expect(report.layer.featureCount == original.count)
        let exported = try t.features(layer)
        #expect(exported == original)
        // And through GeoJSON text at the default precision (the fixtures have 7 decimals).
        let text = GeoJSONWriter.text(of: exported)
        #expect(try GeoJSONReader(string: text).readAll() == original)
    }

    @Test("the catalog records kind, sphere, owner, visibility, counts, types, extent, CRS, file, hash, version, time", arguments: StoreKind.available)
    func catalog(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(Fixtures.city("territories"), "territories", kind: .territory) {
            $0.sphere = "housing"; $0.owner = "Администрация"; $0.visibility = .restricted
        }
        let info = try #require(try t.store.layer(named: "territories"))
        #expect(info.kind == .territory && info.sphere == "housing" && info.owner == "Администрация")
        #expect(info.visibility == .restricted)
        #expect(info.featureCount == 30)
        #expect(info.geometryKinds == [.polygon, .multiPolygon])
        #expect(info.geometryColumnType == "MULTIPOLYGON")
        #expect(info.sourceCRS == "EPSG:4326")
        #expect(info.sourceFile == Fixtures.city("territories"))
        #expect(info.version == 1)
        #expect(info.importedAt.hasSuffix("Z") && info.importedAt.count == 20)
        var expected = BoundingBox.empty
        for f in try Fixtures.features("territories") { expected.extend(f.geometry!.boundingBox!) }
        #expect(info.extent == expected)
        // The hash is the file's SHA-256, as sha256sum computes it.
        let sha = Process()
        sha.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        sha.arguments = [Fixtures.city("territories")]
        let pipe = Pipe()
        sha.standardOutput = pipe
        try sha.run()
        sha.waitUntilExit()
        let line = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(line.hasPrefix(info.sourceSHA256))
        // Typed columns where the types agree.
        let columns = Dictionary(uniqueKeysWithValues: info.columns.map { ($0.property, $0.type) })
        #expect(columns["homes"] == .integer && columns["org"] == .text)
        #expect(try t.store.layers(includeRestricted: false).isEmpty)
        #expect(try t.store.layers(includeRestricted: true).map(\.name) == ["territories"])
    }

    @Test("the same file again changes nothing; --replace bumps the version; an existing name needs --replace", arguments: StoreKind.available)
    func versions(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(Fixtures.city("sites"), "sites", kind: .wasteSite)
        let before = try t.snapshot()
        let again = try t.importLayer(Fixtures.city("sites"), "sites", kind: .wasteSite) { $0.replace = true }
        #expect(again.outcome == .unchanged && again.layer.version == 1)
        #expect(try t.snapshot() == before)

        #expect(throws: StoreError.layerExists("sites", version: 1)) {
            try t.importLayer(Fixtures.city("institutions"), "sites", kind: .wasteSite)
        }
        #expect(try t.snapshot() == before)

        let replaced = try t.importLayer(Fixtures.city("institutions"), "sites", kind: .institution) { $0.replace = true }
        #expect(replaced.outcome == .replaced && replaced.layer.version == 2)
        #expect(try t.features("sites") == (try Fixtures.features("institutions")))
        #expect(try t.store.layer(named: "sites")?.kind == .institution)
        #expect(try t.problems() == [])
    }

    @Test("malformed input fails with the file and feature named, and the store is exactly as before", arguments: StoreKind.available)
    func malformedInputLeavesStoreUnchanged(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(Fixtures.city("districts"), "districts", kind: .district)
        let before = try t.snapshot()
        for name in ["truncated", "unclosed-ring", "nan", "longitude-out-of-range"] {
            do {
                try t.importLayer(Fixtures.broken(name), "districts", kind: .district) { $0.replace = true }
                Issue.record("\(name) imported")
            } catch let ImportError.input(e) {
                #expect(e.source == Fixtures.broken(name))
                #expect(e.featureIndex != nil)
            }
            #expect(try t.snapshot() == before, "\(name)")
        }
    }

    @Test("invalid geometries: reject lists every one with GEOS's reason and location and imports nothing", arguments: StoreKind.available)
    func rejectInvalid(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        let bowtie = Feature(id: .string("b-1"), geometry: .polygon(Polygon(rings: [[60.7, 56.0, 60.8, 56.1, 60.8, 56.0, 60.7, 56.1, 60.7, 56.0]])),
                             properties: ["name": .string("бабочка")])
        let good = try Fixtures.features("districts")[0]
        let spike = Feature(id: .integer(7), geometry: .polygon(Polygon(rings: [[60.7, 56.0, 60.8, 56.0, 60.75, 56.05, 60.8, 56.0, 60.7, 56.0]])),
                            properties: [:])
        let file = try t.write([good, bowtie, good, spike], name: "mixed.geojson")
        let before = try t.snapshot()
        do {
            try t.importLayer(file, "mixed")
            Issue.record("imported invalid geometries")
        } catch let ImportError.invalidGeometries(name, list) {
            #expect(name == file)
            #expect(list.map(\.index) == [1, 3])
            #expect(list[0].id == "b-1")
            #expect(list[0].problem.hasPrefix("Self-intersection at (60.75, 56.05"))
            #expect(list[1].id == "7")
        }
        #expect(try t.snapshot() == before)
        #expect(try t.store.layer(named: "mixed") == nil)
    }

    @Test("invalid geometries: repair makes them valid and says what changed", arguments: StoreKind.available)
    func repairInvalid(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        let bowtie = Feature(id: .string("b-1"), geometry: .polygon(Polygon(rings: [[60.7, 56.0, 60.8, 56.1, 60.8, 56.0, 60.7, 56.1, 60.7, 56.0]])), properties: [:])
        let square = Feature(id: .string("s"), geometry: .polygon(Polygon(rings: [[60.7, 56.0, 60.8, 56.0, 60.8, 56.1, 60.7, 56.1, 60.7, 56.0]])), properties: [:])
        let file = try t.write([square, bowtie], name: "fix.geojson")
        let report = try t.importLayer(file, "fix") { $0.onInvalid = .repair }
        #expect(report.repaired.count == 1)
        #expect(report.repaired[0].feature.index == 1)
        #expect(report.repaired[0].resultKind == .multiPolygon)
        #expect(report.layer.geometryColumnType == "MULTIPOLYGON")
        let stored = try t.features("fix")
        #expect(stored.count == 2)
        let geos = GEOSContext()
        for f in stored { #expect(try geos.geometry(f.geometry!).isValid) }
        #expect(abs(try geos.geometry(stored[1].geometry!).area() - 0.005) < 1e-12)
    }

    @Test("invalid geometries: skip imports the rest and writes the rejects to a sidecar file", arguments: StoreKind.available)
    func skipInvalid(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        let features = try GeoJSONReader(path: Fixtures.broken("self-intersecting")).readAll()
        let report = try t.importLayer(Fixtures.broken("self-intersecting"), "partial") { $0.onInvalid = .skip }
        #expect(report.layer.featureCount == 1)
        #expect(report.skipped.map(\.index) == [0])
        let sidecar = try #require(report.rejectedFile)
        #expect(sidecar == "\(t.folder)/partial.rejected.geojson")
        #expect(try GeoJSONReader(path: sidecar).readAll() == [features[0]])
        #expect(try t.features("partial") == [features[1]])
    }

    @Test("a legacy crs member or --from-crs: Pulkovo 1942 Gauss-Krüger coordinates come in as WGS84", arguments: StoreKind.available)
    func crsTransform(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        let sites = try Fixtures.features("sites")
        let toGK = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:28411")
        let projected = try sites.map { f -> Feature in var g = f; g.geometry = try toGK.transform(f.geometry!); return g }
        let withMember = try t.write(projected, name: "gk.geojson", crs: .epsg(28411))
        let report = try t.importLayer(withMember, "gk", kind: .wasteSite)
        #expect(report.layer.sourceCRS == "EPSG:28411")
        for (a, b) in zip(try t.features("gk"), sites) {
            guard case .point(let p)? = a.geometry, case .point(let q)? = b.geometry else { Issue.record("not points"); continue }
            #expect(abs(p.x - q.x) < 1e-8 && abs(p.y - q.y) < 1e-8)
            #expect(a.properties == b.properties)
        }
        // The same file without the member, with the CRS given as a PROJ string.
        let bare = try t.write(projected, name: "gk-bare.geojson")
        let proj = "+proj=tmerc +lat_0=0 +lon_0=63 +k=1 +x_0=11500000 +y_0=0 +ellps=krass +towgs84=23.57,-140.95,-79.8,0,0.35,0.79,-0.22 +units=m +no_defs"
        try t.importLayer(bare, "gk2", kind: .wasteSite) { $0.fromCRS = proj }
        for (a, b) in zip(try t.features("gk2"), sites) {
            guard case .point(let p)? = a.geometry, case .point(let q)? = b.geometry else { continue }
            #expect(abs(p.x - q.x) < 1e-5 && abs(p.y - q.y) < 1e-5)
        }
        // Without any CRS the projected numbers fail the lon/lat check: nothing imported.
        #expect(throws: ImportError.self) { try t.importLayer(bare, "gk3") }
        // An unknown CRS is named.
        do {
            try t.importLayer(bare, "gk4") { $0.fromCRS = "EPSG:999999" }
            Issue.record("unknown CRS accepted")
        } catch let ImportError.crs(_, e) {
            #expect(e.description.contains("EPSG:999999"))
        }
        #expect(try t.store.layer(named: "gk3") == nil && t.store.layer(named: "gk4") == nil)
    }

    @Test("coordinates far from the other layers, or that look like swapped lat/lon, are reported", arguments: StoreKind.available)
    func regionWarnings(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(Fixtures.city("city"), "city", kind: .boundary)
        let swapped = try t.importLayer(Fixtures.broken("swapped-lat-lon"), "swapped")
        #expect(swapped.warnings.count == 1)
        #expect(swapped.warnings[0].contains("looks like swapped lat/lon"))
        let far = Feature(id: .integer(1), geometry: .point(Point(x: 37.62, y: 55.75)), properties: [:])
        let report = try t.importLayer(try t.write([far], name: "moscow.geojson"), "moscow")
        #expect(report.warnings.first?.contains("km from the expected region") == true)
        let near = try t.importLayer(Fixtures.city("sites"), "sites")
        #expect(near.warnings.isEmpty)
    }

    @Test("hostile layer names are refused; hostile property names are stored safely and come back", arguments: StoreKind.available)
    func hostileNames(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        for name in [#"x"; DROP TABLE geoctl_catalog; --"#, "a b", "", "1abc", "sqlite_master", "geoctl_catalog",
                     "idx_x_geom", "SpatialIndex", String(repeating: "a", count: 64), "ok'name"] {
            #expect(throws: StoreError.self, "\(name)") { try t.importLayer(Fixtures.city("city"), name) }
        }
        try t.importLayer(Fixtures.city("city"), "дороги-2024_v2")
        let nasty: JSONObject = [#"x"; DROP TABLE geoctl_catalog; --"#: .string("1"), "geom": .integer(5), "FID": .string("f"),
                                 "properties": .bool(true), "": .string("empty"), "Name": .string("A"), "name": .string("b"),
                                 "it's": .number(1.5)]
        let file = try t.write([Feature(id: .string("n"), geometry: .point(Point(x: 60.73, y: 56.08)), properties: nasty)], name: "nasty.geojson")
        let report = try t.importLayer(file, "nasty")
        #expect(try t.features("nasty").first?.properties == nasty)
        let columns = report.layer.columns.map(\.column)
        #expect(Set(columns.map { $0.lowercased() }).count == columns.count)
        #expect(columns.contains("geom_2") && columns.contains("FID_2") && columns.contains("field"))
        #expect(try t.store.layers(includeRestricted: true).map(\.name) == ["nasty", "дороги-2024_v2"])
        #expect(try t.problems() == [])
    }

    @Test("bbox and property filters on export", arguments: StoreKind.available)
    func filters(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(Fixtures.city("sites"), "sites")
        let all = try Fixtures.features("sites")
        let box = BoundingBox(minX: 60.72, minY: 56.07, maxX: 60.74, maxY: 56.09)
        let inBox = try t.features("sites", filter: FeatureFilter(bbox: box))
        let expected = all.filter { if case .point(let p)? = $0.geometry { return box.contains(x: p.x, y: p.y) }; return false }
        #expect(!expected.isEmpty && inBox == expected)
        let separate = try t.features("sites", filter: FeatureFilter(equals: ("separate_collection", "true")))
        #expect(separate == all.filter { $0.properties["separate_collection"] == .bool(true) })
    }

    @Test("drop removes the table, its spatial index and registration, and the catalog entry", arguments: StoreKind.available)
    func drop(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(Fixtures.city("roads"), "roads", kind: .road)
        try t.importLayer(Fixtures.city("city"), "city", kind: .boundary)
        try t.store.dropLayer(named: "roads")
        #expect(try t.store.layer(named: "roads") == nil)
        #expect(try t.tables(containing: "roads") == [])
        #expect(try t.registrations(of: "roads") == 0)
        #expect(throws: StoreError.noSuchLayer("roads")) { try t.store.dropLayer(named: "roads") }
        #expect(try t.features("city").count == 1)
        #expect(try t.problems() == [])
    }
}
