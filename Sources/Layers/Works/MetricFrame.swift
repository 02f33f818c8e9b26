import GeoCore

/// The local metric CRS the works analyses measure in, as coverage does: the UTM zone of the
/// data (or a CRS given), PROJ sampled on a grid over the data and interpolated within
/// 0.01 mm of PROJ itself; positions the grid does not cover go to PROJ. For a few
/// positions, PROJ alone (see ``positionsWorthAGrid``).
struct MetricFrame: Sendable {
    /// The metric CRS, e.g. `EPSG:32641`.
    let crs: String
    private(set) var grid: InterpolatedProjection?
    /// The lon/lat extent the grid covers when it is made.
    private let extent: BoundingBox

    /// Below this many positions to project, PROJ itself costs less than sampling it on a grid
    /// over the extent (about 0.8 ms for a city, against some 0.3 µs a position through PROJ):
    /// `conflicts` projects only the works of candidate pairs, often a few hundred positions.
    static let positionsWorthAGrid = 3_000

    /// The fewest metres a degree of longitude and of latitude spans in this CRS anywhere
    /// over the extent (sampled at its corners, edge midpoints and centre): a distance of d
    /// metres is at most d / that many degrees, so lon/lat boxes grown by it miss nothing.
    /// (1, 1) for an empty extent.
    let leastMetresPerDegree: (lon: Double, lat: Double)

    /// The frame over `extent`; with `interpolated` false, no grid until ``interpolate(through:)``.
    init(extent: BoundingBox, crs: String?, interpolated: Bool = true) throws {
        self = try Self.made(extent: extent, crs: crs, interpolated: interpolated).frame
    }

    /// The frame, and the PROJ transformer it was made with (lon/lat to the frame's CRS), for
    /// a caller on this thread to reuse: PROJ takes about 0.13 ms to make one.
    static func made(extent: BoundingBox, crs: String?, interpolated: Bool) throws -> (frame: MetricFrame, transformer: CoordinateTransformer) {
        if let crs { try CoordinateTransformer.requireMetric(crs: crs) }
        let target = crs ?? (extent.isEmpty ? "EPSG:32641" : UTMZone(for: extent).crsName)
        let project = try CoordinateTransformer(from: "EPSG:4326", to: target)
        let grid = extent.isEmpty || !interpolated ? nil : try InterpolatedProjection(project, extent: extent, tolerance: 1e-5)
        let least = extent.isEmpty ? (1, 1) : try Self.leastMetresPerDegree(project, over: extent)
        return (MetricFrame(crs: target, grid: grid, extent: extent, leastMetresPerDegree: least), project)
    }

    private init(crs: String, grid: InterpolatedProjection?, extent: BoundingBox, leastMetresPerDegree: (lon: Double, lat: Double)) {
        self.crs = crs
        self.grid = grid
        self.extent = extent
        self.leastMetresPerDegree = leastMetresPerDegree
    }

    /// Samples PROJ on the grid now through `transformer` (the one ``made(extent:crs:interpolated:)``
    /// gave), unless the grid is there already (or the extent is empty).
    mutating func interpolate(through transformer: CoordinateTransformer) throws {
        guard grid == nil, !extent.isEmpty else { return }
        grid = try InterpolatedProjection(transformer, extent: extent, tolerance: 1e-5)
    }

    /// The measured largest deviation of the grid from PROJ, in metres (nil: PROJ throughout).
    var projectionError: Double? { grid?.maximumError }

    /// How the geometries were projected, for the report.
    var method: String {
        let how = grid.map { String(format: "PROJ sampled on a grid, within %.3f mm of PROJ", $0.maximumError * 1000) } ?? "PROJ"
        return "planar in \(crs) (\(how))"
    }

    private static func leastMetresPerDegree(_ t: CoordinateTransformer, over extent: BoundingBox) throws -> (lon: Double, lat: Double) {
        var lon = Double.infinity, lat = Double.infinity
        let e = 1e-3
        for u in [0.0, 0.5, 1.0] {
            for v in [0.0, 0.5, 1.0] {
                let x = extent.minX + u * extent.width, y = extent.minY + v * extent.height
                var flat = [x, y, x + e, y, x, y + e]
                try t.transform(flat: &flat)
                lon = min(lon, ((flat[2] - flat[0]) * (flat[2] - flat[0]) + (flat[3] - flat[1]) * (flat[3] - flat[1])).squareRoot() / e)
                lat = min(lat, ((flat[4] - flat[0]) * (flat[4] - flat[0]) + (flat[5] - flat[1]) * (flat[5] - flat[1])).squareRoot() / e)
            }
        }
        return (lon, lat)
    }

    /// The lon/lat box of `features[i]`'s geometry for every `i` of `indices`, read from its
    /// coordinates; ``BoundingBox/farAwayBox`` for none or an empty one. On every core.
    static func boxes(_ features: [Feature], _ indices: [Int]) throws -> [BoundingBox] {
        try BorrowedElements.with(features) { f in
            try parallelMap(indices.count, minimumForTwo: 4096, slicesPerWorker: 4) { range in
                range.map { f[indices[$0]].geometry.flatBoundingBox ?? .farAwayBox }
            }
        }
    }

