/// A polygon: an exterior ring and zero or more holes, every ring closed (first position
/// equals last) and stored flat in one array, exterior first.
///
/// Ring `i` spans positions `ringStarts[i] ..< ringStarts[i + 1]` (the last ring runs to the
/// end), so `coordinates[2 * ringStarts[i]]` is the x of its first position.
public struct Polygon: Sendable, Hashable {
    /// Interleaved x,y pairs of all rings, exterior first.
    public var coordinates: [Double]
    /// Index (in positions, not doubles) at which each ring starts; `ringStarts[0] == 0`.
    public var ringStarts: [Int]

    public init(coordinates: [Double], ringStarts: [Int]) {
        precondition(coordinates.count % 2 == 0, "flat coordinates must hold x,y pairs")
        precondition(ringStarts.first == 0 || (ringStarts.isEmpty && coordinates.isEmpty))
        self.coordinates = coordinates
        self.ringStarts = ringStarts
    }

    /// A polygon from rings given as flat x,y arrays, the exterior first.
    public init(rings: [[Double]]) {
        var coordinates: [Double] = []
        var starts: [Int] = []
        coordinates.reserveCapacity(rings.reduce(0) { $0 + $1.count })
        for ring in rings {
            starts.append(coordinates.count / 2)
            coordinates.append(contentsOf: ring)
        }
        self.init(coordinates: coordinates, ringStarts: starts)
    }

    public var ringCount: Int { ringStarts.count }
    public var pointCount: Int { coordinates.count / 2 }

    /// The positions `start ..< end` of ring `i`.
    public func ringRange(_ i: Int) -> Range<Int> {
        let start = ringStarts[i]
        let end = i + 1 < ringStarts.count ? ringStarts[i + 1] : coordinates.count / 2
        return start ..< end
    }

    /// Ring `i` as flat x,y pairs.
    public func ring(_ i: Int) -> ArraySlice<Double> {
        let r = ringRange(i)
        return coordinates[(2 * r.lowerBound) ..< (2 * r.upperBound)]
    }

    /// Calls `body` with the end points of every edge of every ring, exterior first.
    @inline(__always)
    public func forEachEdge(_ body: (_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Void) {
        coordinates.withUnsafeBufferPointer { c in
            for r in 0 ..< ringCount {
                let range = ringRange(r)
                var k = range.lowerBound
                while k + 1 < range.upperBound {
                    body(c[2 * k], c[2 * k + 1], c[2 * k + 2], c[2 * k + 3])
                    k += 1
                }
            }
        }
    }

    /// Twice the signed area of ring `i` by the shoelace formula: positive when the ring runs
    /// counter-clockwise (in a y-up frame such as lon/lat).
    public func signedDoubleArea(ofRing i: Int) -> Double {
        let r = ringRange(i)
        var sum = 0.0
        coordinates.withUnsafeBufferPointer { c in
            var k = r.lowerBound
            while k + 1 < r.upperBound {
                sum += c[2 * k] * c[2 * k + 3] - c[2 * k + 2] * c[2 * k + 1]
                k += 1
            }
        }
        return sum
    }

    /// Planar area: the exterior's less the holes', in the coordinates' units squared.
    public var area: Double {
        guard ringCount > 0 else { return 0 }
        var total = abs(signedDoubleArea(ofRing: 0))
        for i in 1 ..< ringCount { total -= abs(signedDoubleArea(ofRing: i)) }
        return total / 2
    }

    /// The same polygon with its exterior counter-clockwise and its holes clockwise
    /// (the right-hand rule of RFC 7946 §3.1.6).
    public func orientedByRightHandRule() -> Polygon {
        var result = self
        for i in 0 ..< ringCount {
            let area = signedDoubleArea(ofRing: i)
            let wantCounterClockwise = i == 0
            if (area > 0) != wantCounterClockwise && area != 0 {
                result.reverseRing(i)
            }
        }
        return result
    }

    private mutating func reverseRing(_ i: Int) {
        let r = ringRange(i)
        var lo = r.lowerBound
        var hi = r.upperBound - 1
        while lo < hi {
            coordinates.swapAt(2 * lo, 2 * hi)
            coordinates.swapAt(2 * lo + 1, 2 * hi + 1)
            lo += 1
            hi -= 1
        }
    }
}
