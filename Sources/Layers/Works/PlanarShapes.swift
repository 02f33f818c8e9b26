import GeoCore

/// Many shapes in metres in a few flat arrays: one allocation per array for a whole layer,
/// not five per feature (making and freeing ten thousand small shapes cost more than
/// measuring them). Read through ``Views``, which count no references.
struct PlanarShapes: Sendable {
    /// x,y of every position of every shape.
    private var xy: [Double] = []
    /// Pairs of positions per part, numbered from the shape's first position.
    private var parts: [Int32] = []
    /// Pairs of parts per polygon, numbered from the shape's first part.
    private var polygons: [Int32] = []
    /// Shape `k` starts at position `starts[3k]`, part `starts[3k + 1]` and polygon pair
    /// `starts[3k + 2]`; it ends where shape `k + 1` starts.
    private var starts: [Int] = [0, 0, 0]
    /// minX, minY, maxX, maxY per shape (+inf/-inf for an empty shape), set by ``transform(_:)``.
    private var boxes: [Double] = []

    var count: Int { starts.count / 3 - 1 }

    /// Appends a shape for `g` (an empty one for nil), in the geometry's own coordinates.
    mutating func append(_ g: Geometry?) {
        if let g {
            PlanarShapeView.append(g, xy: &xy, parts: &parts, polygons: &polygons,
                                   positionBase: starts[starts.count - 3], partBase: starts[starts.count - 2])
        }
        starts.append(xy.count / 2)
        starts.append(parts.count / 2)
        starts.append(polygons.count)
    }

    /// Passes every position through `transform` (one call for all of them) and finds each shape's box.
    mutating func transform(_ transform: (inout [Double]) throws -> Void) rethrows {
        try transform(&xy)
        boxes = [Double](repeating: 0, count: 4 * count)
        xy.withUnsafeBufferPointer { p in
            for k in 0 ..< count {
                var box = BoundingBox.empty
                for i in starts[3 * k] ..< starts[3 * k + 3] { box.extend(x: p[2 * i], y: p[2 * i + 1]) }
                boxes[4 * k] = box.minX; boxes[4 * k + 1] = box.minY; boxes[4 * k + 2] = box.maxX; boxes[4 * k + 3] = box.maxY
            }
        }
    }

    /// The shapes of `chunks` one after the other.
    init(concatenating chunks: [PlanarShapes]) {
        for c in chunks {
            let position = xy.count / 2, part = parts.count / 2, polygon = polygons.count
            xy += c.xy
            parts += c.parts
            polygons += c.polygons
            boxes += c.boxes
            for k in stride(from: 1, through: c.count, by: 1) {
                starts.append(c.starts[3 * k] + position)
                starts.append(c.starts[3 * k + 1] + part)
                starts.append(c.starts[3 * k + 2] + polygon)
            }
        }
    }

    init() {}

    /// Whether shape `k` has no position.
    func isEmpty(_ k: Int) -> Bool { starts[3 * k] == starts[3 * k + 3] }

    /// Whether shape `k` has polygons.
    func isAreal(_ k: Int) -> Bool { starts[3 * k + 2] != starts[3 * k + 5] }

    /// Shape `k`'s box in metres; ``BoundingBox/farAwayBox`` for an empty shape (no search finds it).
    func box(_ k: Int) -> BoundingBox {
        isEmpty(k) ? .farAwayBox : BoundingBox(minX: boxes[4 * k], minY: boxes[4 * k + 1], maxX: boxes[4 * k + 2], maxY: boxes[4 * k + 3])
    }

    /// The shapes read in place, valid only inside the call that made them.
    struct Views: @unchecked Sendable {
        fileprivate let xy: UnsafePointer<Double>?
        fileprivate let parts: UnsafePointer<Int32>?
        fileprivate let polygons: UnsafePointer<Int32>?
        fileprivate let starts: UnsafePointer<Int>
        fileprivate let boxes: UnsafePointer<Double>?
        let count: Int

        @inline(__always)
        subscript(k: Int) -> PlanarShapeView {
            let p0 = starts[3 * k], p1 = starts[3 * k + 3]
            let r0 = starts[3 * k + 1], r1 = starts[3 * k + 4]
            let g0 = starts[3 * k + 2], g1 = starts[3 * k + 5]
            guard p1 > p0, let xy, let parts, let boxes else {
                return PlanarShapeView(xy: UnsafeBufferPointer(start: nil, count: 0), parts: UnsafeBufferPointer(start: nil, count: 0),
                                       polygons: UnsafeBufferPointer(start: nil, count: 0),
                                       minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)
            }
            return PlanarShapeView(xy: UnsafeBufferPointer(start: xy + 2 * p0, count: 2 * (p1 - p0)),
                                   parts: UnsafeBufferPointer(start: parts + 2 * r0, count: 2 * (r1 - r0)),
                                   polygons: UnsafeBufferPointer(start: g1 > g0 ? polygons! + g0 : nil, count: g1 - g0),
                                   minX: boxes[4 * k], minY: boxes[4 * k + 1], maxX: boxes[4 * k + 2], maxY: boxes[4 * k + 3])
        }
    }

    /// Calls `body` with every shape read in place.
    func withViews<R>(_ body: (Views) throws -> R) rethrows -> R {
        try xy.withUnsafeBufferPointer { p in
            try parts.withUnsafeBufferPointer { r in
                try polygons.withUnsafeBufferPointer { g in
                    try starts.withUnsafeBufferPointer { s in
                        try boxes.withUnsafeBufferPointer { b in
                            try body(Views(xy: p.baseAddress, parts: r.baseAddress, polygons: g.baseAddress,
                                           starts: s.baseAddress!, boxes: b.baseAddress, count: count))
                        }
                    }
                }
            }
        }
    }
}