    /// A lon/lat box grown by at least `metres` on every side (1% and a centimetre more, as
    /// lon/lat boxes are only a filter); a far-away box stays far away.
    func grown(_ box: BoundingBox, by metres: Double) -> BoundingBox {
        guard box.minX.isFinite else { return box }
        let dLon = (metres * 1.01 + 0.01) / leastMetresPerDegree.lon, dLat = (metres * 1.01 + 0.01) / leastMetresPerDegree.lat
        return BoundingBox(minX: box.minX - dLon, minY: box.minY - dLat, maxX: box.maxX + dLon, maxY: box.maxY + dLat)
    }

    /// Projects flat coordinate arrays into the frame: through the grid, else PROJ (made on
    /// first use). One per thread.
    struct Projector {
        let grid: InterpolatedProjection?
        let crs: String
        var exact: CoordinateTransformer?

        mutating func transform(_ flat: inout [Double]) throws {
            if let grid { try grid.transform(flat: &flat); return }
            if exact == nil { exact = try CoordinateTransformer(from: "EPSG:4326", to: crs) }
            try exact!.transform(flat: &flat)
        }
    }

    func projector() -> Projector { Projector(grid: grid, crs: crs, exact: nil) }

    /// The geometries of `features[i]` for every `i` of `indices` in metres, as flat shapes
    /// (an empty shape for none), on every core: one projection call per core. Without a
    /// grid, a few shapes go through `exact` (this frame's transformer) on this thread.
    func planarShapes(_ features: [Feature], _ indices: [Int], through exact: CoordinateTransformer? = nil) throws -> PlanarShapes {
        if grid == nil, let exact, indices.count < 1024 {
            var shapes = PlanarShapes()
            for i in indices { shapes.append(features[i].geometry) }
            try shapes.transform { try exact.transform(flat: &$0) }
            return shapes
        }
        let chunks = try BorrowedElements.with(features) { f in
            try parallelMap(indices.count, minimumForTwo: 1024, slicesPerWorker: 4) { range -> [PlanarShapes] in
                var project = projector()
                var shapes = PlanarShapes()
                for k in range { shapes.append(f[indices[k]].geometry) }
                try shapes.transform { try project.transform(&$0) }
                return [shapes]
            }
        }
        return chunks.count == 1 ? chunks[0] : PlanarShapes(concatenating: chunks)
    }
}

extension Optional where Wrapped == Geometry {
    /// The lon/lat box, read straight from the coordinate arrays (a building: the pass over
    /// every one of them must not allocate); nil when empty or absent. Inlined and calling
    /// nothing while it reads the arrays in place, so no reference count is touched (see
    /// ``PolygonScratch``); a collection goes the general way.
    @inline(__always)
    var flatBoundingBox: BoundingBox? {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        @inline(__always) func extend(_ c: UnsafeBufferPointer<Double>) {
            var i = 0
            while i + 1 < c.count {
                let x = c[i], y = c[i + 1]
                if x < minX { minX = x }
                if x > maxX { maxX = x }
                if y < minY { minY = y }
                if y > maxY { maxY = y }
                i += 2
            }
        }
        var collection = false
        switch self {
        case .polygon(let p)?: p.coordinates.withUnsafeBufferPointer(extend)
        case .multiPolygon(let m)?: for p in m.polygons { p.coordinates.withUnsafeBufferPointer(extend) }
        case .point(let p)?: (minX, minY, maxX, maxY) = (p.x, p.y, p.x, p.y)
        case .lineString(let l)?: l.coordinates.withUnsafeBufferPointer(extend)
        case .multiLineString(let m)?: m.coordinates.withUnsafeBufferPointer(extend)
        case .multiPoint(let m)?: m.coordinates.withUnsafeBufferPointer(extend)
        case .geometryCollection?: collection = true
        case nil: return nil
        }
        if collection { return self?.boundingBox }
        let box = BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
        return box.isEmpty ? nil : box
    }
}

extension Geometry {
    /// The geometry with every flat coordinate array passed through `body`.
    func mappingFlat(_ body: (inout [Double]) throws -> Void) rethrows -> Geometry {
        switch self {
        case .point(let p):
            var flat = [p.x, p.y]
            try body(&flat)
            return .point(Point(x: flat[0], y: flat[1]))
        case .multiPoint(var m): try body(&m.coordinates); return .multiPoint(m)
        case .lineString(var l): try body(&l.coordinates); return .lineString(l)
        case .multiLineString(var m): try body(&m.coordinates); return .multiLineString(m)
        case .polygon(var p): try body(&p.coordinates); return .polygon(p)
        case .multiPolygon(var m):
            for i in m.polygons.indices { try body(&m.polygons[i].coordinates) }
            return .multiPolygon(m)
        case .geometryCollection(let members): return .geometryCollection(try members.map { try $0.mappingFlat(body) })
        }
    }

    /// Whether the geometry has an inside (polygons).
    var isAreal: Bool { !polygons.isEmpty }
}
