import CPROJ

/// Transforms coordinates between two CRS that PROJ knows (EPSG codes, PROJ strings, WKT),
/// always in x = longitude/easting, y = latitude/northing order whatever the CRS's
/// official axis order (`proj_normalize_for_visualization`).
///
/// Not `Sendable`: build one per task.
public final class CoordinateTransformer {
    public let source: String
    public let target: String
    private let context: ProjContext
    private let pj: OpaquePointer

    /// A transformer from `source` to `target`, e.g. `EPSG:28412` to `EPSG:4326`. A PROJ
    /// string such as `+proj=tmerc +lon_0=63 … +towgs84=…` is read as a CRS.
    public convenience init(from source: String, to target: String, context: ProjContext = ProjContext()) throws(ProjError) {
        try self.init(from: source, to: target, context: context, shortcuts: true)
    }

    /// With `shortcuts` false, always through proj.db (the tests compare the two).
    init(from source: String, to target: String, context: ProjContext, shortcuts: Bool) throws(ProjError) {
        self.source = source
        self.target = target
        if shortcuts, let definition = Self.utmPipeline(from: source, to: target) {
            // A context of its own that never opens proj.db (the pipeline is a plain PROJ string).
            let own = ProjContext.withoutDatabase()
            if let op = proj_create(own.handle, definition) {
                self.context = own
                pj = op
                return
            }
        }
        self.context = context
        let ctx = context.handle
        if Self.isPipeline(source) {
            pj = try Self.pipeline(source, to: target, ctx, context)
            return
        }
        let src = try Self.crs(source, ctx, context)
        defer { proj_destroy(src) }
        let dst = try Self.crs(target, ctx, context)
        defer { proj_destroy(dst) }
        guard let raw = proj_create_crs_to_crs_from_pj(ctx, src, dst, nil, nil) else {
            throw .noTransformation(from: source, to: target, reason: context.lastMessage())
        }
        defer { proj_destroy(raw) }
        guard let normalized = proj_normalize_for_visualization(ctx, raw) else {
            throw .noTransformation(from: source, to: target, reason: context.lastMessage())
        }
        pj = normalized
    }

    deinit {
        proj_destroy(pj)
    }

    /// True for a PROJ pipeline (`+proj=pipeline …`), as `geoctl crs fit` stores: an operation
    /// from local x/y straight to WGS84 longitude/latitude in degrees, not a CRS.
    public static func isPipeline(_ definition: String) -> Bool {
        definition.trimmingWhitespace().hasPrefix("+proj=pipeline")
    }

    /// WGS84 longitude/latitude to a WGS84 UTM zone (`EPSG:326NN`, `EPSG:327NN`) or back: the
    /// very pipeline PROJ's `proj_create_crs_to_crs` + `proj_normalize_for_visualization` build
    /// for that pair, written out, so that proj.db is never opened: PROJ 9.1 opens it and
    /// parses its schema on a process's first `proj_create`, 8 ms on a quiet machine (up to
    /// 30 under load), then ~1.5 ms per transformer looking the pair up: a tenth of a whole
    /// `geoctl appeals heatmap` process at 10^5 appeals. Results are bit-identical (tested
    /// against the database's pipeline). nil for any other pair.
    static func utmPipeline(from source: String, to target: String) -> String? {
        func zone(_ name: String) -> (number: Int, south: Bool)? {
            guard name.hasPrefix("EPSG:"), let code = Int(name.dropFirst(5)) else { return nil }
            if (32601 ... 32660).contains(code) { return (code - 32600, false) }
            if (32701 ... 32760).contains(code) { return (code - 32700, true) }
            return nil
        }
        func utm(_ z: (number: Int, south: Bool)) -> String { "+proj=utm +zone=\(z.number)\(z.south ? " +south" : "") +ellps=WGS84" }
        if source == "EPSG:4326", let z = zone(target) {
            return "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step \(utm(z))"
        }
        if target == "EPSG:4326", let z = zone(source) {
            return "+proj=pipeline +step +inv \(utm(z)) +step +proj=unitconvert +xy_in=rad +xy_out=deg"
        }
        return nil
    }

    private static func pipeline(_ definition: String, to target: String, _ ctx: OpaquePointer,
                                 _ context: ProjContext) throws(ProjError) -> OpaquePointer {
        let wgs84 = LegacyCRS(name: target)
        guard wgs84.isWGS84 else {
            throw .noTransformation(from: definition, to: target,
                                    reason: "a PROJ pipeline leads to WGS84 longitude/latitude only")
        }
        guard let op = proj_create(ctx, definition) else { throw .unknownCRS(definition, reason: context.lastMessage()) }
        return op
    }

    private static func crs(_ name: String, _ ctx: OpaquePointer, _ context: ProjContext) throws(ProjError) -> OpaquePointer {
        // A bare PROJ string (`+proj=tmerc …`) names a conversion unless it says
        // `+type=crs`; GIS staff mean the CRS, so say it for them.
        var definition = name
        if name.hasPrefix("+proj="), !name.contains("+type=crs") { definition += " +type=crs" }
        guard let object = proj_create(ctx, definition) else {
            throw .unknownCRS(name, reason: context.lastMessage())
        }
        guard proj_is_crs(object) != 0 else {
            proj_destroy(object)
            throw .unknownCRS(name, reason: "it names a PROJ object that is not a coordinate reference system")
        }
        return object
    }

