/// Where a point lies relative to a polygonal area.
public enum PointLocation: Sendable, Hashable {
    case exterior
    /// On an edge or a vertex of any ring (the exterior or a hole).
    case boundary
    case interior

    /// `covers` semantics (PostGIS `ST_Covers`, GEOS `covers`): the boundary belongs to the area.
    public var isCovered: Bool { self != .exterior }
    /// `contains` semantics (PostGIS `ST_Contains`): only the interior counts; a point on an
    /// edge, on a vertex, or on a hole's boundary is not contained.
    public var isContained: Bool { self == .interior }
}

/// Point-in-polygon for a whole layer of polygonal features, without GEOS.
///
/// Built once from flat rings, immutable and `Sendable`, so one index serves every thread.
/// Candidate parts come from a ``PackedRTree`` of part boxes; each part keeps its edges in
/// horizontal bands, so a query tests only the few edges whose y-range holds the point.
///
/// **Boundary rule** (the same as GEOS's `RayCrossingCounter`, so answers agree with GEOS
/// `covers` and `contains` exactly): a point equal to a vertex, on a horizontal edge, or on
/// any other edge by an exact orientation test (``RobustOrientation``) is on the
/// ``PointLocation/boundary``. Otherwise a ray to +x counts crossings; upward edges include
/// their start and exclude their end, downward edges the reverse, so shared vertices count
/// once. An odd count across all rings of a part (holes included) is the interior.
/// A point in a hole is exterior; on a hole's edge it is boundary.
public struct PolygonIndex: @unchecked Sendable {
    /// Number of features (polygonal geometries) indexed.
    public let featureCount: Int
    /// Number of polygon parts indexed.
    public let partCount: Int
    /// Number of edge entries stored (edges repeated across bands count each time).
    public let storedEdgeCount: Int
    private let tree: PackedRTree
    private let storage: [AnyObject]
    // Plain pointers into frozen buffers kept alive by `storage`: queries never touch a
    // reference count, so threads sharing the index do not contend.
    /// For each part: its feature.
    private let partFeature: UnsafePointer<Int32>
    /// For each part: minY, 1 / band height, and its box (minX, maxX, maxY).
    private let partGeometry: UnsafePointer<Double>
    /// For each part: index of its first band in `bandStarts`, and its number of bands.
    private let partBands: UnsafePointer<Int32>
    /// Start of each band's edges in `edges` (one more entry than bands).
    private let bandStarts: UnsafePointer<Int32>
    /// x1, y1, x2, y2 of each edge, grouped by band (an edge is repeated in every band its
    /// y-range touches).
    private let edges: UnsafePointer<Double>
    private let bandCount: Int
    /// The point grid. Each cell lists the parts that may hold its points, each as
    /// `part << 1 | needsTest`: a part whose boundary passes nowhere near the cell holds all
    /// of it (no test bit) or none of it (no entry), so most queries test no edge. A cell's
    /// word is either such a single no-test part itself (top bit set: one memory read
    /// answers the query) or the start (low 32 bits) and count (next 31 bits) of its run in
    /// `cellEntries`.
    private let grid: Grid
    private let cellWords: UnsafePointer<UInt64>
    private let cellEntries: UnsafePointer<Int32>
    private let cellEntryCount: Int

    /// The grid's geometry: cell (i, j) holds the points x with `Int((x - minX) * scaleX) == i`
    /// (clamped), likewise for y. The mapping is monotonic, so the cells a segment's points
    /// map to lie between those of its end points.
    struct Grid: Sendable {
        var minX = 0.0, minY = 0.0, maxX = -1.0, maxY = -1.0
        var scaleX = 1.0, scaleY = 1.0
        var columns = 0, rows = 0

        @inline(__always) func column(_ x: Double) -> Int {
            let i = Int((x - minX) * scaleX)
            return i < 0 ? 0 : (i >= columns ? columns - 1 : i)
        }

        @inline(__always) func row(_ y: Double) -> Int {
            let j = Int((y - minY) * scaleY)
            return j < 0 ? 0 : (j >= rows ? rows - 1 : j)
        }
    }

