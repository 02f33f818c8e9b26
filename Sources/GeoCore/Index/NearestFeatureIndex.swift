/// Nearest feature of a layer (points, lines or polygons) within a distance in metres.
///
/// Immutable and `Sendable`. Features' segments are kept flat; a ``PackedRTree`` over their
/// boxes (in degrees) finds the candidates within reach, and distances are measured in the
/// ``LocalMetric`` of the query's latitude: to a point, to the nearest segment of a line, and
/// to a polygon's boundary (0 inside it).
public struct NearestFeatureIndex: Sendable {
    public let featureCount: Int
    private let tree: PackedRTree
    /// Per feature: start of its vertices in `coordinates` and the start of each part.
    private let partStarts: [Int32]
    /// Per feature: index of its first part in `partStarts` (one more entry than features).
    private let featureParts: [Int32]
    /// Per part: whether it is a point set (no segments) and whether it is a polygon ring.
    private let partFlags: [UInt8]
    private let coordinates: [Double]
    /// Polygon features are answered "inside" by this index, for distance 0.
    private let polygons: PolygonIndex

    /// Indexes `geometries`; `polygons`, when given, must be the ``PolygonIndex`` of the same
    /// geometries (a caller that built one already saves building it twice).
    public init(geometries: [Geometry?], polygons: PolygonIndex? = nil) {
        featureCount = geometries.count
        var partStarts: [Int32] = []
        var featureParts: [Int32] = [0]
        var flags: [UInt8] = []
        var coordinates: [Double] = []
        var boxes: [BoundingBox] = []
        func addPart(_ flat: ArraySlice<Double>, flag: UInt8) {
            partStarts.append(Int32(coordinates.count / 2))
            coordinates.append(contentsOf: flat)
            flags.append(flag)
        }
        for g in geometries {
            var box = BoundingBox.empty
            switch g {
            case .point(let p)?: addPart([p.x, p.y][...], flag: 1)
            case .multiPoint(let m)?: addPart(m.coordinates[...], flag: 1)
            case .lineString(let l)?: addPart(l.coordinates[...], flag: 0)
            case .multiLineString(let m)?:
                for i in 0 ..< m.lineCount { addPart(m.line(i).coordinates[...], flag: 0) }
            case .polygon, .multiPolygon:
                for p in g!.polygons { for r in 0 ..< p.ringCount { addPart(p.ring(r), flag: 2) } }
            case .geometryCollection(let members)?:
                for m in members {
                    if case .point(let p) = m { addPart([p.x, p.y][...], flag: 1) } else { m.forEachFlatArray { addPart($0[...], flag: 0) } }
                }
            case nil: break
            }
            g?.forEachFlatArray { box.extend(flat: $0) }
            featureParts.append(Int32(partStarts.count))
            boxes.append(box.isEmpty ? BoundingBox(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity) : box)
        }
        partStarts.append(Int32(coordinates.count / 2))
        self.partStarts = partStarts
        self.featureParts = featureParts
        self.partFlags = flags
        self.coordinates = coordinates
        self.tree = PackedRTree(boxes)
        precondition(polygons == nil || polygons!.featureCount == geometries.count, "a polygon index of other geometries")
        self.polygons = polygons ?? PolygonIndex(geometries: geometries)
    }

    /// Distance in metres from a position to feature `feature`.
    public func distance(x: Double, y: Double, feature: Int, metric: LocalMetric) -> Double {
        if polygons.location(x: x, y: y, feature: feature) != .exterior { return 0 }
        var best = Double.infinity
        coordinates.withUnsafeBufferPointer { c in
            for part in Int(featureParts[feature]) ..< Int(featureParts[feature + 1]) {
                let start = Int(partStarts[part]), end = Int(partStarts[part + 1])
                if partFlags[part] == 1 || end - start == 1 {
                    for k in start ..< end { best = Swift.min(best, metric.distance(x, y, c[2 * k], c[2 * k + 1])) }
                } else {
                    var k = start
                    while k + 1 < end {
                        best = Swift.min(best, metric.distanceToSegment(x, y, c[2 * k], c[2 * k + 1], c[2 * k + 2], c[2 * k + 3]))
                        k += 1
                    }
                }
            }
        }
        return best
    }

    /// The nearest feature within `metres` and its distance, ties going to the lower index;
    /// nil when none is that close.
    public func nearest(x: Double, y: Double, within metres: Double) -> (feature: Int, metres: Double)? {
        let metric = LocalMetric(latitude: y)
        let (dx, dy) = metric.degrees(metres * 1.001 + 1e-6)
        var best: (Int, Double)?
        tree.search(minX: x - dx, minY: y - dy, maxX: x + dx, maxY: y + dy) { f in
            let d = distance(x: x, y: y, feature: f, metric: metric)
            if d <= metres, best == nil || d < best!.1 || (d == best!.1 && f < best!.0) { best = (f, d) }
            return true
        }
        return best
    }

    /// Every feature within `metres`, nearest first (ties by index).
    public func within(x: Double, y: Double, metres: Double) -> [(feature: Int, metres: Double)] {
        let metric = LocalMetric(latitude: y)
        let (dx, dy) = metric.degrees(metres * 1.001 + 1e-6)
        var found: [(feature: Int, metres: Double)] = []
        tree.search(minX: x - dx, minY: y - dy, maxX: x + dx, maxY: y + dy) { f in
            let d = distance(x: x, y: y, feature: f, metric: metric)
            if d <= metres { found.append((f, d)) }
            return true
        }
        return found.sorted { $0.metres != $1.metres ? $0.metres < $1.metres : $0.feature < $1.feature }
    }
}
