import Foundation
import GeoCore
import Layers
import Testing
import TestSupport

@Suite("store migration and metadata")
struct StoreMigrationTests {
    @Test("a store made before metadata_changed_at, region_warnings and geoctl_region is migrated on open, its layers kept")
    func migratesOldCatalog() throws {
        let t = try TemporaryStore()
        try t.importLayer(Fixtures.city("sites"), "sites", kind: .wasteSite)
        do {
            // Make it look like a store of the previous geoctl.
            let db = try SpatiaLiteConnection(path: t.path, create: false)
            try db.execute("ALTER TABLE geoctl_catalog DROP COLUMN metadata_changed_at")
            try db.execute("ALTER TABLE geoctl_catalog DROP COLUMN region_warnings")
            try db.execute("DROP TABLE geoctl_region")
        }
        let reopened = try SpatiaLiteStore(path: t.path, create: false)
        let info = try #require(try reopened.layer(named: "sites"))
        #expect(info.featureCount == 60 && info.metadataChangedAt == nil && info.regionWarnings == 0)
        #expect(try reopened.explicitRegion() == nil)
        let updated = try reopened.updateMetadata(of: "sites", to: LayerMetadata(kind: .wasteSite, sphere: nil, owner: "X", visibility: .public))
        #expect(updated.owner == "X" && updated.metadataChangedAt != nil && updated.version == 1)
        #expect(try reopened.layer(named: "sites")?.owner == "X")
        #expect(try reopened.catalogProblems().isEmpty)
        #expect(throws: StoreError.noSuchLayer("nope")) {
            try reopened.updateMetadata(of: "nope", to: info.metadata)
        }
    }

    @Test("the expected region leaves out layers imported with region warnings")
    func regionExcludesOutliers() throws {
        let t = try TemporaryStore()
        try t.importLayer(Fixtures.city("city"), "city", kind: .boundary)
        let far = Feature(id: .integer(1), geometry: .point(Point(x: 37.62, y: 55.75)), properties: [:])
        let report = try t.importLayer(try t.write([far], name: "moscow.geojson"), "moscow")
        #expect(report.layer.regionWarnings == 1)
        let region = try #require(try ExpectedRegion(store: t.store, excluding: "next"))
        #expect(region.source == .layers(["city"]))
        #expect(region.extent == (try t.store.layer(named: "city"))?.extent)
        try t.store.setExplicitRegion(BoundingBox(minX: 1, minY: 2, maxX: 3, maxY: 4))
        #expect(try ExpectedRegion(store: t.store, excluding: "next")?.source == .explicit)
        #expect(try t.store.explicitRegion() == BoundingBox(minX: 1, minY: 2, maxX: 3, maxY: 4))
        try t.store.setExplicitRegion(nil)
        #expect(try t.store.explicitRegion() == nil)
    }
}

@Suite("library errors name no command-line flag")
struct LibraryErrorTests {
    @Test("store, import and GeoJSON errors describe the problem without --flags; the CLI adds them")
    func noFlags() throws {
        let t = try TemporaryStore()
        try t.importLayer(Fixtures.city("sites"), "sites", kind: .wasteSite)
        var messages: [String] = []
        do { try t.importLayer(Fixtures.city("roads"), "sites") } catch { messages.append("\(error)") }
        do { try t.importLayer(Fixtures.broken("self-intersecting"), "bad") } catch { messages.append("\(error)") }
        do { try t.importLayer(Fixtures.city("sites"), "ids") { $0.idField = "no_such_property" } } catch { messages.append("\(error)") }
        let utm = try t.writeText(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[545612.3,6216543.2]}}]}"#, name: "utm.geojson")
        do { try t.importLayer(utm, "utm") } catch { messages.append("\(error)") }
        do { _ = try SpatiaLiteStore(path: t.folder + "/none.sqlite", create: false) } catch { messages.append("\(error)") }
        do { try CoordinateTransformer.requireMetric(crs: "EPSG:4326") } catch { messages.append("\(error)") }
        #expect(messages.count == 6, "\(messages)")
        for m in messages { #expect(!m.contains("--"), "\(m)") }
    }
}
