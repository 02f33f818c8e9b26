import GeoCore

/// Per-layer metadata for `import-dir`, from a YAML or JSON file:
///
/// ```yaml
/// defaults: {kind: other, visibility: public}
/// layers:
///   - file: territories.geojson   # relative to the folder
///     layer: territories          # default: made from the file name
///     kind: territory
///     sphere: housing
///     owner: Администрация города
///     visibility: public          # or restricted
///     from_crs: EPSG:28411
///     id_field: code
///     on_invalid: reject          # or repair, skip
///     start_field: begins         # works, outages, repairs: where the dates are
///     end_field: ends             # (defaults start, end, guarantee_until)
///     guarantee_field: warranty_to
///   - file: roads.shp             # Shapefile, MapInfo, GeoPackage, KML, CSV via ogr2ogr
///     encoding: cp1251            # over what the file declares
///     source_layer: roads         # one layer of a GeoPackage or KML
/// ```
public struct Manifest: Sendable {
    public struct Entry: Sendable {
        public var file: String
        public var layer: String?
        public var kind: LayerKind?
        public var sphere: String?
        public var owner: String?
        public var visibility: Visibility?
        public var fromCRS: String?
        public var idField: String?
        public var onInvalid: InvalidGeometryPolicy?
        public var encoding: String?
        public var sourceLayer: String?
        public var dateFields = DateFieldNames()
    }

    public var defaults: Entry
    public var entries: [Entry]

    /// An empty manifest: every file imported with the defaults.
    public init() {
        defaults = Entry(file: "")
        entries = []
    }

    /// Reads a manifest; `.json` files as JSON, anything else as YAML.
    public init(path: String) throws(ManifestError) {
        let value: JSONValue
        do { value = try StructuredFile.load(path) } catch { throw ManifestError(file: path, reason: error.reason, isIOError: error.isIOError) }
        try self.init(value, file: path)
    }

    init(_ value: JSONValue, file: String) throws(ManifestError) {
        do throws(ConfigurationError) {
            let root = try ConfigurationReader(value, file: file, position: "manifest", allowed: ["defaults", "layers"])
            defaults = try Self.entry(root.object["defaults"] ?? .object([:]), file: file, position: "defaults", needsFile: false)
            guard case .array(let items)? = root.object["layers"] else {
                throw ConfigurationError(file: file, reason: "\"layers\" must be a list")
            }
            var entries: [Entry] = []
            for (i, item) in items.enumerated() {
                entries.append(try Self.entry(item, file: file, position: "layers[\(i)]", needsFile: true))
            }
            self.entries = entries
        } catch {
            throw ManifestError(file: file, reason: error.reason)
        }
    }

    private static let keys: Set<String> = ["file", "layer", "kind", "sphere", "owner", "visibility", "from_crs", "id_field", "on_invalid", "encoding", "source_layer",
                                                  "start_field", "end_field", "guarantee_field"]

    private static func entry(_ value: JSONValue, file: String, position: String, needsFile: Bool) throws(ConfigurationError) -> Entry {
        let r = try ConfigurationReader(value, file: file, position: position, allowed: keys)
        var e = Entry(file: try r.text("file") ?? "")
        if needsFile && e.file.isEmpty { throw ConfigurationError(file: file, reason: "\(position) has no \"file\"") }
        e.layer = try r.text("layer")
        if let k = try r.text("kind") {
            guard let kind = LayerKind(rawValue: k) else {
                throw r.fail(".kind \"\(k)\" is not one of \(LayerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            e.kind = kind
        }
        e.sphere = try r.text("sphere")
        e.owner = try r.text("owner")
        if let v = try r.text("visibility") {
            guard let visibility = Visibility(rawValue: v) else { throw r.fail(".visibility must be public or restricted") }
            e.visibility = visibility
        }
        e.fromCRS = try r.text("from_crs")
        e.idField = try r.text("id_field")
        e.encoding = try r.text("encoding")
        e.sourceLayer = try r.text("source_layer")
        e.dateFields = DateFieldNames(start: try r.text("start_field"), end: try r.text("end_field"), guarantee: try r.text("guarantee_field"))
        if let p = try r.text("on_invalid") {
            guard let policy = InvalidGeometryPolicy(rawValue: p) else { throw r.fail(".on_invalid must be reject, repair or skip") }
            e.onInvalid = policy
        }
        return e
    }

    /// The options for one file: its entry over the defaults over the built-in defaults.
    public func options(for file: String, replace: Bool, onInvalid: InvalidGeometryPolicy?) -> ImportOptions {
        let e = entries.first { $0.file == file } ?? Entry(file: file)
        var options = ImportOptions(
            layer: e.layer ?? defaults.layer.map { "\($0)_\(LayerName.suggested(fromFileName: file))" } ?? LayerName.suggested(fromFileName: file),
            kind: e.kind ?? defaults.kind ?? .other,
            sphere: e.sphere ?? defaults.sphere, owner: e.owner ?? defaults.owner,
            visibility: e.visibility ?? defaults.visibility,
            fromCRS: e.fromCRS ?? defaults.fromCRS, idField: e.idField ?? defaults.idField,
            onInvalid: onInvalid ?? e.onInvalid ?? defaults.onInvalid ?? .reject, replace: replace)
        options.encoding = e.encoding ?? defaults.encoding
        options.sourceLayer = e.sourceLayer
        options.dateFields = DateFieldNames(start: e.dateFields.start ?? defaults.dateFields.start,
                                            end: e.dateFields.end ?? defaults.dateFields.end,
                                            guarantee: e.dateFields.guarantee ?? defaults.dateFields.guarantee)
        return options
    }
}

/// A manifest that cannot be used.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String
    /// True when the file could not be read at all.
    public var isIOError: Bool = false
    public var description: String { "\(file): \(reason)" }
}
