/// The file formats `geoctl import` reads, recognised by extension.
public enum SourceFormat: String, Sendable, CaseIterable {
    case geoJSON = "GeoJSON"
    /// RFC 8142 GeoJSON text sequence, one feature per line (`.geojsonl`, `.geojsons`).
    case geoJSONSeq = "GeoJSONSeq"
    case shapefile = "Shapefile"
    case mapInfoTAB = "MapInfo TAB"
    case mapInfoMIF = "MapInfo MIF/MID"
    case geoPackage = "GeoPackage"
    case kml = "KML"
    case csv = "CSV"

    /// The format of `path` by its extension; GeoJSON for anything unrecognised and for `-`.
    public init(path: String) {
        let lower = path.lowercased()
        let ext = lower.split(separator: "/").last.flatMap { name in name.contains(".") ? name.split(separator: ".").last : nil }
        switch ext.map(String.init) {
        case "geojsonl", "geojsons", "geojsonseq", "jsonl", "ndjson": self = .geoJSONSeq
        case "shp", "dbf": self = .shapefile
        case "tab": self = .mapInfoTAB
        case "mif", "mid": self = .mapInfoMIF
        case "gpkg": self = .geoPackage
        case "kml": self = .kml
        case "csv": self = .csv
        default: self = .geoJSON
        }
    }

    /// True for the formats read through GDAL's ogr2ogr.
    public var needsGDAL: Bool { self != .geoJSON && self != .geoJSONSeq }

    /// The extensions `import-dir` picks up as layers (companion files such as `.dbf` or
    /// `.mid` are not layers of their own).
    public static let layerExtensions: Set<String> = ["geojson", "geojsonl", "geojsons", "shp", "tab", "mif", "gpkg", "kml", "csv"]

    /// Whether the format can say which encoding its text is in, and may need `--encoding`.
    var hasLegacyEncoding: Bool {
        switch self {
        case .shapefile, .mapInfoTAB, .mapInfoMIF, .csv: true
        default: false
        }
    }
}
