import CGEOS

/// A GEOS geometry owned by Swift: freed when the object goes away. Holds its context alive.
public final class GEOSGeometry {
    public let context: GEOSContext
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer, context: GEOSContext) {
        self.pointer = pointer
        self.context = context
    }

    deinit {
        GEOSGeom_destroy_r(context.handle, pointer)
    }

    private var h: GEOSContextHandle_t { context.handle }

    // MARK: Properties

    /// The GEOS type name: `Point`, `Polygon`, `MultiPolygon`, …
    public var typeName: String {
        guard let name = GEOSGeomType_r(h, pointer) else { return "Unknown" }
        defer { GEOSFree_r(h, name) }
        return String(cString: name)
    }

    public var isEmpty: Bool { GEOSisEmpty_r(h, pointer) == 1 }

    /// Area in the units of the coordinates, squared.
    public func area() throws(GEOSError) -> Double {
        var value = 0.0
        guard GEOSArea_r(h, pointer, &value) == 1 else { throw context.failure("area") }
        return value
    }

    /// Length (perimeter for polygons) in the units of the coordinates.
    public func length() throws(GEOSError) -> Double {
        var value = 0.0
        guard GEOSLength_r(h, pointer, &value) == 1 else { throw context.failure("length") }
        return value
    }

    /// The shortest distance between the two geometries (0 when they touch or overlap).
    public func distance(to other: GEOSGeometry) throws(GEOSError) -> Double {
        var value = 0.0
        guard GEOSDistance_r(h, pointer, other.pointer, &value) == 1 else { throw context.failure("distance") }
        return value
    }

    /// The bounding box, or nil for an empty geometry.
    public func boundingBox() -> BoundingBox? {
        guard !isEmpty else { return nil }
        var box = BoundingBox.empty
        GEOSGeom_getXMin_r(h, pointer, &box.minX)
        GEOSGeom_getYMin_r(h, pointer, &box.minY)
        GEOSGeom_getXMax_r(h, pointer, &box.maxX)
        GEOSGeom_getYMax_r(h, pointer, &box.maxY)
        return box
    }

    // MARK: Validity

    /// Why a geometry is invalid, as GEOS says, and where.
    public struct ValidityProblem: Sendable, Equatable, CustomStringConvertible {
        /// GEOS's reason, such as `Self-intersection` or `Hole lies outside shell`.
        public var reason: String
        /// Where GEOS found the problem.
        public var location: Point?

        public init(reason: String, location: Point?) {
            self.reason = reason
            self.location = location
        }

        public var description: String {
            guard let location else { return reason }
            return "\(reason) at (\(location.x), \(location.y))"
        }
    }

    /// Nil when the geometry is valid (OGC rules, as GEOS checks them), else the first problem.
    public func validityProblem() throws(GEOSError) -> ValidityProblem? {
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        let result = GEOSisValidDetail_r(h, pointer, 0, &reason, &location)
        defer {
            if let reason { GEOSFree_r(h, reason) }
            if let location { GEOSGeom_destroy_r(h, location) }
        }
        switch result {
        case 1: return nil
        case 0:
            var point: Point?
            if let location {
                var x = 0.0, y = 0.0
                if GEOSGeomGetX_r(h, location, &x) == 1, GEOSGeomGetY_r(h, location, &y) == 1 {
                    point = Point(x: x, y: y)
                }
            }
            return ValidityProblem(reason: reason.map { String(cString: $0) } ?? "invalid", location: point)
        default:
            throw context.failure("validity check")
        }
    }

    public var isValid: Bool { (try? validityProblem()) == nil }

    /// A valid version of the geometry (GEOS's "structure" method: polygons keep their area,
    /// collapsed parts are dropped).
    public func makeValid() throws(GEOSError) -> GEOSGeometry {
        guard let params = GEOSMakeValidParams_create_r(h) else { throw context.failure("make valid") }
        defer { GEOSMakeValidParams_destroy_r(h, params) }
        GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_STRUCTURE)
        GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0)
        return try context.wrap(GEOSMakeValidWithParams_r(h, pointer, params), "make valid")
    }

    // MARK: Constructive operations

    /// The area within `width` of the geometry (negative shrinks polygons).
    public func buffer(_ width: Double, quadrantSegments: Int32 = 8) throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSBuffer_r(h, pointer, width, quadrantSegments), "buffer")
    }

    public func union(_ other: GEOSGeometry) throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSUnion_r(h, pointer, other.pointer), "union")
    }

    /// The union of all parts of this geometry (dissolves a collection).
    public func unaryUnion() throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSUnaryUnion_r(h, pointer), "unary union")
    }

    public func intersection(_ other: GEOSGeometry) throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSIntersection_r(h, pointer, other.pointer), "intersection")
    }

    public func difference(_ other: GEOSGeometry) throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSDifference_r(h, pointer, other.pointer), "difference")
    }

    /// A point guaranteed to lie in the interior of a polygonal geometry.
    public func pointOnSurface() throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSPointOnSurface_r(h, pointer), "point on surface")
    }

    public func centroid() throws(GEOSError) -> GEOSGeometry {
        try context.wrap(GEOSGetCentroid_r(h, pointer), "centroid")
    }

    // MARK: Predicates (DE-9IM)

    private func predicate(_ result: CChar, _ name: String) throws(GEOSError) -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw context.failure(name)
        }
    }

    /// No point of `other` lies outside this geometry: boundary points count as covered
    /// (PostGIS `ST_Covers`).
    public func covers(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSCovers_r(h, pointer, other.pointer), "covers")
    }

    /// `other` lies inside and its interior meets this geometry's interior: a point on the
    /// boundary is not contained (PostGIS `ST_Contains`).
    public func contains(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSContains_r(h, pointer, other.pointer), "contains")
    }

    public func intersects(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSIntersects_r(h, pointer, other.pointer), "intersects")
    }

    public func touches(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSTouches_r(h, pointer, other.pointer), "touches")
    }

    public func equalsTopologically(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSEquals_r(h, pointer, other.pointer), "equals")
    }

    /// A prepared form for many predicate tests against this geometry.
    public func prepared() throws(GEOSError) -> PreparedGeometry {
        guard let p = GEOSPrepare_r(h, pointer) else { throw context.failure("prepare") }
        return PreparedGeometry(base: self, prepared: p)
    }
}

