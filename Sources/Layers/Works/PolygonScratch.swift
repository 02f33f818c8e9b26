import GeoCore

/// One polygon's positions and ring starts copied out of its feature, with its box, for the
/// pass over every building in `affected`.
///
/// Why a copy: reading a building's coordinate array in place and then calling anything the
/// optimizer cannot see into (the box type's methods, the projection) makes Swift retain the
/// geometry for the call and release it after: an atomic operation on a heap object per
/// building, which also stops the processor from fetching the next buildings' coordinates
/// while it waits for this one's. ``read(_:)`` is inlined and calls nothing, so no count is
/// touched; the positions (a building has a few dozen doubles) are copied on the way.
/// One per thread; ``free()`` when done.
struct PolygonScratch {
    private let xy: UnsafeMutablePointer<Double>
    private let capacity: Int
    private let rings: UnsafeMutablePointer<Int>
    private let ringCapacity: Int
    /// Doubles (x, y interleaved) and rings of the polygon last read.
    private(set) var count = 0, ringCount = 0

    init(capacity: Int = 4096, ringCapacity: Int = 256) {
        xy = .allocate(capacity: capacity)
        self.capacity = capacity
        rings = .allocate(capacity: ringCapacity)
        self.ringCapacity = ringCapacity
    }

    func free() {
        xy.deallocate()
        rings.deallocate()
    }

    /// The positions of the polygon last read (valid until the next ``read(_:)``).
    var coordinates: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: xy, count: count) }
    var ringStarts: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: rings, count: ringCount) }

    /// Copies `g`'s positions when it is a non-empty polygon that fits, and returns its box
    /// (the box `BoundingBox.extend(flat:)` gives); nil for anything else, which the caller
    /// reads the ordinary way. The ring starts are another array, another cache miss: only
    /// ``readRings(_:)`` reads them, for the few buildings some feature may reach.
    @inline(__always)
    mutating func read(_ g: Geometry?) -> BoundingBox? {
        guard case .polygon(let p)? = g else { return nil }
        let found = p.coordinates.withUnsafeBufferPointer { c -> (Double, Double, Double, Double)? in
            guard c.count >= 2, c.count <= capacity else { return nil }
            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
            var k = 0
            while k + 1 < c.count {
                let x = c[k], y = c[k + 1]
                xy[k] = x
                xy[k + 1] = y
                if x < minX { minX = x }
                if x > maxX { maxX = x }
                if y < minY { minY = y }
                if y > maxY { maxY = y }
                k += 2
            }
            count = k
            return (minX, minY, maxX, maxY)
        }
        guard let found, found.0 <= found.2, found.1 <= found.3 else { return nil }
        return BoundingBox(minX: found.0, minY: found.1, maxX: found.2, maxY: found.3)
    }

    /// Copies the ring starts of `g`, the polygon ``read(_:)`` last copied: false when they
    /// do not fit (the caller then reads `g` the ordinary way).
    @inline(__always)
    mutating func readRings(_ g: Geometry?) -> Bool {
        guard case .polygon(let p)? = g else { return false }
        return p.ringStarts.withUnsafeBufferPointer { r -> Bool in
            guard r.count <= ringCapacity else { return false }
            for i in 0 ..< r.count { rings[i] = r[i] }
            ringCount = r.count
            return true
        }
    }
}
