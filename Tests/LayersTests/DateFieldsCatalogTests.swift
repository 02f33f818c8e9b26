import Foundation
import GeoCore
@testable import Layers
@testable import PostGISStore
import Testing
import TestSupport

/// A works layer whose dates are in properties other than start/end, and a repair's
/// guarantee in its own property.
private func repairsWithOwnFields(_ t: TemporaryStore) throws -> String {
    try t.writeText("""
        {"type":"FeatureCollection","features":[
        {"type":"Feature","id":"R-1","properties":{"begins":"2023-06-01","ends":"2023-08-31","warranty_to":"2027-08-31"},
         "geometry":{"type":"LineString","coordinates":[[60.72,56.07],[60.73,56.07]]}}]}
        """, name: "repairs.geojson")
}

@Suite("date fields kept in the catalog, on both stores")
struct DateFieldsCatalogTests {
    static let own = DateFieldNames(start: "begins", end: "ends", guarantee: "warranty_to")

    @Test("import records the date fields; layers, layer, set, an unchanged re-import and copy keep or change them", arguments: StoreKind.available)
    func keptAndChanged(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        let file = try repairsWithOwnFields(t)
        let imported = try t.importLayer(file, "repairs", kind: .repair) { $0.dateFields = Self.own }
        #expect(imported.layer.dateFields == Self.own)
        #expect(try t.store.layer(named: "repairs")?.dateFields == Self.own)
        #expect(try t.store.layers(includeRestricted: false).first?.dateFields == Self.own)
        // The names read the feature's window: the catalog's fields are the real ones.
        let features = try t.features("repairs")
        let fields = WindowFields(start: Self.own.start!, end: Self.own.end!, guarantee: Self.own.guarantee)
        let (windows, problems) = FeatureWindows.read(features, layer: "repairs", fields: fields)
        #expect(problems.isEmpty && windows.first?.guaranteed != nil)

        // set: one field back to its default, the others kept; no new version.
        var metadata = imported.layer.metadata
        metadata.dateFields.end = nil
        let updated = try t.store.updateMetadata(of: "repairs", to: metadata)
        let expected = DateFieldNames(start: "begins", end: nil, guarantee: "warranty_to")
        #expect(updated.dateFields == expected && updated.version == 1 && updated.metadataChangedAt != nil)
        #expect(try t.store.layer(named: "repairs")?.dateFields == expected)

        // The same file with other date fields: the metadata changes, the layer does not.
        let again = try t.importLayer(file, "repairs", kind: .repair) { $0.dateFields = Self.own }
        #expect(again.outcome == .metadataUpdated && again.layer.version == 1)
        #expect(again.metadataChanges == ["end field: default → \"ends\""])
        #expect(try t.store.layer(named: "repairs")?.dateFields == Self.own)

        // copy to the other kind of store (or to a second SpatiaLite file) carries them.
        let destination = try TemporaryStore(kind == .postGIS ? .spatiaLite : (StoreKind.available.last ?? .spatiaLite))
        let copied = try LayerCopier(from: t.store, to: destination.store).copy([], replace: false)
        #expect(copied.map(\.dateFields) == [Self.own])
        #expect(try destination.store.layer(named: "repairs")?.dateFields == Self.own)
        #expect(try t.problems().isEmpty && destination.problems().isEmpty)
    }

    @Test("a SpatiaLite store made before the date fields is migrated on open; its layers read with the defaults")
    func spatiaLiteMigration() throws {
        let t = try TemporaryStore()
        try t.importLayer(try repairsWithOwnFields(t), "repairs", kind: .repair) { $0.dateFields = Self.own }
        do {
            let db = try SpatiaLiteConnection(path: t.path, create: false)
            for c in ["start_field", "end_field", "guarantee_field"] { try db.execute("ALTER TABLE geoctl_catalog DROP COLUMN \(c)") }
        }
        let reopened = try SpatiaLiteStore(path: t.path, create: false)
        let columns = try reopened.db.rows("SELECT name FROM pragma_table_info('geoctl_catalog')").compactMap { $0.first?.text }
        #expect(columns.suffix(3) == ["start_field", "end_field", "guarantee_field"])
        let info = try #require(try reopened.layer(named: "repairs"))
        #expect(info.dateFields.isEmpty && info.featureCount == 1 && info.version == 1)
        var metadata = info.metadata
        metadata.dateFields = Self.own
        #expect(try reopened.updateMetadata(of: "repairs", to: metadata).dateFields == Self.own)
        #expect(try SpatiaLiteStore(path: t.path, create: false).layer(named: "repairs")?.dateFields == Self.own)
        #expect(try reopened.catalogProblems().isEmpty)
    }

    @Test("a PostGIS catalog made before the date fields is migrated on open; its layers read with the defaults",
          .enabled(if: PostgresTestDatabase.isAvailable))
    func postGISMigration() throws {
        let t = try TemporaryStore(.postGIS)
        try t.importLayer(try repairsWithOwnFields(t), "repairs", kind: .repair) { $0.dateFields = Self.own }
        let old = try #require(t.postGIS)
        for c in ["start_field", "end_field", "guarantee_field"] { try old.db.execute("ALTER TABLE \(old.schema).geoctl_catalog DROP COLUMN \(c)") }
        let reopened = try PostGISStore(url: t.path, create: false)
        let columns = try reopened.db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'geoctl_catalog'",
                                            [reopened.location.schema]).rows().compactMap { $0[0] }
        #expect(Set(["start_field", "end_field", "guarantee_field"]).isSubset(of: Set(columns)))
        let info = try #require(try reopened.layer(named: "repairs"))
        #expect(info.dateFields.isEmpty && info.featureCount == 1 && info.version == 1)
        var metadata = info.metadata
        metadata.dateFields = Self.own
        #expect(try reopened.updateMetadata(of: "repairs", to: metadata).dateFields == Self.own)
        #expect(try PostGISStore(url: t.path, create: false).layer(named: "repairs")?.dateFields == Self.own)
        #expect(try reopened.catalogProblems().isEmpty)
    }
}
