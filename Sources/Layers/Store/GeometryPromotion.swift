import GeoCore

/// A SpatiaLite geometry column holds one type, while a GeoJSON layer may mix Polygon and
/// MultiPolygon. The column takes the Multi type; single geometries are stored as one-part
/// Multi geometries, and `geoctl_kind` remembers what each feature was so reads give it back.
public enum GeometryPromotion {
    /// The column type for the kinds present: the single type when only one, its Multi type
    /// when single and Multi of one dimension mix, `GEOMETRY` for anything else.
    public static func columnType(for kinds: Set<GeometryKind>) -> String {
        if kinds.isEmpty { return "GEOMETRY" }
        if kinds.count == 1, let k = kinds.first, k != .geometryCollection { return k.rawValue.uppercased() }
        if kinds.isSubset(of: [.point, .multiPoint]) { return "MULTIPOINT" }
        if kinds.isSubset(of: [.lineString, .multiLineString]) { return "MULTILINESTRING" }
        if kinds.isSubset(of: [.polygon, .multiPolygon]) { return "MULTIPOLYGON" }
        return "GEOMETRY"
    }

    /// The geometry in the form the column takes.
    public static func promote(_ g: Geometry, toColumn type: String) -> Geometry {
        switch (g, type) {
        case (.point(let p), "MULTIPOINT"): .multiPoint(MultiPoint(coordinates: [p.x, p.y]))
        case (.lineString(let l), "MULTILINESTRING"): .multiLineString(MultiLineString(lines: [l]))
        case (.polygon(let p), "MULTIPOLYGON"): .multiPolygon(MultiPolygon(polygons: [p]))
        default: g
        }
    }

    /// The geometry as the feature had it before promotion.
    public static func restore(_ g: Geometry, to kind: GeometryKind) -> Geometry {
        switch (g, kind) {
        case (.multiPoint(let m), .point) where m.pointCount == 1: .point(Point(x: m.coordinates[0], y: m.coordinates[1]))
        case (.multiLineString(let m), .lineString) where m.lineCount == 1: .lineString(m.line(0))
        case (.multiPolygon(let m), .polygon) where m.polygons.count == 1: .polygon(m.polygons[0])
        default: g
        }
    }
}
