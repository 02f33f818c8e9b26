import GeoCore

/// A geometry in metres, flat, for the distance test `affected` runs on every candidate
/// building: no allocation per building once the buffers have grown, no GEOS object. The
/// measuring itself is ``PlanarShapeView``'s, on the arrays read in place.
struct PlanarShape {
    /// x,y of every position.
    var xy: [Double] = []
    /// Part `k` spans positions `parts[2k] ..< parts[2k + 1]`.
    var parts: [Int32] = []
    /// Polygon `p` has parts `polygons[2p] ..< polygons[2p + 1]` (its rings).
    var polygons: [Int32] = []
    /// The box around every position (empty: +inf/-inf), set by ``load(_:_:)``.
    var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity

    var isAreal: Bool { !polygons.isEmpty }
    /// No position at all (a feature without geometry).
    var isEmpty: Bool { xy.isEmpty }

    /// Replaces the contents with `g`, its coordinates passed through `transform`.
    mutating func load(_ g: Geometry, _ transform: (inout [Double]) throws -> Void) rethrows {
        xy.removeAll(keepingCapacity: true)
        parts.removeAll(keepingCapacity: true)
        polygons.removeAll(keepingCapacity: true)
        PlanarShapeView.append(g, xy: &xy, parts: &parts, polygons: &polygons)
        try transform(&xy)
        var box = BoundingBox.empty
        box.extend(flat: xy)
        (minX, minY, maxX, maxY) = (box.minX, box.minY, box.maxX, box.maxY)
    }

    /// Replaces the contents with one polygon given flat (x, y interleaved, rings starting at
    /// `ringStarts`, in positions), its coordinates passed through `transform`: what
    /// ``load(_:_:)`` does for a `.polygon`, from a ``PolygonScratch``.
    mutating func load(polygon flat: UnsafeBufferPointer<Double>, ringStarts: UnsafeBufferPointer<Int>,
                       _ transform: (inout [Double]) throws -> Void) rethrows {
        xy.removeAll(keepingCapacity: true)
        parts.removeAll(keepingCapacity: true)
        polygons.removeAll(keepingCapacity: true)
        polygons.append(0)
        xy.append(contentsOf: flat)
        let n = flat.count / 2
        for r in 0 ..< ringStarts.count {
            parts.append(Int32(ringStarts[r]))
            parts.append(Int32(r + 1 < ringStarts.count ? ringStarts[r + 1] : n))
        }
        polygons.append(Int32(parts.count / 2))
        try transform(&xy)
        var box = BoundingBox.empty
        box.extend(flat: xy)
        (minX, minY, maxX, maxY) = (box.minX, box.minY, box.maxX, box.maxY)
    }

    /// Calls `body` with the shape read in place (valid only inside `body`).
    @inline(__always)
    func withView<R>(_ body: (PlanarShapeView) throws -> R) rethrows -> R {
        try xy.withUnsafeBufferPointer { p in
            try parts.withUnsafeBufferPointer { r in
                try polygons.withUnsafeBufferPointer { g in
                    try body(PlanarShapeView(xy: p, parts: r, polygons: g, minX: minX, minY: minY, maxX: maxX, maxY: maxY))
                }
            }
        }
    }

    /// The distance between the two shapes' boxes (see ``PlanarShapeView/boxGap(_:_:)``).
    static func boxGap(_ a: PlanarShape, _ b: PlanarShape) -> Double {
        a.withView { va in b.withView { vb in PlanarShapeView.boxGap(va, vb) } }
    }

    /// The least distance between the two shapes (see ``PlanarShapeView/distance(_:_:)``).
    static func distance(_ a: PlanarShape, _ b: PlanarShape) -> Double {
        a.withView { va in b.withView { vb in PlanarShapeView.distance(va, vb) } }
    }
}

/// One shape in metres read in place, from a ``PlanarShape`` or from ``PlanarShapes``:
/// pointers only, so the hot loops of `affected` and `conflicts` count no references (two
/// cores retaining the same shared arrays contend for their counts).
///
/// The distance is GEOS's (`GEOSDistance`): 0 when the shapes intersect, touching included
/// (a vertex of one inside or on the other, or two edges crossing or touching, decided by
/// ``RobustOrientation`` exactly), else the least distance between their edges and points.
/// The tests compare it with GEOS on every fixture pair.
struct PlanarShapeView: @unchecked Sendable {
    /// x,y of every position.
    let xy: UnsafeBufferPointer<Double>
    /// Part `k` spans positions `parts[2k] ..< parts[2k + 1]`.
    let parts: UnsafeBufferPointer<Int32>
    /// Polygon `p` has parts `polygons[2p] ..< polygons[2p + 1]`.
    let polygons: UnsafeBufferPointer<Int32>
    let minX: Double, minY: Double, maxX: Double, maxY: Double

