/// Any RFC 7946 geometry as a value.
public enum Geometry: Sendable, Hashable {
    case point(Point)
    case multiPoint(MultiPoint)
    case lineString(LineString)
    case multiLineString(MultiLineString)
    case polygon(Polygon)
    case multiPolygon(MultiPolygon)
    case geometryCollection([Geometry])

    /// The GeoJSON `type` name: `Point`, `MultiPolygon`, …
    public var typeName: String { kind.rawValue }

    /// The geometry's kind without its coordinates.
    public var kind: GeometryKind {
        switch self {
        case .point: .point
        case .multiPoint: .multiPoint
        case .lineString: .lineString
        case .multiLineString: .multiLineString
        case .polygon: .polygon
        case .multiPolygon: .multiPolygon
        case .geometryCollection: .geometryCollection
        }
    }

    /// The smallest box holding every position, or `nil` for an empty collection.
    public var boundingBox: BoundingBox? {
        var box = BoundingBox.empty
        forEachFlatArray { box.extend(flat: $0) }
        return box.isEmpty ? nil : box
    }

    /// Calls `body` with every flat x,y array the geometry holds (one per part).
    public func forEachFlatArray(_ body: ([Double]) throws -> Void) rethrows {
        switch self {
        case .point(let p): try body([p.x, p.y])
        case .multiPoint(let m): try body(m.coordinates)
        case .lineString(let l): try body(l.coordinates)
        case .multiLineString(let m): try body(m.coordinates)
        case .polygon(let p): try body(p.coordinates)
        case .multiPolygon(let m): for p in m.polygons { try body(p.coordinates) }
        case .geometryCollection(let gs): for g in gs { try g.forEachFlatArray(body) }
        }
    }

    /// Number of positions in the geometry.
    public var pointCount: Int {
        var n = 0
        forEachFlatArray { n += $0.count / 2 }
        return n
    }

    /// The polygons of a `Polygon` or `MultiPolygon`; empty for other kinds.
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): [p]
        case .multiPolygon(let m): m.polygons
        default: []
        }
    }
}

/// The seven RFC 7946 geometry types; the raw value is the GeoJSON `type` string.
public enum GeometryKind: String, Sendable, Hashable, CaseIterable, Codable {
    case point = "Point"
    case multiPoint = "MultiPoint"
    case lineString = "LineString"
    case multiLineString = "MultiLineString"
    case polygon = "Polygon"
    case multiPolygon = "MultiPolygon"
    case geometryCollection = "GeometryCollection"
}
