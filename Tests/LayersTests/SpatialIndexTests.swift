import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// The import writes SpatiaLite geometry blobs from Swift and the R*Tree's shadow tables from
/// a packed tree. These tests hold both to what SpatiaLite and SQLite themselves would write.
@Suite("SpatiaLite blobs and the packed R*Tree agree with SpatiaLite and SQLite")
struct SpatialIndexTests {
    /// The index's boxes, as SQLite returns them.
    private func boxes(_ db: SpatiaLiteConnection, _ table: String) throws -> [[SQLValue]] {
        try db.rows("SELECT pkid, xmin, xmax, ymin, ymax FROM \(SQL.identifier(table)) ORDER BY pkid")
    }

    /// rtreecheck, the entry count, and every box equal to what inserting the rows one at a
    /// time (as SpatiaLite's CreateSpatialIndex does) would have stored.
    private func expectSoundIndex(_ s: SpatiaLiteStore, layer: String) throws {
        #expect(try s.db.scalarText("SELECT rtreecheck(?)", [.text("idx_\(layer)_geom")]) == "ok", "\(layer)")
        try s.db.execute("DROP TABLE IF EXISTS temp.reference; CREATE VIRTUAL TABLE temp.reference USING rtree(pkid, xmin, xmax, ymin, ymax)")
        try s.db.execute("INSERT INTO temp.reference SELECT fid, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM \(SQL.identifier(layer)) WHERE MbrMinX(geom) IS NOT NULL")
        let packed = try boxes(s.db, "idx_\(layer)_geom")
        let reference = try boxes(s.db, "reference")
        #expect(packed.count == reference.count, "\(layer)")
        #expect(packed == reference, "\(layer)")
        try s.db.execute("DROP TABLE temp.reference")
        #expect(try s.spatialIndexProblems() == [])
    }

    /// Features whose geometry intersects `box`, by the index and by a full scan with GEOS.
    private func expectQueryMatchesScan(_ t: TemporaryStore, layer: String, box: BoundingBox) throws {
        let indexed = try t.features(layer, filter: FeatureFilter(bbox: box))
        let geos = GEOSContext()
        let window = try geos.geometry(box.geometry)
        let scanned = try t.features(layer).filter { f in
            guard let g = f.geometry else { return false }
            return try geos.geometry(g).intersects(window)
        }
        #expect(indexed == scanned, "\(layer) \(box)")
    }

    @Test("every fixture layer: rtreecheck passes, the boxes equal one-at-a-time inserts, and box queries equal a full scan",
          arguments: Fixtures.cityLayers)
    func fixtureLayers(layer: String) throws {
        let t = try TemporaryStore()
        try t.importLayer(Fixtures.city(layer), layer)
        let s = try #require(t.spatiaLite)
        try expectSoundIndex(s, layer: layer)
        let extent = try #require(try s.layer(named: layer)?.extent)
        var random = SeededRandom(seed: 17)
        for _ in 0 ..< 6 {
            let w = extent.maxX - extent.minX, h = extent.maxY - extent.minY
            let x = extent.minX + Double.random(in: -0.1 ... 0.9, using: &random) * w
            let y = extent.minY + Double.random(in: -0.1 ... 0.9, using: &random) * h
            let box = BoundingBox(minX: x, minY: y, maxX: x + w * Double.random(in: 0.05 ... 0.5, using: &random),
                                  maxY: y + h * Double.random(in: 0.05 ... 0.5, using: &random))
            try expectQueryMatchesScan(t, layer: layer, box: box)
        }
        #expect(try t.problems() == [])
    }

    @Test("a new store has 16 KiB pages and SQLite's 51-entry R*Tree nodes; a store made with 4 KiB pages keeps them and takes a sound new layer")
    func pageSizes() throws {
        let t = try TemporaryStore()
        try t.importLayer(Fixtures.city("buildings"), "buildings")
        let s = try #require(t.spatiaLite)
        #expect(try s.db.scalarText("PRAGMA page_size") == String(SpatiaLiteStore.newStorePageSize))
        #expect(try s.db.scalarText("SELECT max(length(data)) FROM idx_buildings_geom_node") == String(4 + 24 * 51))
        try expectSoundIndex(s, layer: "buildings")

        // A store as geoctl made it before: SQLite's default 4 KiB pages.
        let folder = t.folder + "/old"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let old = try SpatiaLiteConnection(path: folder + "/store.sqlite")
        old.pragma("PRAGMA page_size=4096")
        try old.execute("SELECT InitSpatialMetadata(1, 'WGS84')")
        let store = try SpatiaLiteStore(path: folder + "/store.sqlite", create: true)
        _ = try LayerImporter(store: store, sidecarFolder: folder).importFile(Fixtures.city("buildings"), options: ImportOptions(layer: "buildings", kind: .building))
        #expect(try store.db.scalarText("PRAGMA page_size") == "4096")
        try expectSoundIndex(store, layer: "buildings")
        var before = 0, after = 0
        try s.forEachFeature(of: "buildings", filter: .all) { _ in before += 1 }
        try store.forEachFeature(of: "buildings", filter: .all) { _ in after += 1 }
        #expect(after == before && after > 0)
    }