    /// Indexes features given as their polygons (one for a Polygon, several for a
    /// MultiPolygon; an empty list for a feature without area).
    public init(features: [[Polygon]]) {
        featureCount = features.count
        var partFeature: [Int32] = []
        var partGeometry: [Double] = []
        var partBands: [Int32] = []
        var bandStarts: [Int32] = [0]
        var edges: [Double] = []
        var boxes: [BoundingBox] = []
        for (f, polygons) in features.enumerated() {
            for polygon in polygons where polygon.ringCount > 0 {
                var box = BoundingBox.empty
                box.extend(flat: polygon.coordinates)
                let segmentCount = Swift.max(1, polygon.pointCount - polygon.ringCount)
                // About two edges per band on a simple outline; capped for huge parts.
                let bandCount = Swift.max(1, Swift.min(segmentCount / 2, 1 << 16))
                let height = box.height
                let inverse = height > 0 ? Double(bandCount) / height : 0
                // Each band's edges, in edge order, placed by a counting sort straight into
                // `edges` (no array per band, none per edge).
                var ends = [Int](repeating: 0, count: bandCount + 1)
                polygon.forEachEdge { _, y1, _, y2 in
                    let first = Self.band(Swift.min(y1, y2), box.minY, inverse, bandCount)
                    let last = Self.band(Swift.max(y1, y2), box.minY, inverse, bandCount)
                    for b in first ... last { ends[b + 1] += 1 }
                }
                for b in 0 ..< bandCount { ends[b + 1] += ends[b] }
                let base = edges.count / 4
                edges.append(contentsOf: repeatElement(0.0, count: 4 * ends[bandCount]))
                var next = ends
                edges.withUnsafeMutableBufferPointer { e in
                    next.withUnsafeMutableBufferPointer { next in
                        polygon.forEachEdge { x1, y1, x2, y2 in
                            let first = Self.band(Swift.min(y1, y2), box.minY, inverse, bandCount)
                            let last = Self.band(Swift.max(y1, y2), box.minY, inverse, bandCount)
                            for b in first ... last {
                                let k = 4 * (base + next[b])
                                e[k] = x1
                                e[k + 1] = y1
                                e[k + 2] = x2
                                e[k + 3] = y2
                                next[b] += 1
                            }
                        }
                    }
                }
                partFeature.append(Int32(f))
                partGeometry.append(contentsOf: [box.minY, inverse, box.minX, box.maxX, box.maxY])
                partBands.append(Int32(bandStarts.count - 1))
                partBands.append(Int32(bandCount))
                for b in 0 ..< bandCount { bandStarts.append(Int32(base + ends[b + 1])) }
                boxes.append(box)
            }
        }
        tree = PackedRTree(boxes)
        let f = FrozenBuffer(partFeature), g = FrozenBuffer(partGeometry), b = FrozenBuffer(partBands)
        let s = FrozenBuffer(bandStarts), e = FrozenBuffer(edges)
        let (grid, starts, entries) = Self.buildGrid(boxes: boxes, partGeometry: g.pointer, partBands: b.pointer,
                                                     bandStarts: s.pointer, edges: e.pointer, edgeCount: edges.count / 4,
                                                     rawEdges: features.map { $0 })
        var words = [UInt64](repeating: 0, count: starts.count - 1)
        for c in words.indices {
            let start = Int(starts[c]), count = Int(starts[c + 1]) - start
            if count == 1 && entries[start] & 1 == 0 {
                words[c] = 1 << 63 | UInt64(entries[start] >> 1)
            } else {
                words[c] = UInt64(count) << 32 | UInt64(start)
            }
        }
        let cs = FrozenBuffer(words), ce = FrozenBuffer(entries)
        self.grid = grid
        cellWords = cs.pointer
        cellEntries = ce.pointer
        cellEntryCount = entries.count
        storage = [f, g, b, s, e, cs, ce]
        self.partFeature = f.pointer
        self.partGeometry = g.pointer
        self.partBands = b.pointer
        self.bandStarts = s.pointer
        self.edges = e.pointer
        partCount = partFeature.count
        storedEdgeCount = edges.count / 4
        bandCount = bandStarts.count - 1
    }

    /// Indexes the polygonal geometries of a layer; other geometry kinds cover nothing.
    public init(geometries: [Geometry?]) {
        self.init(features: geometries.map { $0?.polygons ?? [] })
    }