    /// Checks that `name` is a projected CRS whose axes are in metres, so that planar
    /// distances and areas in it are metres and square metres (EPSG:4326 is not).
    public static func requireMetric(crs name: String, context: ProjContext = ProjContext()) throws(ProjError) {
        let ctx = context.handle
        let object = try crs(name, ctx, context)
        defer { proj_destroy(object) }
        var projected = object
        var extracted: OpaquePointer?
        if proj_get_type(object) == PJ_TYPE_COMPOUND_CRS, let horizontal = proj_crs_get_sub_crs(ctx, object, 0) {
            extracted = horizontal
            projected = horizontal
        }
        defer { if let extracted { proj_destroy(extracted) } }
        guard proj_get_type(projected) == PJ_TYPE_PROJECTED_CRS else {
            throw .notMetric(name, reason: "it is not a projected CRS (its coordinates are angles)")
        }
        guard let cs = proj_crs_get_coordinate_system(ctx, projected) else {
            throw .notMetric(name, reason: "PROJ gives it no coordinate system")
        }
        defer { proj_destroy(cs) }
        for axis in 0 ..< proj_cs_get_axis_count(ctx, cs) {
            var factor = 0.0
            var unit: UnsafePointer<CChar>?
            guard proj_cs_get_axis_info(ctx, cs, axis, nil, nil, nil, &factor, &unit, nil, nil) != 0 else {
                throw .notMetric(name, reason: "PROJ cannot describe its axes")
            }
            guard abs(factor - 1) < 1e-12 else {
                throw .notMetric(name, reason: "its axes are in \(unit.map { String(cString: $0) } ?? "units") of \(factor) m, not metres")
            }
        }
    }

    /// Checks that a CRS name is known to PROJ.
    public static func validate(crs name: String, context: ProjContext = ProjContext()) throws(ProjError) {
        if isPipeline(name) {
            let op = try pipeline(name, to: "EPSG:4326", context.handle, context)
            proj_destroy(op)
            return
        }
        let object = try crs(name, context.handle, context)
        proj_destroy(object)
    }

    /// Transforms one position.
    public func transform(x: Double, y: Double) throws(ProjError) -> Point {
        var xy = [x, y]
        try transform(flat: &xy)
        return Point(x: xy[0], y: xy[1])
    }

    /// Transforms interleaved x,y pairs in place in one PROJ call; with `inverse`, from the
    /// target back to the source by the same operation (no second transformer to make: PROJ
    /// takes about 0.13 ms to make one, the cost of some 450 positions).
    public func transform(flat coordinates: inout [Double], inverse: Bool = false) throws(ProjError) {
        let count = coordinates.count / 2
        transformMarkingFailures(flat: &coordinates, inverse: inverse)
        // PROJ marks failed points with HUGE_VAL (infinity).
        for i in 0 ..< count where !coordinates[2 * i].isFinite || !coordinates[2 * i + 1].isFinite {
            throw .transformFailed(index: i, x: coordinates[2 * i], y: coordinates[2 * i + 1], reason: context.lastMessage())
        }
    }

    /// Transforms interleaved x,y pairs in place in one PROJ call, leaving the pairs PROJ
    /// cannot transform infinite instead of failing the whole call (for batches of points,
    /// where one bad row must not fail the others).
    public func transformMarkingFailures(flat coordinates: inout [Double], inverse: Bool = false) {
        let count = coordinates.count / 2
        guard count > 0 else { return }
        let stride = 2 * MemoryLayout<Double>.stride
        coordinates.withUnsafeMutableBufferPointer { buf in
            let base = buf.baseAddress!
            _ = proj_trans_generic(pj, inverse ? PJ_INV : PJ_FWD, base, stride, count, base + 1, stride, count, nil, 0, 0, nil, 0, 0)
        }
    }

    /// Transforms every position of a geometry; with `inverse`, from the target back to the source.
    public func transform(_ geometry: Geometry, inverse: Bool = false) throws(ProjError) -> Geometry {
        switch geometry {
        case .point(let p):
            var xy = [p.x, p.y]
            try transform(flat: &xy, inverse: inverse)
            return .point(Point(x: xy[0], y: xy[1]))
        case .multiPoint(var m):
            try transform(flat: &m.coordinates, inverse: inverse)
            return .multiPoint(m)
        case .lineString(var l):
            try transform(flat: &l.coordinates, inverse: inverse)
            return .lineString(l)
        case .multiLineString(var m):
            try transform(flat: &m.coordinates, inverse: inverse)
            return .multiLineString(m)
        case .polygon(var p):
            try transform(flat: &p.coordinates, inverse: inverse)
            return .polygon(p)
        case .multiPolygon(var m):
            for i in m.polygons.indices { try transform(flat: &m.polygons[i].coordinates, inverse: inverse) }
            return .multiPolygon(m)
        case .geometryCollection(let members):
            var out: [Geometry] = []
            for g in members { out.append(try transform(g, inverse: inverse)) }
            return .geometryCollection(out)
        }
    }
}
