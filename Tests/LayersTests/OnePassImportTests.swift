import Foundation
import Testing
import GeoCore
@testable import Layers
import TestSupport

/// The PostGIS store imports in one pass, laying the table out from the first
/// `LayerImporter.layoutSample` features; a file that contradicts that layout later on falls
/// back to the two passes. Either way the layer must be exactly what SpatiaLite's two-pass
/// import makes of the same file. (SpatiaLiteOnePassTests: the same for SpatiaLite's own one pass.)
@Suite("One-pass import: the same layer as two passes, falling back when the file contradicts its first features",
       .enabled(if: PostgresTestDatabase.isAvailable))
struct OnePassImportTests {
    /// A polygon square around a point, or a self-crossing bow tie when `invalid`.
    static func polygon(_ x: Double, _ y: Double, invalid: Bool = false) -> String {
        let d = 0.001
        let ring = invalid
            ? [[x, y], [x + d, y + d], [x + d, y], [x, y + d], [x, y]]
            : [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
        return "{\"type\":\"Polygon\",\"coordinates\":[[\(ring.map { "[\($0[0]),\($0[1])]" }.joined(separator: ","))]]}"
    }

    /// 1,500 features: points with an integer and a string property, or polygons; the
    /// feature at `at` (after the layout sample) is replaced by `odd`.
    static func file(polygons: Bool = false, at: Int = 1200, odd: String? = nil) -> String {
        var lines: [String] = []
        for i in 0 ..< 1500 {
            let x = 60.5 + Double(i % 100) * 0.002, y = 56.8 + Double(i / 100) * 0.002
            let geometry = polygons ? polygon(x, y) : "{\"type\":\"Point\",\"coordinates\":[\(x),\(y)]}"
            let feature = "{\"type\":\"Feature\",\"id\":\(i),\"properties\":{\"n\":\(i),\"s\":\"№\(i)\"},\"geometry\":\(geometry)}"
            lines.append(i == at ? (odd ?? feature) : feature)
        }
        return "{\"type\":\"FeatureCollection\",\"features\":[\n" + lines.joined(separator: ",\n") + "\n]}\n"
    }

    struct Outcome: Equatable {
        var info: LayerInfo
        var features: [Feature]
        var repaired: Int
    }

    /// Imports `text` into a fresh store of `kind` (SpatiaLite in two passes unless
    /// `onePass`); returns the layer and whether a check pass ran.
    static func load(_ text: String, into kind: StoreKind, onePass: Bool? = nil,
                     configure: (inout ImportOptions) -> Void = { _ in }) throws -> (Outcome, checked: Bool) {
        let t = try TemporaryStore(kind)
        let path = try t.writeText(text, name: "layer.geojson")
        var options = ImportOptions(layer: "layer", kind: .other)
        configure(&options)
        var phases = Set<ImportProgress.Phase>()
        var importer = t.importer
        importer.onePass = onePass ?? (kind == .postGIS)
        let report = try importer.importFile(path, options: options) { phases.insert($0.phase) }
        var info = try #require(try t.store.layer(named: "layer"))
        // Where the stores may differ on their own: when, and the file's folder.
        info.importedAt = ""
        info.sourceFile = ""
        return (Outcome(info: info, features: try t.features("layer"), repaired: report.repaired.count), phases.contains(.checking))
    }

    @Test("a file that fits its first features is read once and makes the same layer as two passes")
    func fits() throws {
        let text = Self.file()
        let (pg, checked) = try Self.load(text, into: .postGIS)
        let (sl, _) = try Self.load(text, into: .spatiaLite)
        #expect(!checked, "the PostGIS import ran a check pass over a file that fits its first features")
        #expect(pg == sl)
        #expect(pg.info.featureCount == 1500 && pg.info.columns.map(\.type) == [.integer, .text] && pg.info.geometryColumnType == "POINT")
    }

    @Test("a later feature with another property, another value type or another geometry type: two passes, the right layout",
          arguments: [
            ("a new property", #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x","late":true},"geometry":{"type":"Point","coordinates":[60.6,56.9]}}"#),
            ("a real where integers were", #"{"type":"Feature","id":1200,"properties":{"n":12.5,"s":"x"},"geometry":{"type":"Point","coordinates":[60.6,56.9]}}"#),
            ("a line among points", #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x"},"geometry":{"type":"LineString","coordinates":[[60.6,56.9],[60.7,56.95]]}}"#),
          ])
    func contradicted(_ what: String, _ odd: String) throws {
        let text = Self.file(odd: odd)
        let (pg, checked) = try Self.load(text, into: .postGIS)
        let (sl, _) = try Self.load(text, into: .spatiaLite)
        #expect(checked, "\(what): no check pass ran")
        #expect(pg == sl, "\(what)")
        #expect(pg.info.featureCount == 1500)
        #expect(pg.features[1200].properties == sl.features[1200].properties)
    }

    @Test("an invalid geometry after the layout sample is repaired by the two passes, as asked")
    func invalidLater() throws {
        let odd = "{\"type\":\"Feature\",\"id\":1200,\"properties\":{\"n\":1200,\"s\":\"x\"},\"geometry\":\(Self.polygon(60.6, 56.9, invalid: true))}"
        let text = Self.file(polygons: true, odd: odd)
        let (pg, checked) = try Self.load(text, into: .postGIS) { $0.onInvalid = .repair }
        let (sl, _) = try Self.load(text, into: .spatiaLite) { $0.onInvalid = .repair }
        #expect(checked)
        #expect(pg.repaired == 1 && pg == sl)
        #expect(pg.info.geometryColumnType == sl.info.geometryColumnType)
    }

    @Test("bad input after the layout sample: the two-pass error, and nothing written")
    func badInputLater() throws {
        let odd = #"{"type":"Feature","id":1200,"properties":{"n":1200,"s":"x"},"geometry":{"type":"Point","coordinates":[60.6]}}"#
        let t = try TemporaryStore(.postGIS)
        let path = try t.writeText(Self.file(odd: odd), name: "bad.geojson")
        let before = try t.snapshot()
        var failure: (any Error)?
        do { try t.importLayer(path, "bad") } catch { failure = error }
        let s = try TemporaryStore(.spatiaLite)
        let same = try s.writeText(Self.file(odd: odd), name: "bad.geojson")
        var expected: (any Error)?
        do { try s.importLayer(same, "bad") } catch { expected = error }
        let got = try #require(failure.map { "\($0)" })
        #expect(got.contains("1200") || got.contains("1201"), "the error names the feature: \(got)")
        #expect(got.replacing(t.folder, with: "") == (expected.map { "\($0)" } ?? "").replacing(s.folder, with: ""))
        #expect(try t.snapshot() == before)
        #expect(try t.problems() == [])
    }
}
