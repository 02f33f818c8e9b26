import GeoCore

/// One thing a check found wrong with a layer: where it is, which features and organisations
/// it concerns, and how large it is.
public struct CheckProblem: Sendable, Equatable {
    /// What was found.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Two features of different organisations claim the same ground.
        case overlap
        /// Ground inside the boundary that no feature covers.
        case gap
        /// Ground a feature claims outside the boundary.
        case outsideBoundary = "outside_boundary"
        /// Two features of the same organisation overlap: no routing conflict, but double ground.
        case sameOrganisationOverlap = "same_organisation_overlap"
        /// GEOS finds the geometry invalid (reason and location in the detail).
        case invalidGeometry = "invalid_geometry"
        /// A geometry without positions.
        case emptyGeometry = "empty_geometry"
        /// A feature with `"geometry": null`.
        case nullGeometry = "null_geometry"
        /// A geometry that is not a polygon where a polygon is needed.
        case notPolygonal = "not_polygonal"
        /// Two or more features share an id.
        case duplicateID = "duplicate_id"
        /// The layer mixes points, lines and polygons.
        case mixedGeometryTypes = "mixed_geometry_types"
        /// A feature far from the region of the store's other layers.
        case outsideRegion = "outside_region"
        /// A feature that lies in the expected region once its lon/lat are swapped.
        case swappedCoordinates = "swapped_lat_lon"
        /// A feature without the organisation property.
        case missingOrganisation = "missing_organisation"
    }

    /// How much it matters.
    public enum Severity: String, Sendable, Codable, Comparable {
        /// A real problem: the check exits non-zero.
        case problem
        /// An overlap or gap below the area threshold: digitising noise, reported apart.
        case sliver
        /// Worth knowing, not wrong (e.g. Polygons mixed with MultiPolygons).
        case notice

        private var rank: Int {
            switch self {
            case .problem: 0
            case .sliver: 1
            case .notice: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var kind: Kind
    public var severity: Severity
    /// The features concerned, by position in the layer.
    public var features: [FeatureReference]
    /// The organisations concerned: both sides of an overlap, those around a gap.
    public var organisations: [String]
    /// The area in square metres, for overlaps, gaps and ground outside the boundary.
    public var areaSquareMetres: Double?
    /// Where, in WGS84 lon/lat: the overlap or gap itself, or the point GEOS named.
    public var geometry: Geometry?
    /// One sentence a GIS specialist can act on.
    public var detail: String

    public init(kind: Kind, severity: Severity, features: [FeatureReference] = [], organisations: [String] = [],
                areaSquareMetres: Double? = nil, geometry: Geometry? = nil, detail: String) {
        self.kind = kind
        self.severity = severity
        self.features = features
        self.organisations = organisations
        self.areaSquareMetres = areaSquareMetres
        self.geometry = geometry
        self.detail = detail
    }
}

extension CheckProblem {
    /// The `invalid_geometry` problem for `g` when GEOS finds it invalid (or cannot even
    /// build it), placed where GEOS says, else at the geometry's box centre; nil when valid.
    static func invalidity(of g: Geometry, _ ref: FeatureReference, geos: GEOSContext) -> CheckProblem? {
        let reason: GEOSGeometry.ValidityProblem?
        do { reason = try geos.geometry(g).validityProblem() } catch {
            reason = .init(reason: error.message, location: nil)
        }
        guard let reason else { return nil }
        return CheckProblem(kind: .invalidGeometry, severity: .problem, features: [ref],
                            geometry: reason.location.map { .point($0) } ?? g.boundingBox.map { .point($0.center) },
                            detail: "\(ref) is invalid: \(reason)")
    }
}

/// A feature of the checked layer: its 0-based position (as the import numbered it) and its id.
public struct FeatureReference: Sendable, Hashable, CustomStringConvertible {
    public var index: Int
    public var id: FeatureID?

    public init(index: Int, id: FeatureID?) {
        self.index = index
        self.id = id
    }

    public var description: String { "feature \(index)\(id.map { " (id \($0))" } ?? "")" }

    /// One reference per feature, in order; the id is the `idField` property (as text) when
    /// one is named, else the GeoJSON id.
    static func all(_ features: [Feature], idField: String?) -> [FeatureReference] {
        features.enumerated().map { i, f in
            FeatureReference(index: i, id: idField.map { f.properties[$0]?.plainText.map(FeatureID.string) } ?? f.id)
        }
    }
}