    /// Approximate memory held by the index, in bytes.
    public var memoryBytes: Int {
        (5 * partCount + 4 * storedEdgeCount) * 8 + (3 * partCount + bandCount + 1) * 4 + tree.count * 40
            + grid.columns * grid.rows * 8 + cellEntryCount * 4
    }

    /// Builds the point grid: about two cells per edge, each listing the parts that may hold
    /// its points.
    private static func buildGrid(boxes: [BoundingBox], partGeometry: UnsafePointer<Double>, partBands: UnsafePointer<Int32>,
                                  bandStarts: UnsafePointer<Int32>, edges: UnsafePointer<Double>, edgeCount: Int,
                                  rawEdges: [[Polygon]]) -> (Grid, [Int32], [Int32]) {
        var grid = Grid()
        var extent = BoundingBox.empty
        for b in boxes { extent.extend(b) }
        guard !extent.isEmpty else { return (grid, [0], []) }
        let width = Swift.max(extent.width, 1e-9), height = Swift.max(extent.height, 1e-9)
        // Two cells per stored edge: denser grids answer more points without an edge test
        // but stop fitting in cache (measured on the synthetic city at scales 1 and 10).
        let target = Swift.min(Swift.max(2 * Double(edgeCount), 64), 4_000_000)
        grid.columns = Swift.max(1, Int((target * width / height).squareRoot()))
        grid.rows = Swift.max(1, Int(target) / grid.columns)
        grid.minX = extent.minX; grid.minY = extent.minY; grid.maxX = extent.maxX; grid.maxY = extent.maxY
        grid.scaleX = Double(grid.columns) / width
        grid.scaleY = Double(grid.rows) / height
        var pairs: [UInt64] = []
        var part = 0
        for polygons in rawEdges {
            for polygon in polygons where polygon.ringCount > 0 {
                let box = boxes[part]
                let c0 = grid.column(box.minX), c1 = grid.column(box.maxX)
                let r0 = grid.row(box.minY), r1 = grid.row(box.maxY)
                let w = c1 - c0 + 1
                var marked = [Bool](repeating: false, count: w * (r1 - r0 + 1))
                polygon.forEachEdge { x1, y1, x2, y2 in
                    let a0 = grid.column(Swift.min(x1, x2)), a1 = grid.column(Swift.max(x1, x2))
                    let b0 = grid.row(Swift.min(y1, y2)), b1 = grid.row(Swift.max(y1, y2))
                    for rr in b0 ... b1 { for cc in a0 ... a1 { marked[(rr - r0) * w + (cc - c0)] = true } }
                }
                for rr in r0 ... r1 {
                    for cc in c0 ... c1 {
                        let cell = UInt64(rr * grid.columns + cc)
                        if marked[(rr - r0) * w + (cc - c0)] {
                            pairs.append(cell << 32 | UInt64(part << 1 | 1))
                            continue
                        }
                        // No boundary point of this part maps to the cell: it holds all of
                        // the cell or none. Ask one point that maps here.
                        let x = grid.minX + (Double(cc) + 0.5) / grid.scaleX
                        let y = grid.minY + (Double(rr) + 0.5) / grid.scaleY
                        guard grid.column(x) == cc && grid.row(y) == rr else {
                            pairs.append(cell << 32 | UInt64(part << 1 | 1))
                            continue
                        }
                        if locate(x, y, part: part, partGeometry: partGeometry, partBands: partBands, bandStarts: bandStarts, edges: edges) == .interior {
                            pairs.append(cell << 32 | UInt64(part << 1))
                        }
                    }
                }
                part += 1
            }
        }
        pairs.sort()
        let cells = grid.columns * grid.rows
        var starts = [Int32](repeating: 0, count: cells + 1)
        var entries = [Int32]()
        entries.reserveCapacity(pairs.count)
        for p in pairs {
            starts[Int(p >> 32) + 1] += 1
            entries.append(Int32(truncatingIfNeeded: p & 0xFFFF_FFFF))
        }
        for i in 0 ..< cells { starts[i + 1] += starts[i] }
        return (grid, starts, entries)
    }

    @inline(__always)
    private static func band(_ y: Double, _ minY: Double, _ inverse: Double, _ count: Int) -> Int {
        let b = Int((y - minY) * inverse)
        return b < 0 ? 0 : (b >= count ? count - 1 : b)
    }

