import Foundation
import Testing
import GeoCore
@testable import Layers
@testable import PostGISStore
import TestSupport

/// The store implementations the conformance tests run against: SpatiaLite always,
/// PostGIS when the test cluster runs (see PostgresTestDatabase).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case spatiaLite = "SpatiaLite"
    case postGIS = "PostGIS"

    var testDescription: String { rawValue }

    /// The kinds available in this run.
    static var available: [StoreKind] { PostgresTestDatabase.isAvailable ? [.spatiaLite, .postGIS] : [.spatiaLite] }
}

/// A fresh folder with a store in it (a SpatiaLite file, or a PostGIS schema of its own),
/// removed when the test ends.
final class TemporaryStore {
    let folder: String
    /// The store's location: the SpatiaLite file, or the PostgreSQL URL.
    let path: String
    let store: any LayerStore
    let kind: StoreKind
    private var schema: String?

    init(_ kind: StoreKind = .spatiaLite) throws {
        self.kind = kind
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        switch kind {
        case .spatiaLite:
            path = folder + "/store.sqlite"
            store = try SpatiaLiteStore(path: path, create: true)
        case .postGIS:
            guard let fresh = PostgresTestDatabase.freshSchemaURL() else { throw StoreError.noStore(path: "GEOCTL_TEST_PG") }
            path = fresh.url
            schema = fresh.schema
            store = try PostGISStore(url: path, create: true)
        }
    }

    deinit {
        // Every layer a test imported has a sound spatial index (SQLite's rtreecheck).
        if let s = spatiaLite, let problems = try? s.spatialIndexProblems() {
            for p in problems where p.contains("rtreecheck") { Issue.record("\(p)") }
        }
        try? FileManager.default.removeItem(atPath: folder)
        if let schema { PostgresTestDatabase.dropSchema(schema) }
    }

    var spatiaLite: SpatiaLiteStore? { store as? SpatiaLiteStore }
    var postGIS: PostGISStore? { store as? PostGISStore }

    /// Problems the store's own checks find: empty when it is sound and its catalog agrees
    /// with its tables.
    func problems() throws -> [String] {
        if let s = spatiaLite {
            let integrity = try s.integrityCheck()
            return (integrity == "ok" ? [] : [integrity]) + (try s.catalogProblems())
        }
        return try postGIS!.catalogProblems()
    }

    /// Names of the store's tables whose name contains `fragment` (indexes' tables included).
    func tables(containing fragment: String) throws -> [String] {
        if let s = spatiaLite {
            return try s.db.rows("SELECT name FROM sqlite_master WHERE name LIKE ?", [.text("%\(fragment)%")]).compactMap { $0[0].text }
        }
        let p = postGIS!
        return try p.db.query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND strpos(c.relname, $2) > 0",
                              [p.location.schema, fragment]).rows().compactMap { $0[0] }
    }

    /// How many geometry_columns entries name the table.
    func registrations(of table: String) throws -> Int {
        if let s = spatiaLite {
            return Int(try s.db.scalarText("SELECT count(*) FROM geometry_columns WHERE f_table_name = ?", [.text(table.lowercased())]) ?? "0") ?? 0
        }
        let p = postGIS!
        return Int(try p.db.scalar("SELECT count(*) FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = $2", [p.location.schema, table]) ?? "0") ?? 0
    }

    var importer: LayerImporter { LayerImporter(store: store, sidecarFolder: folder) }

    @discardableResult
    func importLayer(_ file: String, _ layer: String, kind: LayerKind = .other, configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportReport {
        var options = ImportOptions(layer: layer, kind: kind)
        configure(&options)
        return try importer.importFile(file, options: options)
    }

    func features(_ layer: String, filter: FeatureFilter = .all) throws -> [Feature] {
        var all: [Feature] = []
        try store.forEachFeature(of: layer, filter: filter) { all.append($0) }
        return all
    }

    /// Writes features as a GeoJSON file in the folder and returns its path.
    func write(_ features: [Feature], name: String, crs: LegacyCRS? = nil, precision: Int? = nil) throws -> String {
        let path = "\(folder)/\(name)"
        let writer = try GeoJSONWriter(path: path, options: GeoJSONWriteOptions(precision: precision, rightHandRule: false))
        try writer.begin(name: name, crs: crs)
        for f in features { try writer.write(f) }
        try writer.finish()
        return path
    }

    func writeText(_ text: String, name: String) throws -> String {
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// What the store holds, to prove a failed operation changed nothing.
    func snapshot() throws -> [String] {
        if let p = postGIS { return try Self.snapshot(p) }
        let db = spatiaLite!.db
        var lines = try db.rows("SELECT name, version, feature_count, source_sha256 FROM geoctl_catalog ORDER BY name").map { "\($0)" }
        lines += try db.rows("SELECT f_table_name, geometry_type FROM geometry_columns ORDER BY 1").map { "\($0)" }
        lines += try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { "\($0)" }
        for name in try db.rows("SELECT name FROM geoctl_catalog ORDER BY name").compactMap({ $0[0].text }) {
            lines += try db.rows("SELECT fid, feature_id, properties, hex(geom) FROM \(SQL.identifier(name)) ORDER BY fid").map { "\($0)" }
        }
        return lines
    }
}


extension TemporaryStore {
    static func snapshot(_ p: PostGISStore) throws -> [String] {
        let db = p.db
        let s = PGQuote.identifier(p.location.schema)
        var lines = try db.query("SELECT name, version, feature_count, source_sha256 FROM \(s).geoctl_catalog ORDER BY name").rows().map { "\($0)" }
        lines += try db.query("SELECT f_table_name, type, srid FROM geometry_columns WHERE f_table_schema = $1 ORDER BY 1", [p.location.schema]).rows().map { "\($0)" }
        lines += try db.query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1", [p.location.schema]).rows().map { "\($0)" }
        for name in try db.query("SELECT name FROM \(s).geoctl_catalog ORDER BY name").rows().compactMap({ $0[0] }) {
            lines += try db.query("SELECT fid, feature_id::text, properties::text, geoctl_properties, encode(ST_AsEWKB(geom), 'hex') FROM \(s).\(PGQuote.identifier(name)) ORDER BY fid")
                .rows().map { "\($0)" }
        }
        return lines
    }
}
