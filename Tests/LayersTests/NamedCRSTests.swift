import Foundation
import Testing
import GeoCore
@testable import Layers
import TestSupport

/// Named CRSs in the store, recognised in a file's .prj, resolved by --from-crs, and hinted
/// at when a file's coordinates look local.
@Suite("Named CRSs in the store", .serialized)
struct NamedCRSTests {
    /// An МСК-like system: transverse Mercator on Krasovsky with a 7-parameter shift to WGS84.
    static let msk = "+proj=tmerc +lat_0=0 +lon_0=60.05 +k=1 +x_0=2250000 +y_0=-5712900.566 +ellps=krass +towgs84=23.57,-140.95,-79.8,0,0.35,0.79,-0.22 +units=m +no_defs"
    static let places: [Point] = (0 ..< 6).map { Point(x: 60.70 + Double($0) * 0.012, y: 56.05 + Double($0) * 0.006) }

    static func registry(_ t: TemporaryStore) throws -> any NamedCRSStore {
        try #require(t.store as? NamedCRSStore)
    }

    @Test("add, list, replace, refuse a duplicate, drop", arguments: StoreKind.available)
    func keep(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        let r = try Self.registry(t)
        #expect(try r.namedCRSs().isEmpty)
        try r.saveNamedCRS(NamedCRS(name: "msk74-1", definition: Self.msk, note: "test"), replace: false)
        try r.saveNamedCRS(NamedCRS(name: "msk70", definition: "EPSG:28412", note: nil), replace: false)
        #expect(try r.namedCRSs().map(\.name) == ["msk70", "msk74-1"])
        #expect(throws: NamedCRSError.exists("MSK74-1")) {
            try r.saveNamedCRS(NamedCRS(name: "MSK74-1", definition: "EPSG:4326", note: nil), replace: false)
        }
        try r.saveNamedCRS(NamedCRS(name: "msk74-1", definition: "EPSG:28411", note: "v2"), replace: true)
        #expect(try r.namedCRS("MSK74-1")?.definition == "EPSG:28411")
        #expect(try r.dropNamedCRS("msk70"))
        #expect(try !r.dropNamedCRS("msk70"))
        #expect(try r.namedCRSs().map(\.name) == ["msk74-1"])
        #expect(throws: NamedCRSError.self) { try NamedCRS.validate(name: "EPSG:4326") }
    }

    /// A Shapefile of `places` in the МСК, written by ogr2ogr (its .prj is ESRI WKT, which loses the TOWGS84).
    static func shapefile(in t: TemporaryStore) throws -> String {
        let json = t.folder + "/places.geojson"
        let features = places.enumerated().map { i, p in
            #"{"type":"Feature","properties":{"n":\#(i)},"geometry":{"type":"Point","coordinates":[\#(p.x),\#(p.y)]}}"#
        }
        try (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").write(toFile: json, atomically: true, encoding: .utf8)
        let shp = t.folder + "/msk.shp"
        try FormatFixtures.ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", msk, shp, json])
        return shp
    }

    static func positions(_ t: TemporaryStore, _ layer: String) throws -> [Point] {
        var out: [Point] = []
        try t.store.forEachFeature(of: layer, filter: .all) { f in if case .point(let p)? = f.geometry { out.append(p) } }
        return out
    }

    static func worstMetres(_ a: [Point], _ b: [Point]) -> Double {
        zip(a, b).map { Geodesic.wgs84.distance(from: $0, to: $1) }.max() ?? .infinity
    }

    @Test("a .prj matching a stored CRS is read with the stored definition (its datum shift kept) and the catalog names it")
    func prjRecognised() throws {
        let t = try TemporaryStore()
        let shp = try Self.shapefile(in: t)
        let importer = LayerImporter(store: t.store, sidecarFolder: t.folder)
        // Without the stored CRS, the .prj alone lands the points off by the datum shift.
        let plain = try importer.importFile(shp, options: ImportOptions(layer: "plain", kind: .other))
        #expect(plain.layer.sourceCRS.contains("+proj=tmerc"))
        #expect(Self.worstMetres(try Self.positions(t, "plain"), Self.places) > 20)
        try Self.registry(t).saveNamedCRS(NamedCRS(name: "msk74-1", definition: Self.msk, note: nil), replace: false)
        let named = try importer.importFile(shp, options: ImportOptions(layer: "named", kind: .other))
        #expect(named.layer.sourceCRS == "msk74-1")
        #expect(named.notes.contains { $0.contains("msk74-1") })
        #expect(Self.worstMetres(try Self.positions(t, "named"), Self.places) < 0.01)
    }

    @Test("--from-crs resolves a stored name; coordinates without a CRS get a hint naming the stored CRS that lands them in the region")
    func fromCRSAndHint() throws {
        let t = try TemporaryStore()
        let to = try CoordinateTransformer(from: "EPSG:4326", to: Self.msk)
        var csv = "x,y,name\n"
        for (i, p) in Self.places.enumerated() {
            let q = try to.transform(x: p.x, y: p.y)
            csv += "\(q.x),\(q.y),место \(i)\n"
        }
        let file = t.folder + "/local.csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        try t.store.setExplicitRegion(BoundingBox(minX: 60.6, minY: 56.0, maxX: 60.9, maxY: 56.2))
        let r = try Self.registry(t)
        try r.saveNamedCRS(NamedCRS(name: "elsewhere", definition: "EPSG:28404", note: nil), replace: false)
        let importer = LayerImporter(store: t.store, sidecarFolder: t.folder)
        // Only one stored CRS, which does not fit: the hint says so, nothing is imported.
        do {
            _ = try importer.importFile(file, options: ImportOptions(layer: "local", kind: .other))
            Issue.record("a file without CRS in МСК coordinates was imported")
        } catch ImportError.input(let e) {
            #expect(e.localSystemHint?.contains("look like projected coordinates of a local system") == true)
            #expect(e.localSystemHint?.contains("none of the store's named CRSs (elsewhere)") == true)
            #expect(e.fittingCRSNames.isEmpty)
        }
        try r.saveNamedCRS(NamedCRS(name: "msk74-1", definition: Self.msk, note: nil), replace: false)
        do {
            _ = try importer.importFile(file, options: ImportOptions(layer: "local", kind: .other))
            Issue.record("a file without CRS in МСК coordinates was imported")
        } catch ImportError.input(let e) {
            #expect(e.localSystemHint?.contains("under the store's named CRS msk74-1 the layer falls inside the store's region") == true)
            #expect(e.fittingCRSNames == ["msk74-1"])
        }
        #expect(try t.store.layer(named: "local") == nil)
        let report = try importer.importFile(file, options: ImportOptions(layer: "local", kind: .other, fromCRS: "msk74-1"))
        #expect(report.layer.sourceCRS == "msk74-1")
        #expect(Self.worstMetres(try Self.positions(t, "local"), Self.places) < 0.01)
    }

    @Test("one latitude out of range among longitude/latitude features: the error names it, with no hint of another system")
    func strayCoordinateNoHint() throws {
        let t = try TemporaryStore()
        var features: [String] = []
        for i in 0 ..< 6000 {
            let y = i == 5500 ? 96.08 : 56.1 + Double(i % 100) / 10_000
            features.append(#"{"type":"Feature","properties":{"n":\#(i)},"geometry":{"type":"Point","coordinates":[60.7,\#(y)]}}"#)
        }
        let file = t.folder + "/stray.geojson"
        try (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}").write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try LayerImporter(store: t.store, sidecarFolder: t.folder).importFile(file, options: ImportOptions(layer: "stray", kind: .other))
            Issue.record("a latitude of 96.08 was imported")
        } catch ImportError.input(let e) {
            #expect(e.reason.contains("latitude 96.08 is outside [-90, 90]"))
            #expect(e.featureIndex == 5500)
            #expect(e.localSystemHint == nil)
        }
    }

    @Test("a Shapefile labelled WGS84 that holds МСК coordinates is refused with the same hint, nothing applied")
    func labelledWGS84() throws {
        let t = try TemporaryStore()
        let shp = try Self.shapefile(in: t)
        let wrong = t.folder + "/wrong.shp"
        try FormatFixtures.ogr2ogr(["-f", "ESRI Shapefile", "-a_srs", "EPSG:4326", wrong, shp])
        try t.store.setExplicitRegion(BoundingBox(minX: 60.6, minY: 56.0, maxX: 60.9, maxY: 56.2))
        try Self.registry(t).saveNamedCRS(NamedCRS(name: "msk74-1", definition: Self.msk, note: nil), replace: false)
        let importer = LayerImporter(store: t.store, sidecarFolder: t.folder)
        #expect {
            _ = try importer.importFile(wrong, options: ImportOptions(layer: "wrong", kind: .other))
        } throws: { error in
            guard case ImportError.input(let e) = error else { return false }
            return e.source == wrong && e.fittingCRSNames == ["msk74-1"]
        }
        #expect(try t.store.layer(named: "wrong") == nil)
    }
}