    /// Where the point lies relative to polygon part `part`.
    @inline(__always)
    private func locate(_ x: Double, _ y: Double, part: Int) -> PointLocation {
        Self.locate(x, y, part: part, partGeometry: partGeometry, partBands: partBands, bandStarts: bandStarts, edges: edges)
    }

    /// The same, on the raw tables only, so closures capture no reference.
    @inline(__always)
    static func locate(_ x: Double, _ y: Double, part: Int, partGeometry g: UnsafePointer<Double>,
                               partBands: UnsafePointer<Int32>, bandStarts: UnsafePointer<Int32>, edges e: UnsafePointer<Double>) -> PointLocation {
        let minY = g[5 * part], inverse = g[5 * part + 1]
        if x < g[5 * part + 2] || x > g[5 * part + 3] || y < minY || y > g[5 * part + 4] { return .exterior }
        let bandCount = Int(partBands[2 * part + 1])
        let band = Int(partBands[2 * part]) + band(y, minY, inverse, bandCount)
        var crossings = 0
        var i = Int(bandStarts[band])
        let end = Int(bandStarts[band + 1])
        while i < end {
            let x1 = e[4 * i], y1 = e[4 * i + 1], x2 = e[4 * i + 2], y2 = e[4 * i + 3]
            i += 1
            if x1 < x && x2 < x { continue }
            if x == x2 && y == y2 { return .boundary }
            if x == x1 && y == y1 { return .boundary }
            if y1 == y && y2 == y {
                if x >= Swift.min(x1, x2) && x <= Swift.max(x1, x2) { return .boundary }
                continue
            }
            if (y1 > y && y2 <= y) || (y2 > y && y1 <= y) {
                var sign = RobustOrientation.index(x1, y1, x2, y2, x, y)
                if sign == 0 { return .boundary }
                if y2 < y1 { sign = -sign }
                if sign > 0 { crossings += 1 }
            }
        }
        return crossings & 1 == 1 ? .interior : .exterior
    }

    /// Where the point lies relative to feature `feature` (all its parts).
    public func location(x: Double, y: Double, feature: Int) -> PointLocation {
        var result = PointLocation.exterior
        tree.search(x: x, y: y) { part in
            guard Int(partFeature[part]) == feature else { return true }
            switch locate(x, y, part: part) {
            case .boundary: result = .boundary; return false
            case .interior: result = .interior
            case .exterior: break
            }
            return true
        }
        return result
    }

    /// The index's tables as plain pointers (valid while the index lives): a value that
    /// copies without reference counting, for loops that threads run side by side.
    public struct Raw: @unchecked Sendable {
        let grid: Grid
        let cellWords: UnsafePointer<UInt64>
        let cellEntries: UnsafePointer<Int32>
        let partFeature: UnsafePointer<Int32>
        let partGeometry: UnsafePointer<Double>
        let partBands: UnsafePointer<Int32>
        let bandStarts: UnsafePointer<Int32>
        let edges: UnsafePointer<Double>

        /// See ``PolygonIndex/forEachCovering(x:y:_:)``.
        @inline(__always)
        public func forEachCovering(x: Double, y: Double, _ body: (Int, PointLocation) -> Bool) {
            let g = grid
            guard x >= g.minX && x <= g.maxX && y >= g.minY && y <= g.maxY else { return }
            let cell = g.row(y) * g.columns + g.column(x)
            let word = cellWords[cell]
            if word >> 63 == 1 {
                // The common case: the cell lies inside one part.
                _ = body(Int(partFeature[Int(word & 0x7FFF_FFFF)]), .interior)
                return
            }
            var k = Int(word & 0xFFFF_FFFF)
            let end = k + Int(word >> 32)
            // Remember reported features (rarely more than two: a shared border or vertex).
            var first = -1, second = -1
            var more: [Int] = []
            while k < end {
                let entry = Int(cellEntries[k])
                k += 1
                let part = entry >> 1
                let location = entry & 1 == 0 ? PointLocation.interior
                    : PolygonIndex.locate(x, y, part: part, partGeometry: partGeometry, partBands: partBands, bandStarts: bandStarts, edges: edges)
                guard location != .exterior else { continue }
                let feature = Int(partFeature[part])
                if feature == first || feature == second || more.contains(feature) { continue }
                if first < 0 { first = feature } else if second < 0 { second = feature } else { more.append(feature) }
                if !body(feature, location) { return }
            }
        }
    }