    var isAreal: Bool { !polygons.isEmpty }
    var isEmpty: Bool { xy.isEmpty }

    /// Appends `g`'s positions to `xy` and its parts and polygons, numbered from the shape's
    /// first position and first part (`xy`, `parts` and `polygons` hold only this shape's so
    /// far, or `positionBase`/`partBase` say where it starts).
    static func append(_ g: Geometry, xy: inout [Double], parts: inout [Int32], polygons: inout [Int32],
                       positionBase: Int = 0, partBase: Int = 0) {
        func part(_ flat: ArraySlice<Double>) {
            parts.append(Int32(xy.count / 2 - positionBase))
            xy.append(contentsOf: flat)
            parts.append(Int32(xy.count / 2 - positionBase))
        }
        func polygon(_ p: Polygon) {
            polygons.append(Int32(parts.count / 2 - partBase))
            let first = xy.count / 2 - positionBase
            xy.append(contentsOf: p.coordinates)
            let n = p.coordinates.count / 2
            for r in 0 ..< p.ringStarts.count {
                parts.append(Int32(first + p.ringStarts[r]))
                parts.append(Int32(first + (r + 1 < p.ringStarts.count ? p.ringStarts[r + 1] : n)))
            }
            polygons.append(Int32(parts.count / 2 - partBase))
        }
        switch g {
        case .point(let p):
            parts.append(Int32(xy.count / 2 - positionBase))
            xy.append(p.x)
            xy.append(p.y)
            parts.append(Int32(xy.count / 2 - positionBase))
        case .multiPoint(let m):
            var k = 0
            while k + 1 < m.coordinates.count { part(m.coordinates[k ..< k + 2]); k += 2 }
        case .lineString(let l): part(l.coordinates[...])
        case .multiLineString(let m):
            for (n, start) in m.lineStarts.enumerated() {
                let end = n + 1 < m.lineStarts.count ? m.lineStarts[n + 1] : m.coordinates.count / 2
                part(m.coordinates[(2 * start) ..< (2 * end)])
            }
        case .polygon(let p): polygon(p)
        case .multiPolygon(let m): for p in m.polygons { polygon(p) }
        case .geometryCollection(let members):
            for m in members { append(m, xy: &xy, parts: &parts, polygons: &polygons, positionBase: positionBase, partBase: partBase) }
        }
    }

