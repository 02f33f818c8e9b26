/// Points bucketed in a uniform grid of square cells: for "every point within this box"
/// queries around a known radius, a handful of array reads instead of a tree descent.
///
/// Cells are stored compressed (CSR): the points of cell `c` are
/// `items[cellStart[c] ..< cellStart[c + 1]]`. The cell size grows when the extent would
/// need more than four cells per point, so memory stays proportional to the points.
/// Immutable and read through plain pointers, so any number of threads may query it.
public final class PointGrid: @unchecked Sendable {
    public let cellSize: Double
    private let originX: Double, originY: Double
    private let columns: Int, rows: Int
    private let cellStart: FrozenBuffer<Int32>
    private let items: FrozenBuffer<Int32>
    /// x, y of each item in `items` order, so a query reads one contiguous run.
    private let xy: FrozenBuffer<Double>

    /// Buckets `points` (nil ones are left out) in cells of about `cellSize`.
    public init(points: [Point?], cellSize: Double) {
        var box = BoundingBox.empty
        var present = 0
        for p in points { if let p { box.extend(x: p.x, y: p.y); present += 1 } }
        if box.isEmpty { box = BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0) }
        var size = Swift.max(cellSize, 1e-9)
        let limit = Double(Swift.max(4 * present, 1024))
        while ((box.width / size) + 1) * ((box.height / size) + 1) > limit { size *= 2 }
        self.cellSize = size
        originX = box.minX
        originY = box.minY
        columns = Int(box.width / size) + 1
        rows = Int(box.height / size) + 1
        var counts = [Int32](repeating: 0, count: columns * rows + 1)
        var cellOf = [Int](repeating: -1, count: points.count)
        for (i, p) in points.enumerated() {
            guard let p else { continue }
            let c = Swift.min(Int((p.x - box.minX) / size), columns - 1) + columns * Swift.min(Int((p.y - box.minY) / size), rows - 1)
            cellOf[i] = c
            counts[c + 1] += 1
        }
        for c in 0 ..< columns * rows { counts[c + 1] += counts[c] }
        var next = counts
        var items = [Int32](repeating: 0, count: present)
        var xy = [Double](repeating: 0, count: 2 * present)
        for (i, c) in cellOf.enumerated() where c >= 0 {
            let k = Int(next[c])
            items[k] = Int32(i)
            xy[2 * k] = points[i]!.x
            xy[2 * k + 1] = points[i]!.y
            next[c] += 1
        }
        cellStart = FrozenBuffer(counts)
        self.items = FrozenBuffer(items)
        self.xy = FrozenBuffer(xy)
    }

    /// Calls `body(item, x, y)` for every point inside `[minX, maxX] × [minY, maxY]`.
    @inline(__always)
    public func forEach(minX: Double, minY: Double, maxX: Double, maxY: Double, _ body: (Int, Double, Double) -> Void) {
        guard maxX >= originX, maxY >= originY, minX <= maxX, minY <= maxY else { return }
        // Clamped as doubles first, so no box (however large) overflows an Int.
        func cell(_ v: Double, _ origin: Double, _ last: Int) -> Int {
            Int(Swift.min(Swift.max((v - origin) / cellSize, 0), Double(last)))
        }
        let c0 = cell(minX, originX, columns - 1), r0 = cell(minY, originY, rows - 1)
        let c1 = cell(maxX, originX, columns - 1), r1 = cell(maxY, originY, rows - 1)
        let starts = cellStart.pointer, ids = items.pointer, p = xy.pointer
        for r in r0 ... r1 {
            // A row of cells is one contiguous run of items.
            let from = Int(starts[r * columns + c0]), to = Int(starts[r * columns + c1 + 1])
            var k = from
            while k < to {
                let x = p[2 * k], y = p[2 * k + 1]
                if x >= minX && x <= maxX && y >= minY && y <= maxY { body(Int(ids[k]), x, y) }
                k += 1
            }
        }
    }
}
