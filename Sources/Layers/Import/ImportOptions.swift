import GeoCore

/// What to do with features whose geometry GEOS finds invalid.
public enum InvalidGeometryPolicy: String, Sendable, CaseIterable {
    /// List every invalid feature and import nothing (the default).
    case reject
    /// Make them valid (GEOS MakeValid, "structure" method) and report what changed.
    case repair
    /// Import the rest; write the invalid ones to a sidecar GeoJSON file.
    case skip
}

/// How one GeoJSON source becomes a layer.
public struct ImportOptions: Sendable {
    public var layer: String
    public var kind: LayerKind
    /// The sphere, owner and visibility. nil (not named) keeps the layer's current value when
    /// it exists (a new layer gets none, and public); an empty sphere or owner clears it. So a
    /// routine `--replace` never publishes a restricted layer or drops its owner by omission.
    public var sphere: String?
    public var owner: String?
    public var visibility: Visibility?
    /// The source CRS when the file does not say (or says wrongly): `EPSG:28411`, a PROJ string…
    public var fromCRS: String?
    /// Take each feature's id from this property instead of the GeoJSON `id`.
    public var idField: String?
    public var onInvalid: InvalidGeometryPolicy
    /// Replace an existing layer of that name (its version goes up by one).
    public var replace: Bool
    /// Where `skip` writes rejected features; default `<store folder>/<layer>.rejected.geojson`.
    public var rejectedPath: String?
    /// The layer to read from a file holding several (a GeoPackage, a KML with folders).
    public var sourceLayer: String?
    /// The text encoding of a Shapefile, MapInfo or CSV file, over what the file declares.
    public var encoding: String?
    /// A CSV's longitude/easting and latitude/northing columns, when not lon/lat, x/y…
    public var xField: String?
    public var yField: String?
    /// A CSV's WKT geometry column, when not wkt/geom/geometry.
    public var wktField: String?
    /// For works, outages and repairs: the properties holding the dates, kept in the catalog.
    public var dateFields = DateFieldNames()

    public init(layer: String, kind: LayerKind, sphere: String? = nil, owner: String? = nil,
                visibility: Visibility? = nil, fromCRS: String? = nil, idField: String? = nil,
                onInvalid: InvalidGeometryPolicy = .reject, replace: Bool = false, rejectedPath: String? = nil) {
        self.layer = layer
        self.kind = kind
        self.sphere = sphere
        self.owner = owner
        self.visibility = visibility
        self.fromCRS = fromCRS
        self.idField = idField
        self.onInvalid = onInvalid
        self.replace = replace
        self.rejectedPath = rejectedPath
    }
}

extension ImportOptions {
    /// The metadata this import gives the layer: what it names, the rest from `existing`.
    func metadata(over existing: LayerInfo?) -> LayerMetadata {
        func text(_ given: String?, _ current: String?) -> String? {
            guard let given else { return current }
            return given.isEmpty ? nil : given
        }
        let current = existing?.dateFields ?? DateFieldNames()
        return LayerMetadata(kind: kind, sphere: text(sphere, existing?.sphere), owner: text(owner, existing?.owner),
                             visibility: visibility ?? existing?.visibility ?? .public,
                             dateFields: DateFieldNames(start: text(dateFields.start, current.start), end: text(dateFields.end, current.end),
                                                        guarantee: text(dateFields.guarantee, current.guarantee)))
    }
}

/// Where an import is, for a progress bar.
public struct ImportProgress: Sendable {
    public enum Phase: String, Sendable { case hashing, checking, writing }
    public var phase: Phase
    public var bytesDone: Int
    public var bytesTotal: Int?
    public var features: Int
}
