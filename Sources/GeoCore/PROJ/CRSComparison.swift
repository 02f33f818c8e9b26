import CPROJ

/// Compares coordinate reference systems as PROJ understands them, to recognise a file's
/// `.prj` or MapInfo CoordSys as a definition kept in the store under a name.
public enum CRSComparison {
    /// True when `a` and `b` describe the same projection of the same ellipsoid.
    ///
    /// First PROJ's own `proj_is_equivalent_to` (axis order of geographic CRSs aside); then,
    /// because an ESRI `.prj` drops the `TOWGS84` datum shift that a local system's PROJ
    /// string carries, two projected CRSs whose conversions (method and parameters) and
    /// ellipsoids agree also match. Unparseable definitions never match.
    public static func sameProjection(_ a: String, _ b: String, context: ProjContext = ProjContext()) -> Bool {
        let ctx = context.handle
        guard let pa = crs(a, ctx) else { return false }
        defer { proj_destroy(pa) }
        guard let pb = crs(b, ctx) else { return false }
        defer { proj_destroy(pb) }
        if proj_is_equivalent_to_with_ctx(ctx, pa, pb, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) != 0 { return true }
        let ua = unbound(pa, ctx), ub = unbound(pb, ctx)
        defer { if ua != pa { proj_destroy(ua) }; if ub != pb { proj_destroy(ub) } }
        if proj_is_equivalent_to_with_ctx(ctx, ua, ub, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) != 0 { return true }
        guard proj_get_type(ua) == PJ_TYPE_PROJECTED_CRS, proj_get_type(ub) == PJ_TYPE_PROJECTED_CRS else { return false }
        guard let ca = proj_crs_get_coordoperation(ctx, ua) else { return false }
        defer { proj_destroy(ca) }
        guard let cb = proj_crs_get_coordoperation(ctx, ub) else { return false }
        defer { proj_destroy(cb) }
        guard proj_is_equivalent_to_with_ctx(ctx, ca, cb, PJ_COMP_EQUIVALENT) != 0 else { return false }
        guard let ea = ellipsoid(ua, ctx), let eb = ellipsoid(ub, ctx) else { return false }
        return abs(ea.semiMajor - eb.semiMajor) < 1e-4 && abs(ea.inverseFlattening - eb.inverseFlattening) < 1e-7
    }

    /// A CRS object for a definition, or nil; a bare `+proj=` string is read as a CRS.
    static func crs(_ definition: String, _ ctx: OpaquePointer) -> OpaquePointer? {
        var text = definition
        if text.hasPrefix("+proj="), !text.contains("+type=crs") { text += " +type=crs" }
        guard let object = proj_create(ctx, text) else { return nil }
        guard proj_is_crs(object) != 0 else { proj_destroy(object); return nil }
        return object
    }

    /// The CRS a BoundCRS (a CRS plus its TOWGS84 shift) is bound from; the CRS itself otherwise.
    private static func unbound(_ object: OpaquePointer, _ ctx: OpaquePointer) -> OpaquePointer {
        guard proj_get_type(object) == PJ_TYPE_BOUND_CRS, let source = proj_get_source_crs(ctx, object) else { return object }
        return source
    }

    private static func ellipsoid(_ crs: OpaquePointer, _ ctx: OpaquePointer) -> (semiMajor: Double, inverseFlattening: Double)? {
        guard let e = proj_get_ellipsoid(ctx, crs) else { return nil }
        defer { proj_destroy(e) }
        var a = 0.0, b = 0.0, computed: Int32 = 0, inverse = 0.0
        guard proj_ellipsoid_get_parameters(ctx, e, &a, &b, &computed, &inverse) != 0 else { return nil }
        return (a, inverse)
    }
}

extension CRSComparison {
    /// The authority code (`EPSG:28411`) PROJ identifies a definition as with full confidence, or nil.
    public static func identify(_ definition: String, context: ProjContext = ProjContext()) -> String? {
        let ctx = context.handle
        guard let object = crs(definition, ctx) else { return nil }
        defer { proj_destroy(object) }
        if let auth = proj_get_id_auth_name(object, 0), let code = proj_get_id_code(object, 0) {
            return "\(String(cString: auth)):\(String(cString: code))"
        }
        var confidence: UnsafeMutablePointer<Int32>?
        guard let list = proj_identify(ctx, object, "EPSG", nil, &confidence) else { return nil }
        defer { proj_list_destroy(list); proj_int_list_destroy(confidence) }
        guard proj_list_get_count(list) > 0, let confidence, confidence[0] == 100,
              let best = proj_list_get(ctx, list, 0) else { return nil }
        defer { proj_destroy(best) }
        guard let auth = proj_get_id_auth_name(best, 0), let code = proj_get_id_code(best, 0) else { return nil }
        return "\(String(cString: auth)):\(String(cString: code))"
    }

    /// The definition as a PROJ string (`+proj=tmerc …`), or nil when PROJ cannot say it so.
    public static func projString(_ definition: String, context: ProjContext = ProjContext()) -> String? {
        let ctx = context.handle
        guard let object = crs(definition, ctx) else { return nil }
        defer { proj_destroy(object) }
        guard let text = proj_as_proj_string(ctx, object, PJ_PROJ_5, nil) else { return nil }
        return String(cString: text).replacingOccurrences(" +type=crs", "")
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
