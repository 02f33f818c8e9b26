import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// geoctl writes SpatiaLite's spatial metadata in SQL of its own (SpatiaLiteMetadata.swift)
/// instead of calling `InitSpatialMetadata`, `AddGeometryColumn` and `CreateSpatialIndex`.
/// These tests hold that SQL to what the installed SpatiaLite writes itself.
@Suite("geoctl's spatial metadata equals what SpatiaLite itself writes")
struct SpatiaLiteMetadataTests {
    /// Layer names and column types: Cyrillic, mixed case (SpatiaLite lowers ASCII only), `-`.
    static let layers = [("Дома-1", "MULTIPOLYGON"), ("Mixed_Case", "POINT"), ("линии", "GEOMETRY"), ("roads", "MULTILINESTRING")]

    /// A store's schema (everything but where each table's pages are) and every row of its
    /// ordinary tables, the history's times and versions left out.
    private func contents(_ db: SpatiaLiteConnection) throws -> (schema: [[SQLValue]], rows: [String: [[SQLValue]]]) {
        let schema = try db.rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        var rows: [String: [[SQLValue]]] = [:]
        let tables = try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'idx\\_%' ESCAPE '\\'")
        for row in tables {
            let name = try #require(row.first?.text)
            let columns = name == "spatialite_history" ? "event_id, table_name, geometry_column, event" : "*"
            rows[name] = try db.rows("SELECT \(columns) FROM \(SQL.identifier(name)) ORDER BY 1, 2")
        }
        return (schema, rows)
    }

    /// The layer tables as geoctl declares them, without and with the geometry column.
    private func table(_ name: String, geometry: String?) -> String {
        "CREATE TABLE \(SQL.identifier(name)) (fid INTEGER PRIMARY KEY, feature_id, geoctl_kind TEXT, properties TEXT"
            + (geometry.map { ", \"geom\" \($0))" } ?? ")")
    }

    @Test("a store and four layers: the same tables, indexes, triggers, views and virtual tables, text for text, and the same rows")
    func sameAsSpatiaLite() throws {
        let t = try TemporaryStore()
        let theirs = try SpatiaLiteConnection(path: t.folder + "/spatialite.sqlite")
        try theirs.execute("SELECT InitSpatialMetadata(1, 'WGS84')")
        for (name, type) in Self.layers {
            try theirs.execute(table(name, geometry: nil))
            #expect(try theirs.scalarText("SELECT AddGeometryColumn(\(SQL.literal(name)), 'geom', 4326, \(SQL.literal(type)), 'XY')") == "1")
            #expect(try theirs.scalarText("SELECT CreateSpatialIndex(\(SQL.literal(name)), 'geom')") == "1")
        }
        let ours = try SpatiaLiteConnection(path: t.folder + "/geoctl.sqlite")
        try ours.transaction {
            try ours.execute(SpatiaLiteMetadata.storeSQL)
            for (name, type) in Self.layers {
                try ours.execute(table(name, geometry: type))
                try ours.execute(try #require(SpatiaLiteMetadata.geometryColumnSQL(table: name, columnType: type)))
                try ours.execute(SpatiaLiteMetadata.geometryTriggersSQL(table: name))
            }
        }
        #expect(!ours.spatialFunctionsLoaded, "writing the metadata needs no SpatiaLite")
        let a = try contents(theirs), b = try contents(ours)
        #expect(a.schema.count == b.schema.count)
        for (x, y) in zip(a.schema, b.schema) { #expect(x == y) }
        #expect(a.rows.keys.sorted() == b.rows.keys.sorted())
        for (table, rows) in a.rows { #expect(rows == b.rows[table], "\(table)") }
        #expect(a.rows["spatial_ref_sys"]?.count == 129 && a.rows["geometry_columns"]?.count == 4)
        #expect(try ours.scalarText("PRAGMA integrity_check") == "ok")
    }

    @Test("another program's SQLite database gains the metadata and a layer beside its own table, in WAL mode")
    func adoptsAnotherDatabase() throws {
        let t = try TemporaryStore()
        let path = t.folder + "/other.db"
        do {
            let other = try SpatiaLiteConnection(path: path)
            try other.execute("CREATE TABLE t (a); INSERT INTO t VALUES (42)")
        }
        let store = try SpatiaLiteStore(path: path, create: true)
        _ = try LayerImporter(store: store, sidecarFolder: t.folder).importFile(Fixtures.city("roads"), options: ImportOptions(layer: "roads", kind: .road))
        #expect(try store.db.scalarText("PRAGMA journal_mode") == "wal")
        #expect(try store.db.scalarText("SELECT a FROM t") == "42")
        #expect(try store.db.scalarText("SELECT count(*) FROM geometry_columns WHERE f_table_name = 'roads'") == "1")
        #expect(try store.spatialIndexProblems() == [])
    }

    @Test("SpatiaLite takes a store geoctl made as its own: metadata checks, triggers, SpatialIndex, KNN and ElementaryGeometries work")
    func spatiaLiteUsesIt() throws {
        let t = try TemporaryStore()
        let file = try t.write([
            Feature(id: .integer(1), geometry: .point(Point(x: 60.6, y: 56.8)), properties: JSONObject()),
            Feature(id: .integer(2), geometry: .point(Point(x: 60.7, y: 56.9)), properties: JSONObject()),
        ], name: "points.geojson")
        try t.importLayer(file, "points")
        let s = try #require(t.spatiaLite)
        #expect(!s.db.spatialFunctionsLoaded, "an import loads no SpatiaLite")
        s.db.loadSpatialFunctions()
        #expect(try s.db.scalarText("SELECT CheckSpatialMetadata()") == "3", "SpatiaLite 4+ layout")
        // A write through SQL goes through SpatiaLite's triggers: the type check refuses a
        // line in a point column, the R*Tree takes a point.
        #expect(throws: StoreError.self) {
            try s.db.execute("INSERT INTO points (geom) VALUES (GeomFromText('LINESTRING(60 56, 61 57)', 4326))")
        }
        try s.db.execute("INSERT INTO points (feature_id, geom) VALUES (3, MakePoint(60.65, 56.85, 4326))")
        #expect(try s.db.scalarText("SELECT rtreecheck('idx_points_geom')") == "ok")
        let found = try s.db.rows("SELECT feature_id FROM points WHERE rowid IN (SELECT rowid FROM SpatialIndex WHERE f_table_name = 'points' AND search_frame = BuildMbr(60.62, 56.82, 60.68, 56.88)) ORDER BY 1")
        #expect(found.map { $0.first?.integer } == [3])
        let nearest = try s.db.rows("SELECT fid FROM KNN WHERE f_table_name = 'points' AND ref_geometry = MakePoint(60.71, 56.91) AND max_items = 1")
        #expect(nearest.map { $0.first?.integer } == [2])
        #expect(try s.db.scalarText("SELECT count(*) FROM ElementaryGeometries WHERE f_table_name = 'points' AND origin_rowid = 1") == "1")
        #expect(try s.db.scalarText("PRAGMA integrity_check") == "ok")
    }
}
