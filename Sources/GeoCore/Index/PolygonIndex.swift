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
public struct PolygonIndex: Sendable {
    /// Number of features (polygonal geometries) indexed.
    public let featureCount: Int
    private let tree: PackedRTree
    /// For each part: its feature.
    private let partFeature: [Int32]
    /// For each part: minY, 1 / band height, and its box (minX, maxX, maxY).
    private let partGeometry: [Double]
    /// For each part: index of its first band in `bandStarts`, and its number of bands.
    private let partBands: [Int32]
    /// Start of each band's edges in `edges` (one more entry than bands).
    private let bandStarts: [Int32]
    /// x1, y1, x2, y2 of each edge, grouped by band (an edge is repeated in every band its
    /// y-range touches).
    private let edges: [Double]

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
                var perBand = [[Double]](repeating: [], count: bandCount)
                polygon.coordinates.withUnsafeBufferPointer { c in
                    for r in 0 ..< polygon.ringCount {
                        let range = polygon.ringRange(r)
                        var k = range.lowerBound
                        while k + 1 < range.upperBound {
                            let x1 = c[2 * k], y1 = c[2 * k + 1], x2 = c[2 * k + 2], y2 = c[2 * k + 3]
                            let first = Self.band(Swift.min(y1, y2), box.minY, inverse, bandCount)
                            let last = Self.band(Swift.max(y1, y2), box.minY, inverse, bandCount)
                            for b in first ... last { perBand[b].append(contentsOf: [x1, y1, x2, y2]) }
                            k += 1
                        }
                    }
                }
                partFeature.append(Int32(f))
                partGeometry.append(contentsOf: [box.minY, inverse, box.minX, box.maxX, box.maxY])
                partBands.append(Int32(bandStarts.count - 1))
                partBands.append(Int32(bandCount))
                for band in perBand {
                    edges.append(contentsOf: band)
                    bandStarts.append(Int32(edges.count / 4))
                }
                boxes.append(box)
            }
        }
        tree = PackedRTree(boxes)
        self.partFeature = partFeature
        self.partGeometry = partGeometry
        self.partBands = partBands
        self.bandStarts = bandStarts
        self.edges = edges
    }

    /// Indexes the polygonal geometries of a layer; other geometry kinds cover nothing.
    public init(geometries: [Geometry?]) {
        self.init(features: geometries.map { $0?.polygons ?? [] })
    }

    /// Number of polygon parts indexed.
    public var partCount: Int { partFeature.count }

    /// Number of edge entries stored (edges repeated across bands count each time).
    public var storedEdgeCount: Int { edges.count / 4 }

    /// Approximate memory held by the index, in bytes.
    public var memoryBytes: Int {
        (partGeometry.count + edges.count) * 8 + (partFeature.count + partBands.count + bandStarts.count) * 4
            + tree.count * 40
    }

    @inline(__always)
    private static func band(_ y: Double, _ minY: Double, _ inverse: Double, _ count: Int) -> Int {
        let b = Int((y - minY) * inverse)
        return b < 0 ? 0 : (b >= count ? count - 1 : b)
    }

    /// Where the point lies relative to polygon part `part`.
    @inline(__always)
    private func locate(_ x: Double, _ y: Double, part: Int) -> PointLocation {
        partGeometry.withUnsafeBufferPointer { g in
            let minY = g[5 * part], inverse = g[5 * part + 1]
            if x < g[5 * part + 2] || x > g[5 * part + 3] || y < minY || y > g[5 * part + 4] { return .exterior }
            let bandCount = Int(partBands[2 * part + 1])
            let band = Int(partBands[2 * part]) + Self.band(y, minY, inverse, bandCount)
            return edges.withUnsafeBufferPointer { e in
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
        }
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

    /// Calls `body` with each feature that covers the point and where the point lies in it
    /// (``PointLocation/interior`` or ``PointLocation/boundary``), in no particular order; a
    /// feature is reported once. `body` returns false to stop.
    ///
    /// The parts of a valid MultiPolygon have disjoint interiors and touch only at points, so
    /// the first part that covers the point decides the feature's location.
    @inline(__always)
    public func forEachCovering(x: Double, y: Double, _ body: (Int, PointLocation) -> Bool) {
        // Remember reported features (rarely more than two: a shared border or vertex).
        var first = -1, second = -1
        var more: [Int] = []
        tree.search(x: x, y: y) { part in
            let location = locate(x, y, part: part)
            guard location != .exterior else { return true }
            let feature = Int(partFeature[part])
            if feature == first || feature == second || more.contains(feature) { return true }
            if first < 0 { first = feature } else if second < 0 { second = feature } else { more.append(feature) }
            return body(feature, location)
        }
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
        edges.withUnsafeBufferPointer { e in
            for band in first ... last {
                var i = Int(bandStarts[band])
                let end = Int(bandStarts[band + 1])
                while i < end {
                    best = Swift.min(best, metric.distanceToSegment(x, y, e[4 * i], e[4 * i + 1], e[4 * i + 2], e[4 * i + 3]))
                    i += 1
                }
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
