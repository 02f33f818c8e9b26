import Foundation
import Testing
@testable import Layers

@Suite("SpatiaLite connection")
struct SpatiaLiteConnectionTests {
    @Test("SpatiaLite loads with GEOS and PROJ; spatial metadata and a geometry column work")
    func spatialTable() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try SpatiaLiteConnection(path: path)
        let versions = try db.libraryVersions()
        #expect(versions["spatialite"]?.hasPrefix("5.") == true)
        #expect(versions["geos"]?.hasPrefix("3.") == true)
        #expect(versions["proj"] != nil)
        try db.execute("SELECT InitSpatialMetadata(1, 'WGS84')")
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        try db.execute("SELECT AddGeometryColumn('t', 'geom', 4326, 'MULTIPOLYGON', 'XY')")
        try db.execute("INSERT INTO t (geom) VALUES (CastToMulti(SetSRID(GeomFromText('POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))'), 4326)))")
        #expect(try db.scalarText("SELECT ST_Area(geom) FROM t") == "4.0")
        // A geometry without the column's SRID is refused.
        #expect(throws: StoreError.self) {
            try db.execute("INSERT INTO t (geom) VALUES (CastToMulti(GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))')))")
        }
    }

    @Test("opening a store in a missing folder is a clear error")
    func cannotOpen() {
        #expect(throws: StoreError.self) { try SpatiaLiteConnection(path: "/nonexistent/folder/x.sqlite") }
    }
}