    /// Random points and small squares, enough that the tree has internal levels.
    private func randomLayer(points: Int, squares: Int, seed: UInt64) -> [Feature] {
        var random = SeededRandom(seed: seed)
        var features: [Feature] = []
        for i in 0 ..< points {
            let p = Point(x: Double.random(in: 60.4 ... 60.8, using: &random), y: Double.random(in: 56.7 ... 57.0, using: &random))
            features.append(Feature(id: .integer(Int64(i)), geometry: .point(p), properties: JSONObject()))
        }
        for i in 0 ..< squares {
            let x = Double.random(in: 60.4 ... 60.8, using: &random), y = Double.random(in: 56.7 ... 57.0, using: &random)
            let d = Double.random(in: 0.0001 ... 0.01, using: &random)
            let ring = [x, y, x + d, y, x + d, y + d, x, y + d, x, y]
            features.append(Feature(id: .integer(Int64(points + i)), geometry: .polygon(Polygon(rings: [ring])), properties: JSONObject()))
        }
        return features
    }

    @Test("a layer of 7,000 geometries (a tree with internal levels): sound, equal to inserts, queries equal a scan; later edits through SpatiaLite's triggers keep it sound")
    func deepTree() throws {
        let t = try TemporaryStore()
        let file = try t.write(randomLayer(points: 6000, squares: 1000, seed: 7), name: "many.geojson")
        try t.importLayer(file, "many")
        let s = try #require(t.spatiaLite)
        let depth = try #require(try s.db.rows("SELECT data FROM idx_many_geom_node WHERE nodeno = 1").first?.first)
        guard case .blob(let root) = depth else { Issue.record("no root"); return }
        #expect(Int(root[0]) << 8 | Int(root[1]) == 2, "depth of 7,000 boxes in nodes of 51")
        try expectSoundIndex(s, layer: "many")
        for box in [BoundingBox(minX: 60.5, minY: 56.8, maxX: 60.55, maxY: 56.85), BoundingBox(minX: 60.3, minY: 56.6, maxX: 60.45, maxY: 56.75),
                    BoundingBox(minX: 60.6, minY: 56.9, maxX: 60.6, maxY: 56.9)] {
            try expectQueryMatchesScan(t, layer: "many", box: box)
        }
        // The packed tree is an ordinary R*Tree: SpatiaLite's triggers (restored after the
        // bulk fill) keep it in step with inserts, moves and deletes that empty whole nodes.
        try s.db.transaction {
            try s.db.execute("DELETE FROM many WHERE fid % 3 = 0 OR fid BETWEEN 100 AND 2500")
            try s.db.execute("UPDATE many SET geom = MakePoint(60.61, 56.91, 4326) WHERE fid BETWEEN 3000 AND 3100")
            try s.db.execute("INSERT INTO many (feature_id, geoctl_kind, properties, geom) VALUES (99999, 'Point', '{}', MakePoint(60.7, 56.8, 4326))")
        }
        #expect(try s.db.scalarText("SELECT rtreecheck('idx_many_geom')") == "ok")
        #expect(try s.db.scalarText("SELECT count(*) FROM idx_many_geom") == (try s.db.scalarText("SELECT count(*) FROM many")))
        let moved = try s.db.scalarText("SELECT count(*) FROM idx_many_geom WHERE xmin <= 60.61 AND xmax >= 60.61 AND ymin <= 56.91 AND ymax >= 56.91")
        #expect(Int(moved ?? "0") ?? 0 >= 101 - 34)
    }

