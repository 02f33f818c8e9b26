import GeoCore

/// Where layers live. The SpatiaLite file is the first implementation; a PostGIS store for
/// a whole region is the next. Importers, the router and the analyses use only this.
public protocol LayerStore: AnyObject {
    /// Catalog entries, by name; restricted layers only when asked for.
    func layers(includeRestricted: Bool) throws -> [LayerInfo]
    /// One catalog entry, or nil.
    func layer(named name: String) throws -> LayerInfo?
    /// Calls `body` with every feature of a layer that passes `filter`, in import order.
    func forEachFeature(of layer: String, filter: FeatureFilter, _ body: (Feature) throws -> Void) throws
    /// Writes a whole layer in one transaction (replacing the current one when `replace`),
    /// then records it in the catalog. Either all of it lands or nothing changes.
    func writeLayer(_ layer: LayerInfo, replace: Bool, features: (LayerWriter) throws -> Void) throws -> LayerInfo
    /// Removes a layer and its catalog entry in one transaction.
    func dropLayer(named name: String) throws
    /// Calls `body` with every feature's id, its point (nil unless a Point) and the values of
    /// `properties` (null when absent), in import order: the analyses' fast read of a point layer.
    func forEachPoint(of layer: String, properties: [String], _ body: (FeatureID?, Point?, [JSONValue]) throws -> Void) throws
    /// As ``forEachPoint(of:properties:_:)``, but each row is a ``PointRowCursor`` whose values
    /// are read as bytes or numbers on demand: the fastest read of a large point layer.
    func forEachPointRow(of layer: String, properties: [String], _ body: (PointRowCursor) throws -> Void) throws
    /// A few distinct non-null values of a property, for `show`.
    func sampleValues(of layer: String, column: PropertyColumn, limit: Int) throws -> [String]
    /// Sets a layer's kind, sphere, owner and visibility in one transaction, without touching
    /// its features or version, and records the time in `metadataChangedAt`. Returns the new
    /// entry; throws `StoreError.noSuchLayer` when there is no such layer.
    func updateMetadata(of layer: String, to metadata: LayerMetadata) throws -> LayerInfo
    /// The region set explicitly for the far-off and swapped lat/lon checks (EPSG:4326
    /// lon/lat), or nil when none is set and ``ExpectedRegion`` derives it from the layers.
    func explicitRegion() throws -> BoundingBox?
    /// Stores (or, with nil, clears) the explicit region, in one transaction.
    func setExplicitRegion(_ region: BoundingBox?) throws
}

/// Receives the features of a layer being written.
public protocol LayerWriter {
    func insert(_ feature: Feature) throws
}

/// Which features a read returns.
public struct FeatureFilter: Sendable {
    /// Only features whose bounding box intersects this box (then their geometry too).
    public var bbox: BoundingBox?
    /// Only features whose property (as plain text) equals the value.
    public var equals: (property: String, value: String)?

    public init(bbox: BoundingBox? = nil, equals: (property: String, value: String)? = nil) {
        self.bbox = bbox
        self.equals = equals
    }

    public static let all = FeatureFilter()
}