/// A geometry with GEOS's indexes built for repeated predicates (GEOS `PreparedGeometry`).
public final class PreparedGeometry {
    /// The geometry it was prepared from; kept alive as long as the prepared form.
    public let base: GEOSGeometry
    let prepared: OpaquePointer

    init(base: GEOSGeometry, prepared: OpaquePointer) {
        self.base = base
        self.prepared = prepared
    }

    deinit {
        GEOSPreparedGeom_destroy_r(base.context.handle, prepared)
    }

    private func predicate(_ result: CChar, _ name: String) throws(GEOSError) -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw base.context.failure(name)
        }
    }

    /// See ``GEOSGeometry/covers(_:)``.
    public func covers(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSPreparedCovers_r(base.context.handle, prepared, other.pointer), "prepared covers")
    }

    /// See ``GEOSGeometry/contains(_:)``.
    public func contains(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSPreparedContains_r(base.context.handle, prepared, other.pointer), "prepared contains")
    }

    public func intersects(_ other: GEOSGeometry) throws(GEOSError) -> Bool {
        try predicate(GEOSPreparedIntersects_r(base.context.handle, prepared, other.pointer), "prepared intersects")
    }

    /// The shortest distance to `other` (0 when they touch or overlap), using the prepared
    /// geometry's index: the same value as ``GEOSGeometry/distance(to:)``.
    public func distance(to other: GEOSGeometry) throws(GEOSError) -> Double {
        var value = 0.0
        guard GEOSPreparedDistance_r(base.context.handle, prepared, other.pointer, &value) == 1 else {
            throw base.context.failure("prepared distance")
        }
        return value
    }
}