    @Test("boxes spooled to disk in runs of 500 pack into the very tree packed in memory: the three shadow tables equal row for row, rtreecheck passes")
    func spooledFill() throws {
        var random = SeededRandom(seed: 11)
        var rows: [(rowid: Int64, box: BoundingBox)] = []
        var rowid: Int64 = 5
        for _ in 0 ..< 7000 {
            rowid += Int64.random(in: 1 ... 3, using: &random)  // gaps, as deleted rows leave
            let x = Double.random(in: 60.4 ... 60.8, using: &random), y = Double.random(in: 56.7 ... 57.0, using: &random)
            let d = Double.random(in: 0 ... 0.01, using: &random)
            rows.append((rowid, BoundingBox(minX: x, minY: y, maxX: x + d, maxY: y + d)))
        }
        func shadowTables(runLength: Int) throws -> [[[SQLValue]]] {
            let db = try SpatiaLiteConnection(path: ":memory:")
            try db.execute("CREATE VIRTUAL TABLE idx USING rtree(pkid, xmin, xmax, ymin, ymax)")
            var fill = RTreeBulkFill(runLength: runLength)
            for r in rows { try fill.add(rowid: r.rowid, minX: r.box.minX, maxX: r.box.maxX, minY: r.box.minY, maxY: r.box.maxY) }
            try db.transaction { try fill.write(into: db, table: "idx") }
            #expect(try db.scalarText("SELECT rtreecheck('idx')") == "ok")
            #expect(try db.scalarText("SELECT count(*) FROM idx") == "7000")
            return try ["idx_node ORDER BY nodeno", "idx_rowid ORDER BY rowid", "idx_parent ORDER BY nodeno"].map { t throws(StoreError) in
                try db.rows("SELECT * FROM \(t)")
            }
        }
        let inMemory = try shadowTables(runLength: 1 << 17)
        let spooled = try shadowTables(runLength: 500)
        #expect(inMemory.map(\.count) == [138 + 3 + 1, 7000, 138 + 3], "138 leaves of at most 51 boxes, 3 nodes above them, the root")
        #expect(spooled == inMemory)
    }

    @Test("SpatiaLite's blob, byte for byte: each kind, holes, a hole outside its shell, Multi members; collections and empty geometries are left to GeomFromWKB")
    func blobs() throws {
        let t = try TemporaryStore()
        let db = try #require(t.spatiaLite).db
        let square = [0.0, 0, 4, 0, 4, 4, 0, 4, 0, 0], hole = [1.0, 1, 2, 1, 2, 2, 1, 1], outside = [10.0, 10, 11, 10, 11, 11, 10, 10]
        var geometries: [Geometry] = [
            .point(Point(x: 60.123456789, y: -56.5)),
            .lineString(LineString(coordinates: [0, 0, 1, 2, 3, -4])),
            .polygon(Polygon(rings: [square])),
            .polygon(Polygon(rings: [square, hole])),
            .polygon(Polygon(rings: [square, outside])),
            .multiPoint(MultiPoint(coordinates: [1, 2, -3, 4, 5, 6])),
            .multiLineString(MultiLineString(lines: [LineString(coordinates: [0, 0, 1, 1]), LineString(coordinates: [5, 5, -6, 7, 8, 8])])),
            .multiPolygon(MultiPolygon(polygons: [Polygon(rings: [square, hole]), Polygon(rings: [outside])])),
        ]
        for layer in Fixtures.cityLayers { geometries += try Fixtures.features(layer).compactMap(\.geometry) }
        var checked = 0
        var blob: [UInt8] = []
        for g in geometries where g.kind != .geometryCollection {
            for column in ["GEOMETRY", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON"] {
                let promoted = GeometryPromotion.promote(g, toColumn: column)
                let box = try #require(SpatiaLiteBlob.encode(promoted, srid: 4326, into: &blob))
                let theirs = try db.rows("SELECT GeomFromWKB(?, 4326)", [.blob(WKB.encode(promoted))]).first?.first
                #expect(theirs == .blob(blob), "\(promoted)")
                let mbr = try db.rows("SELECT MbrMinX(?), MbrMinY(?), MbrMaxX(?), MbrMaxY(?)", Array(repeating: .blob(blob), count: 4)).first
                #expect(mbr == [.real(box.minX), .real(box.minY), .real(box.maxX), .real(box.maxY)])
                checked += 1
            }
        }
        #expect(checked > 1000)
        #expect(SpatiaLiteBlob.encode(.geometryCollection([.point(Point(x: 1, y: 2))]), srid: 4326, into: &blob) == nil)
        #expect(SpatiaLiteBlob.encode(.multiPolygon(MultiPolygon(polygons: [])), srid: 4326, into: &blob) == nil)
        #expect(SpatiaLiteBlob.encode(.lineString(LineString(coordinates: [])), srid: 4326, into: &blob) == nil)
    }

