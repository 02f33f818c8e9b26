import GeoCore

/// Building outlines in metres, flattened for the distance loops that run on both cores.
///
/// Reading a `Geometry` out of an array copies it, and every copy bumps the shared reference
/// counts of its coordinate arrays: with two cores contending for them that cost a quarter
/// of the analysis. Here every position of every ring sits in one buffer read through plain
/// pointers, as ``PackedRTree`` and ``PolygonIndex`` do. Outlines are written straight into
/// it by each worker (a ``Chunk``), so 200,000 buildings do not become 400,000 small arrays.
final class FlatOutlines: @unchecked Sendable {
    /// One worker's share, in order; positions and rings are numbered within the chunk.
    struct Chunk: Sendable {
        var xy: [Double] = []
        var ringStart: [Int] = []
        var ringIsExterior: [Bool] = []
        var firstRing: [Int] = []
        var areal: [Bool] = []
        var boxes: [BoundingBox] = []

        /// A polygon whose rings are `ringStarts` (positions) within `flat[offset ..< offset + count]`.
        mutating func addPolygon(_ flat: [Double], offset: Int, count: Int, ringStarts: [Int]) {
            firstRing.append(ringStart.count)
            appendRings(flat, offset: offset, count: count, ringStarts: ringStarts)
            areal.append(true)
            boxes.append(box(ofRingsFrom: firstRing[firstRing.count - 1]))
        }

        /// Any geometry already in metres (or none).
        mutating func add(_ g: Geometry?) {
            firstRing.append(ringStart.count)
            switch g {
            case .polygon(let p)?:
                appendRings(p.coordinates, offset: 0, count: p.coordinates.count, ringStarts: p.ringStarts)
                areal.append(true)
            case .multiPolygon(let m)?:
                for p in m.polygons { appendRings(p.coordinates, offset: 0, count: p.coordinates.count, ringStarts: p.ringStarts) }
                areal.append(true)
            case let g?:
                // Points and lines: each part is a run of positions, with no inside.
                g.forEachFlatArray { part in
                    ringStart.append(xy.count / 2)
                    ringIsExterior.append(false)
                    xy += part
                }
                areal.append(false)
            case nil:
                areal.append(false)
            }
            boxes.append(box(ofRingsFrom: firstRing[firstRing.count - 1]))
        }

        private mutating func appendRings(_ flat: [Double], offset: Int, count: Int, ringStarts: [Int]) {
            for (i, start) in ringStarts.enumerated() {
                let end = i + 1 < ringStarts.count ? ringStarts[i + 1] : count / 2
                ringStart.append(xy.count / 2)
                ringIsExterior.append(i == 0)
                xy += flat[(offset + 2 * start) ..< (offset + 2 * end)]
            }
        }

        private func box(ofRingsFrom first: Int) -> BoundingBox {
            guard first < ringStart.count else { return .farAway }
            var box = BoundingBox.empty
            var k = 2 * ringStart[first]
            while k + 1 < xy.count {
                box.extend(x: xy[k], y: xy[k + 1])
                k += 2
            }
            return box
        }
    }

    /// x,y of every ring position, outline after outline.
    private let xy: FrozenBuffer<Double>
    /// Ring `r` spans positions `ringStart[r] ..< ringStart[r + 1]`.
    private let ringStart: FrozenBuffer<Int>
    /// Outline `b` has rings `firstRing[b] ..< firstRing[b + 1]`.
    private let firstRing: FrozenBuffer<Int>
    /// Whether outline `b` is a polygon (a point inside it is at distance 0).
    private let areal: FrozenBuffer<Bool>
    private let ringIsExterior: [Bool]
    /// Each outline's box; `.farAway` for a missing one.
    let boxes: [BoundingBox]
    let count: Int

    init(_ chunks: [Chunk]) {
        var xy: [Double] = [], ringStart: [Int] = [], firstRing: [Int] = [], areal: [Bool] = []
        var exterior: [Bool] = [], boxes: [BoundingBox] = []
        for c in chunks {
            let positions = xy.count / 2, rings = ringStart.count
            xy += c.xy
            ringStart += c.ringStart.map { $0 + positions }
            firstRing += c.firstRing.map { $0 + rings }
            areal += c.areal
            exterior += c.ringIsExterior
            boxes += c.boxes
        }
        firstRing.append(ringStart.count)
        ringStart.append(xy.count / 2)
        self.xy = FrozenBuffer(xy)
        self.ringStart = FrozenBuffer(ringStart)
        self.firstRing = FrozenBuffer(firstRing)
        self.areal = FrozenBuffer(areal)
        ringIsExterior = exterior
        self.boxes = boxes
        count = boxes.count
    }

    convenience init(_ outlines: [Geometry?]) {
        var chunk = Chunk()
        for g in outlines { chunk.add(g) }
        self.init([chunk])
    }

    /// Outline `b` as a geometry again (for the slower analyses that want one).
    func geometry(_ b: Int) -> Geometry? {
        let first = firstRing.pointer[b], end = firstRing.pointer[b + 1]
        guard first < end else { return nil }
        func ring(_ r: Int) -> [Double] {
            Array(UnsafeBufferPointer(start: xy.pointer + 2 * ringStart.pointer[r], count: 2 * (ringStart.pointer[r + 1] - ringStart.pointer[r])))
        }
        guard areal.pointer[b] else {
            let parts = (first ..< end).map(ring)
            if parts.count == 1, parts[0].count == 2 { return .point(Point(x: parts[0][0], y: parts[0][1])) }
            return parts.count == 1 ? .lineString(LineString(coordinates: parts[0])) : .multiLineString(MultiLineString(lines: parts.map { LineString(coordinates: $0) }))
        }
        var polygons: [[[Double]]] = []
        for r in first ..< end {
            if ringIsExterior[r] || polygons.isEmpty { polygons.append([ring(r)]) } else { polygons[polygons.count - 1].append(ring(r)) }
        }
        return polygons.count == 1 ? .polygon(Polygon(rings: polygons[0])) : .multiPolygon(MultiPolygon(polygons: polygons.map { Polygon(rings: $0) }))
    }

    /// Planar distance from (x, y) to outline `b`: 0 inside a polygon, else to its nearest
    /// edge or vertex; infinity for a missing geometry. ``PlanarDistance``'s arithmetic.
    @inline(__always)
    func distance(x: Double, y: Double, to b: Int) -> Double {
        let c = xy.pointer, rs = ringStart.pointer
        let p = Point(x: x, y: y)
        var best = Double.infinity
        var crossings = false
        for r in firstRing.pointer[b] ..< firstRing.pointer[b + 1] {
            let start = rs[r], end = rs[r + 1]
            if end - start == 1 {
                let dx = c[2 * start] - x, dy = c[2 * start + 1] - y
                best = min(best, (dx * dx + dy * dy).squareRoot())
                continue
            }
            var k = start
            while k + 1 < end {
                let x1 = c[2 * k], y1 = c[2 * k + 1], x2 = c[2 * k + 2], y2 = c[2 * k + 3]
                best = min(best, PlanarDistance.segment(p, x1, y1, x2, y2))
                if PlanarDistance.crosses(p, x1, y1, x2, y2) { crossings.toggle() }
                k += 1
            }
        }
        return crossings && areal.pointer[b] ? 0 : best
    }
}
