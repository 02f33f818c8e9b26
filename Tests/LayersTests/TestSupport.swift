import Foundation
import GeoCore
@testable import Layers
import TestSupport

/// A fresh folder with a store in it, removed when the test ends.
final class TemporaryStore {
    let folder: String
    let path: String
    let store: SpatiaLiteStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/store.sqlite"
        store = try SpatiaLiteStore(path: path, create: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

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
        let db = store.db
        var lines = try db.rows("SELECT name, version, feature_count, source_sha256 FROM geoctl_catalog ORDER BY name").map { "\($0)" }
        lines += try db.rows("SELECT f_table_name, geometry_type FROM geometry_columns ORDER BY 1").map { "\($0)" }
        lines += try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { "\($0)" }
        for name in try db.rows("SELECT name FROM geoctl_catalog ORDER BY name").compactMap({ $0[0].text }) {
            lines += try db.rows("SELECT fid, feature_id, properties, hex(geom) FROM \(SQL.identifier(name)) ORDER BY fid").map { "\($0)" }
        }
        return lines
    }
}