    /// The plain-pointer form of the index; keep the index alive while using it.
    public var raw: Raw {
        Raw(grid: grid, cellWords: cellWords, cellEntries: cellEntries, partFeature: partFeature, partGeometry: partGeometry,
            partBands: partBands, bandStarts: bandStarts, edges: edges)
    }

    /// Calls `body` with each feature that covers the point and where the point lies in it
    /// (``PointLocation/interior`` or ``PointLocation/boundary``), in no particular order; a
    /// feature is reported once. `body` returns false to stop.
    ///
    /// The parts of a valid MultiPolygon have disjoint interiors and touch only at points, so
    /// the first part that covers the point decides the feature's location.
    @inline(__always)
    public func forEachCovering(x: Double, y: Double, _ body: (Int, PointLocation) -> Bool) {
        raw.forEachCovering(x: x, y: y, body)
    }

    /// Features whose boundary passes within `metres` of the point, with that distance,
    /// nearest first (ties by feature index). The point may be inside or outside them; only
    /// the edges in the bands near the point are measured.
    public func boundariesNear(x: Double, y: Double, metres: Double) -> [(feature: Int, metres: Double)] {
        let metric = LocalMetric(latitude: y)
        let (dx, dy) = metric.degrees(metres * 1.001 + 1e-6)
        var found: [(feature: Int, metres: Double)] = []
        tree.search(minX: x - dx, minY: y - dy, maxX: x + dx, maxY: y + dy) { part in
            let d = boundaryDistance(x, y, part: part, metric: metric, dy: dy)
            guard d <= metres else { return true }
            let feature = Int(partFeature[part])
            if let i = found.firstIndex(where: { $0.feature == feature }) {
                found[i].metres = Swift.min(found[i].metres, d)
            } else {
                found.append((feature, d))
            }
            return true
        }
        return found.sorted { $0.metres != $1.metres ? $0.metres < $1.metres : $0.feature < $1.feature }
    }

    /// Whether a feature accepted by `accept` has its boundary within `metres` of the point;
    /// stops at the first one (no allocation).
    @inline(__always)
    public func hasBoundaryNear(x: Double, y: Double, metres: Double, where accept: (Int) -> Bool) -> Bool {
        let metric = LocalMetric(latitude: y)
        let (dx, dy) = metric.degrees(metres * 1.001 + 1e-6)
        var found = false
        tree.search(minX: x - dx, minY: y - dy, maxX: x + dx, maxY: y + dy) { part in
            guard accept(Int(partFeature[part])) else { return true }
            if boundaryDistance(x, y, part: part, metric: metric, dy: dy) <= metres {
                found = true
                return false
            }
            return true
        }
        return found
    }

    /// Distance in metres from the point to the nearest edge of `part` among the bands
    /// within `dy` degrees of it (infinity when no edge is there).
    private func boundaryDistance(_ x: Double, _ y: Double, part: Int, metric: LocalMetric, dy: Double) -> Double {
        let minY = partGeometry[5 * part], inverse = partGeometry[5 * part + 1]
        let bandCount = Int(partBands[2 * part + 1])
        let first = Int(partBands[2 * part]) + Self.band(y - dy, minY, inverse, bandCount)
        let last = Int(partBands[2 * part]) + Self.band(y + dy, minY, inverse, bandCount)
        var best = Double.infinity
        let e = edges
        for band in first ... last {
            var i = Int(bandStarts[band])
            let end = Int(bandStarts[band + 1])
            while i < end {
                best = Swift.min(best, metric.distanceToSegment(x, y, e[4 * i], e[4 * i + 1], e[4 * i + 2], e[4 * i + 3]))
                i += 1
            }
        }
        return best
    }

    /// Features covering the point (boundary included), sorted by feature index.
    public func covering(x: Double, y: Double) -> [Int] {
        var found: [Int] = []
        forEachCovering(x: x, y: y) { f, _ in found.append(f); return true }
        return found.sorted()
    }

    /// Features containing the point (interior only), sorted by feature index.
    public func containing(x: Double, y: Double) -> [Int] {
        var found: [Int] = []
        forEachCovering(x: x, y: y) { f, location in
            if location == .interior { found.append(f) }
            return true
        }
        return found.sorted()
    }
}