    /// The distance between the two shapes' boxes: never more than the shapes' own distance,
    /// so a shape whose box is further than a buffer is further too.
    @inline(__always)
    static func boxGap(_ a: PlanarShapeView, _ b: PlanarShapeView) -> Double {
        let dx = Swift.max(0, Swift.max(a.minX - b.maxX, b.minX - a.maxX))
        let dy = Swift.max(0, Swift.max(a.minY - b.maxY, b.minY - a.maxY))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Whether (x, y) lies inside one of the polygons (even-odd over its rings; a point on
    /// an edge may go either way: the edge distance, 0, decides then).
    func contains(_ x: Double, _ y: Double) -> Bool {
        // Outside the box is outside every polygon (and on its edge the edge distance decides).
        if x < minX || x > maxX || y < minY || y > maxY { return false }
        let c = xy
        var p = 0
        while p + 1 < polygons.count {
            var inside = false
            for r in Int(polygons[p]) ..< Int(polygons[p + 1]) {
                var k = Int(parts[2 * r])
                let end = Int(parts[2 * r + 1])
                while k + 1 < end {
                    let x1 = c[2 * k], y1 = c[2 * k + 1], x2 = c[2 * k + 2], y2 = c[2 * k + 3]
                    if (y1 > y) != (y2 > y), x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) { inside.toggle() }
                    k += 1
                }
            }
            if inside { return true }
            p += 2
        }
        return false
    }

    /// The least distance between the two shapes; 0 when they intersect or touch.
    ///
    /// A pair of segments whose boxes lie further apart than the best distance so far cannot
    /// improve it and is skipped (a box gap never exceeds the segments' distance; the margin
    /// keeps rounding from skipping a pair that ties), so the result is the one the full
    /// comparison gives.
    static func distance(_ a: PlanarShapeView, _ b: PlanarShapeView) -> Double {
        if a.isAreal && b.hasPosition(inside: a) { return 0 }
        if b.isAreal && a.hasPosition(inside: b) { return 0 }
        var best = Double.infinity
        var bound = Double.infinity
        let p = a.xy, q = b.xy
        var i = 0
        search: while i + 1 < a.parts.count {
            let ai = Int(a.parts[i]), ae = Int(a.parts[i + 1])
            i += 2
            guard ae > ai else { continue }
            var j = 0
            while j + 1 < b.parts.count {
                let bj = Int(b.parts[j]), be = Int(b.parts[j + 1])
                j += 2
                guard be > bj else { continue }
                var s = ai
                repeat {
                    let s2 = ae - ai == 1 ? s : s + 1
                    let p1x = p[2 * s], p1y = p[2 * s + 1], p2x = p[2 * s2], p2y = p[2 * s2 + 1]
                    let pminX = Swift.min(p1x, p2x), pmaxX = Swift.max(p1x, p2x)
                    let pminY = Swift.min(p1y, p2y), pmaxY = Swift.max(p1y, p2y)
                    var t = bj
                    repeat {
                        let t2 = be - bj == 1 ? t : t + 1
                        let q1x = q[2 * t], q1y = q[2 * t + 1], q2x = q[2 * t2], q2y = q[2 * t2 + 1]
                        let gx = Swift.max(0, Swift.max(pminX - Swift.max(q1x, q2x), Swift.min(q1x, q2x) - pmaxX))
                        let gy = Swift.max(0, Swift.max(pminY - Swift.max(q1y, q2y), Swift.min(q1y, q2y) - pmaxY))
                        if gx * gx + gy * gy <= bound {
                            let d = segments(p1x, p1y, p2x, p2y, q1x, q1y, q2x, q2y)
                            if d < best {
                                best = d
                                bound = d * d * (1 + 1e-9) + 1e-18
                            }
                            if best == 0 { break search }
                        }
                        t += 1
                    } while t + 1 < be
                    s += 1
                } while s + 1 < ae
            }
        }
        return best
    }

    private func hasPosition(inside other: PlanarShapeView) -> Bool {
        var k = 0
        while k + 1 < xy.count {
            if other.contains(xy[k], xy[k + 1]) { return true }
            k += 2
        }
        return false
    }

    /// Distance between segments p1p2 and q1q2 (either may be a point): 0 when they meet.
    @inline(__always)
    static func segments(_ p1x: Double, _ p1y: Double, _ p2x: Double, _ p2y: Double,
                         _ q1x: Double, _ q1y: Double, _ q2x: Double, _ q2y: Double) -> Double {
        let pPoint = p1x == p2x && p1y == p2y, qPoint = q1x == q2x && q1y == q2y
        if !pPoint && !qPoint {
            let o1 = RobustOrientation.index(p1x, p1y, p2x, p2y, q1x, q1y)
            let o2 = RobustOrientation.index(p1x, p1y, p2x, p2y, q2x, q2y)
            let o3 = RobustOrientation.index(q1x, q1y, q2x, q2y, p1x, p1y)
            let o4 = RobustOrientation.index(q1x, q1y, q2x, q2y, p2x, p2y)
            if o1 * o2 <= 0 && o3 * o4 <= 0 {
                if o1 != 0 || o2 != 0 || o3 != 0 || o4 != 0 { return 0 }
                // Collinear: they meet when their extents overlap.
                if max(p1x, p2x) >= min(q1x, q2x) && max(q1x, q2x) >= min(p1x, p2x)
                    && max(p1y, p2y) >= min(q1y, q2y) && max(q1y, q2y) >= min(p1y, p2y) { return 0 }
            }
        }
        let a = PlanarDistance.segment(Point(x: p1x, y: p1y), q1x, q1y, q2x, q2y)
        let b = PlanarDistance.segment(Point(x: p2x, y: p2y), q1x, q1y, q2x, q2y)
        let c = PlanarDistance.segment(Point(x: q1x, y: q1y), p1x, p1y, p2x, p2y)
        let d = PlanarDistance.segment(Point(x: q2x, y: q2y), p1x, p1y, p2x, p2y)
        return min(min(a, b), min(c, d))
    }
}
