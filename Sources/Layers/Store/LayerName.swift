/// Rules for layer names, which become table names that QGIS and ogr2ogr show.
///
/// A name is 1–63 characters: letters (any script, so `дороги` is fine), digits, `_` and
/// `-`, starting with a letter. Names SQLite, SpatiaLite or geoctl use for themselves are
/// refused. Names are still always quoted in SQL; the rules keep them readable and safe in
/// every tool that lists them.
public enum LayerName {
    static let reservedPrefixes = ["sqlite_", "idx_", "geoctl_", "spatial", "geometry_", "views_", "virts_",
                                   "vector_", "data_licenses", "sql_statements", "spatialite_", "rl2", "wms_",
                                   "topologies", "networks", "raster_", "se_", "iso_", "knn", "elementarygeometries",
                                   "geom_cols", "vector_layers", "splite_", "stored_", "rtopo", "gpkg_", "rtree_"]

    /// Throws when `name` is not an acceptable layer name.
    public static func validate(_ name: String) throws(StoreError) {
        guard !name.isEmpty else { throw .invalidLayerName(name, reason: "it is empty") }
        guard name.count <= 63 else { throw .invalidLayerName(name, reason: "it is longer than 63 characters") }
        guard let first = name.first, first.isLetter else {
            throw .invalidLayerName(name, reason: "it must start with a letter")
        }
        for c in name where !(c.isLetter || c.isNumber || c == "_" || c == "-") {
            throw .invalidLayerName(name, reason: "it may hold only letters, digits, '_' and '-', not \(c.unicodeScalars.first.map { "U+" + String($0.value, radix: 16, uppercase: true) } ?? "?") '\(c)'")
        }
        let lower = name.lowercased()
        for prefix in reservedPrefixes where lower.hasPrefix(prefix) {
            throw .invalidLayerName(name, reason: "names starting with \"\(prefix)\" are reserved for SQLite, SpatiaLite and geoctl")
        }
    }

    /// A valid layer name made from a file name: `Дороги 2024.geojson` → `Дороги_2024`.
    public static func suggested(fromFileName file: String) -> String {
        var base = Substring(file.split(separator: "/").last ?? Substring(file))
        if let dot = base.lastIndex(of: ".") { base = base[..<dot] }
        var name = String(base.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
        if name.first.map({ !$0.isLetter }) ?? true { name = "layer_" + name }
        return String(name.prefix(63))
    }
}

/// SQL quoting: the only way names reach SQL text.
enum SQL {
    /// `name` as a quoted identifier: `"a""b"`.
    static func identifier(_ name: String) -> String {
        "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// `text` as a quoted string literal: `'it''s'`.
    static func literal(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}
