import GeoCore

/// What a layer holds, as the catalog records it.
public enum LayerKind: String, Sendable, Hashable, CaseIterable, Codable {
    case territory
    case wasteSite = "waste-site"
    case district
    case precinct
    case institution
    case building
    case road
    case works
    case outage
    /// A repaired road or area, with its guarantee period.
    case repair
    case boundary
    case other
}

/// Who may see a layer: restricted layers appear only when a command is told to include them.
public enum Visibility: String, Sendable, Hashable, CaseIterable, Codable {
    case `public`
    case restricted
}

/// The SQL type chosen for a property's typed column.
public enum ColumnType: String, Sendable, Hashable, Codable {
    case integer = "INTEGER"
    case real = "REAL"
    case text = "TEXT"
    /// JSON `true`/`false`, stored as 1/0 in an INTEGER column.
    case boolean = "BOOLEAN"

    /// The declared SQL type.
    public var sqlType: String { self == .boolean ? "INTEGER" : rawValue }
}

/// A property stored in its own typed column (besides the full JSON of every feature).
public struct PropertyColumn: Sendable, Hashable {
    /// The property's name in the GeoJSON.
    public var property: String
    /// The column's name in the layer table (the property name unless that clashes).
    public var column: String
    public var type: ColumnType

    public init(property: String, column: String, type: ColumnType) {
        self.property = property
        self.column = column
        self.type = type
    }
}

/// A layer's catalog entry.
public struct LayerInfo: Sendable, Hashable {
    public var name: String
    public var kind: LayerKind
    public var sphere: String?
    public var owner: String?
    public var visibility: Visibility
    public var featureCount: Int
    /// The geometry kinds present in the source, most frequent first.
    public var geometryKinds: [GeometryKind]
    /// The SpatiaLite geometry column type: POINT, MULTIPOLYGON, GEOMETRY, …
    public var geometryColumnType: String
    public var extent: BoundingBox?
    /// The CRS the source was in (`EPSG:4326` when it was plain GeoJSON).
    public var sourceCRS: String
    public var sourceFile: String
    public var sourceSHA256: String
    /// 1 for the first import, then +1 for each replacement.
    public var version: Int
    /// UTC, ISO 8601.
    public var importedAt: String
    public var columns: [PropertyColumn]
    /// When kind, sphere, owner or visibility last changed without a re-import (`geoctl set`,
    /// or a re-import of an unchanged file with other metadata); UTC, ISO 8601; nil if never.
    public var metadataChangedAt: String?
    /// How many features the import found outside the store's expected region (far off or
    /// swapped lat/lon). A layer with any is not part of the region later imports are
    /// checked against, so accepted outliers cannot widen it.
    public var regionWarnings: Int
    /// The properties holding a works, outage or repair feature's dates (nil: the defaults).
    public var dateFields: DateFieldNames

    public init(name: String, kind: LayerKind, sphere: String?, owner: String?, visibility: Visibility,
                featureCount: Int, geometryKinds: [GeometryKind], geometryColumnType: String, extent: BoundingBox?,
                sourceCRS: String, sourceFile: String, sourceSHA256: String, version: Int, importedAt: String,
                columns: [PropertyColumn], metadataChangedAt: String? = nil, regionWarnings: Int = 0,
                dateFields: DateFieldNames = DateFieldNames()) {
        self.name = name
        self.kind = kind
        self.sphere = sphere
        self.owner = owner
        self.visibility = visibility
        self.featureCount = featureCount
        self.geometryKinds = geometryKinds
        self.geometryColumnType = geometryColumnType
        self.extent = extent
        self.sourceCRS = sourceCRS
        self.sourceFile = sourceFile
        self.sourceSHA256 = sourceSHA256
        self.version = version
        self.importedAt = importedAt
        self.columns = columns
        self.metadataChangedAt = metadataChangedAt
        self.regionWarnings = regionWarnings
        self.dateFields = dateFields
    }

    /// The metadata a user chooses (as opposed to what the import measured).
    public var metadata: LayerMetadata {
        get { LayerMetadata(kind: kind, sphere: sphere, owner: owner, visibility: visibility, dateFields: dateFields) }
        set {
            kind = newValue.kind
            dateFields = newValue.dateFields
            sphere = newValue.sphere
            owner = newValue.owner
            visibility = newValue.visibility
        }
    }
}
