import GeoCore

/// The part a layer plays in an analysis (the buildings of `coverage`, the territories of
/// `check territories`, the layer of a covering rule), with the geometry types it accepts
/// and the kinds it expects. A layer with other geometry types cannot play it (an error);
/// one of another kind, with the right geometry, probably should not (a warning). A layer
/// of kind `other` records no kind, so only its geometry is checked.
public struct LayerRole: Sendable, Hashable {
    /// What the layer is for, as a person says it: "the buildings of coverage".
    public var part: String
    /// The geometry types accepted; empty accepts any.
    public var geometryTypes: Set<GeometryKind>
    /// The kinds expected; empty expects none in particular.
    public var kinds: [LayerKind]

    public init(part: String, geometryTypes: Set<GeometryKind>, kinds: [LayerKind]) {
        self.part = part
        self.geometryTypes = geometryTypes
        self.kinds = kinds
    }

    /// Throws ``LayerRoleError`` when `layer` holds geometry types the role does not accept;
    /// returns a warning when its kind is not one the role expects, else nil.
    public func check(_ layer: LayerInfo) throws(LayerRoleError) -> String? {
        let wrong = layer.geometryKinds.filter { !geometryTypes.isEmpty && !geometryTypes.contains($0) }
        if !wrong.isEmpty {
            throw LayerRoleError(layer: layer.name, kind: layer.kind, geometryTypes: layer.geometryKinds, role: self)
        }
        if !kinds.isEmpty && layer.kind != .other && !kinds.contains(layer.kind) {
            return "layer \"\(layer.name)\" is of kind \(layer.kind.rawValue); \(part) should be of kind \(Self.list(kinds.map(\.rawValue)))"
        }
        return nil
    }

    /// "Polygon or MultiPolygon", in a stable order.
    var acceptedDescription: String {
        Self.list(GeometryKind.allCases.filter(geometryTypes.contains).map(\.rawValue))
    }

    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }
}

/// A layer that cannot play the part asked of it.
public struct LayerRoleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var layer: String
    public var kind: LayerKind
    public var geometryTypes: [GeometryKind]
    public var role: LayerRole

    public var description: String {
        let held = geometryTypes.map(\.rawValue).joined(separator: ", ")
        let kinds = role.kinds.isEmpty ? "" : " (a layer of kind \(LayerRole.list(role.kinds.map(\.rawValue))))"
        return "layer \"\(layer)\" (kind \(kind.rawValue), \(held)) cannot be \(role.part): it needs \(role.acceptedDescription)\(kinds)"
    }
}

extension LayerRole {
    private static let polygons: Set<GeometryKind> = [.polygon, .multiPolygon]
    private static let zones: [LayerKind] = [.territory, .district, .precinct, .boundary]

    /// `coverage --buildings`: outlines.
    public static let coverageBuildings = LayerRole(part: "the buildings of coverage", geometryTypes: polygons, kinds: [.building])
    /// `coverage --sites`: container sites as points.
    public static let coverageSites = LayerRole(part: "the sites of coverage", geometryTypes: [.point, .multiPoint], kinds: [.wasteSite])
    /// `coverage --districts`: areas for the summary.
    public static let coverageDistricts = LayerRole(part: "the districts of coverage", geometryTypes: polygons, kinds: zones)
    /// `coverage --sensitive`: schools, playgrounds, medical organisations, of any shape.
    public static let coverageSensitive = LayerRole(part: "a sensitive-objects layer of coverage", geometryTypes: [], kinds: [.institution, .building])
    /// `check territories LAYER`: responsibility zones.
    public static let checkedTerritories = LayerRole(part: "the territories of check territories", geometryTypes: polygons,
                                                     kinds: [.territory, .district, .precinct])
    /// `check territories --boundary`: the area the territories must tile.
    public static let territoryBoundary = LayerRole(part: "the boundary of check territories", geometryTypes: polygons,
                                                    kinds: [.boundary, .district, .territory])
    /// A routing rule's `covering` layer: zones whose polygon covers the appeal.
    public static let routingCovering = LayerRole(part: "the layer of a covering rule", geometryTypes: polygons, kinds: zones)
}