    @Test("SpatiaLite's blob read in Swift as AsBinary reads it: each kind, Z and M dropped; compressed blobs and collections are left to SpatiaLite, and a layer of them reads the same")
    func blobsRead() throws {
        let t = try TemporaryStore()
        let db = try #require(t.spatiaLite).db
        let texts = ["POINT(60.123456789 -56.5)", "LINESTRING(0 0,1 2,3 -4)", "POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1))",
                     "MULTIPOINT(1 2,-3 4,5 6)", "MULTILINESTRING((0 0,1 1),(5 5,-6 7,8 8))",
                     "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,2 1,2 2,1 1)),((10 10,11 10,11 11,10 10)))"]
        func read(_ value: SQLValue?) -> Geometry? {
            guard case .blob(let blob)? = value else { return nil }
            return blob.withUnsafeBytes { SpatiaLiteBlob.geometry($0) }
        }
        for wkt in texts {
            for cast in ["", "CastToXYZ", "CastToXYM", "CastToXYZM"] {
                let geometry = "\(cast)(GeomFromText(?, 4326))"
                let row = try db.rows("SELECT \(geometry), AsBinary(\(geometry))", [.text(wkt), .text(wkt)]).first
                guard case .blob(let wkb)? = row?.last else { Issue.record("no WKB for \(cast) \(wkt)"); continue }
                let ours = try #require(read(row?.first), "\(cast) \(wkt)")
                #expect(ours == (try WKB.decode(wkb)), "\(cast) \(wkt)")
            }
        }
        #expect(read(try db.rows("SELECT CompressGeometry(GeomFromText('LINESTRING(0 0,1 2,3 -4)', 4326))").first?.first) == nil)
        #expect(read(try db.rows("SELECT GeomFromText('GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))', 4326)").first?.first) == nil)

        // A layer reads as AsBinary reads it, from plain blobs (Swift) and compressed ones (SpatiaLite).
        for layer in ["roads", "territories"] {
            _ = try t.importLayer(Fixtures.city(layer), layer)
            func asBinary() throws -> [Geometry?] {
                try db.rows("SELECT geoctl_kind, AsBinary(geom) FROM \(layer) ORDER BY fid").map { row throws -> Geometry? in
                    guard case .blob(let wkb) = row[1] else { return nil }
                    guard case .text(let name) = row[0], let kind = GeometryKind(rawValue: name) else { return try WKB.decode(wkb) }
                    return GeometryPromotion.restore(try WKB.decode(wkb), to: kind)
                }
            }
            #expect(try t.features(layer).map(\.geometry) == (try asBinary()))
            try db.transaction { try db.execute("UPDATE \(layer) SET geom = CompressGeometry(geom)") }
            #expect(try db.rows("SELECT geom FROM \(layer) WHERE geom IS NOT NULL").allSatisfy { read($0.first) == nil })
            #expect(try t.features(layer).map(\.geometry) == (try asBinary()))
        }
    }

    @Test("geometry collections (through GeomFromWKB) and null geometries import beside blobs, and the index holds exactly the rows with a geometry")
    func mixedFallback() throws {
        let t = try TemporaryStore()
        let text = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[60.6,56.8]}},
            {"type":"Feature","properties":{"n":2},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[60.7,56.9]},{"type":"LineString","coordinates":[[60.5,56.7],[60.51,56.71]]}]}},
            {"type":"Feature","properties":{"n":3},"geometry":null},
            {"type":"Feature","properties":{"n":5},"geometry":{"type":"LineString","coordinates":[[60.65,56.85],[60.66,56.86]]}}
            ]}
            """
        let file = t.folder + "/mixed.geojson"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try t.importLayer(file, "mixed")
        let s = try #require(t.spatiaLite)
        try expectSoundIndex(s, layer: "mixed")
        #expect(try s.db.scalarText("SELECT count(*) FROM idx_mixed_geom") == "3")
        #expect(try t.features("mixed").map { $0.geometry?.kind } == (try GeoJSONReader(path: file).readAll().map { $0.geometry?.kind }))
        try expectQueryMatchesScan(t, layer: "mixed", box: BoundingBox(minX: 60.45, minY: 56.65, maxX: 60.75, maxY: 56.95))
    }

    @Test("the float rounding of boxes is SQLite's: never inside the double box, at most one float step outside")
    func rounding() {
        var random = SeededRandom(seed: 3)
        for _ in 0 ..< 20_000 {
            let d = Double.random(in: -1000 ... 1000, using: &random)
            let lo = RTreeBulkFill.down(d), hi = RTreeBulkFill.up(d)
            #expect(Double(lo) <= d && Double(hi) >= d)
            #expect(lo.nextUp.nextUp >= Float(d) && hi.nextDown.nextDown <= Float(d))
        }
    }
}
