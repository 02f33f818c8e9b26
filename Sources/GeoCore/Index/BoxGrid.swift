/// A uniform grid over a few thousand boxes, for many small queries: each query box looks at
/// the few cells it covers, where a tree would walk from its root. Built once (counts, then
/// one flat array of box indices per cell, and their boxes), queried without allocation but
/// for a per-caller ``Visits`` buffer that reports each box once.
public struct BoxGrid: Sendable {
    private let originX: Double, originY: Double
    private let cellWidth: Double, cellHeight: Double
    /// 1 / cellWidth and 1 / cellHeight: every cell index, stored or looked up, is a product.
    private let perWidth: Double, perHeight: Double
    private let columns: Int, rows: Int
    /// Cell `c` holds `items[cellStart[c] ..< cellStart[c + 1]]`.
    private let cellStart: [Int32]
    private let items: [Int32]
    /// The box of each entry of `items`, flat (minX, minY, maxX, maxY), in the same order: a
    /// search reads a cell's boxes in sequence, not each from wherever its index points
    /// (a cache miss per candidate, waiting on the one that read the index).
    private let itemBounds: [Double]
    /// One bit per cell, set when the cell holds a box: a query in an empty cell (most of them,
    /// with fine cells) reads 8 bytes that stay in cache instead of the cell's start.
    private let occupied: [UInt64]
    /// How many boxes were given (left-out ones included).
    private let boxCount: Int

    /// Indexes `boxes` (an infinite or empty box is left out) in cells of about `cellsPerBox`
    /// cells per box on average, at most `maximumCells` cells.
    public init(_ boxes: [BoundingBox], cellsPerBox: Double = 4, maximumCells: Int = 1 << 22) {
        var extent = BoundingBox.empty
        var flat = [Double](repeating: .nan, count: 4 * boxes.count)
        for (i, b) in boxes.enumerated() where b.minX.isFinite && b.maxX.isFinite && b.minY.isFinite && b.maxY.isFinite && b.minX <= b.maxX && b.minY <= b.maxY {
            extent.extend(b)
            flat[4 * i] = b.minX; flat[4 * i + 1] = b.minY; flat[4 * i + 2] = b.maxX; flat[4 * i + 3] = b.maxY
        }
        boxCount = boxes.count
        let n = max(1, boxes.count)
        let w = max(extent.isEmpty ? 1 : extent.width, 1e-12), h = max(extent.isEmpty ? 1 : extent.height, 1e-12)
        let cells = min(Double(maximumCells), max(1, cellsPerBox * Double(n)))
        let side = (w * h / cells).squareRoot()
        columns = max(1, min(Int((w / side).rounded(.up)), maximumCells))
        rows = max(1, min(Int((h / side).rounded(.up)), maximumCells / columns))
        originX = extent.isEmpty ? 0 : extent.minX
        originY = extent.isEmpty ? 0 : extent.minY
        cellWidth = w / Double(columns)
        cellHeight = h / Double(rows)
        perWidth = 1 / cellWidth
        perHeight = 1 / cellHeight
        // Counts, prefix sums, then the lists: plain buffers and loops (a closure over the
        // arrays made every count an exclusivity-checked access; `conflicts` builds its grid
        // on one core, so this is wall time).
        let cols = columns, rws = rows, ox = originX, oy = originY, pw = perWidth, ph = perHeight
        let cellCount = columns * rows
        var counts = [Int32](repeating: 0, count: cellCount + 1)
        var total = 0
        flat.withUnsafeBufferPointer { b in
            counts.withUnsafeMutableBufferPointer { n in
                for i in 0 ..< b.count / 4 where !b[4 * i].isNaN {
                    let c0 = Self.clamp((b[4 * i] - ox) * pw, cols), c1 = Self.clamp((b[4 * i + 2] - ox) * pw, cols)
                    let r0 = Self.clamp((b[4 * i + 1] - oy) * ph, rws), r1 = Self.clamp((b[4 * i + 3] - oy) * ph, rws)
                    for r in r0 ... r1 { for c in c0 ... c1 { n[r * cols + c + 1] &+= 1 } }
                }
                for c in 0 ..< cellCount { n[c + 1] &+= n[c] }
                total = Int(n[cellCount])
            }
        }
        var list = [Int32](repeating: 0, count: total)
        var listBounds = [Double](repeating: 0, count: 4 * total)
        var bits = [UInt64](repeating: 0, count: (cellCount + 63) / 64)
        flat.withUnsafeBufferPointer { b in
            counts.withUnsafeMutableBufferPointer { n in
                list.withUnsafeMutableBufferPointer { out in
                  listBounds.withUnsafeMutableBufferPointer { outBounds in
                    // Fill each cell from its end backwards: n[cell + 1] counts down to the cell's start.
                    for i in stride(from: b.count / 4 - 1, through: 0, by: -1) where !b[4 * i].isNaN {
                        let c0 = Self.clamp((b[4 * i] - ox) * pw, cols), c1 = Self.clamp((b[4 * i + 2] - ox) * pw, cols)
                        let r0 = Self.clamp((b[4 * i + 1] - oy) * ph, rws), r1 = Self.clamp((b[4 * i + 3] - oy) * ph, rws)
                        for r in r0 ... r1 {
                            for c in c0 ... c1 {
                                let at = Int(n[r * cols + c + 1]) - 1
                                n[r * cols + c + 1] = Int32(at)
                                out[at] = Int32(i)
                                for k in 0 ..< 4 { outBounds[4 * at + k] = b[4 * i + k] }
                            }
                        }
                    }
                  }
                }
                // n[c + 1] is now cell c's start; the last cell ends at the total.
                for c in 0 ..< cellCount { n[c] = n[c + 1] }
                n[cellCount] = Int32(total)
                bits.withUnsafeMutableBufferPointer { bit in
                    for c in 0 ..< cellCount where n[c + 1] > n[c] { bit[c >> 6] |= 1 << UInt64(c & 63) }
                }
            }
        }
        cellStart = counts
        items = list
        itemBounds = listBounds
        occupied = bits
    }

    @inline(__always)
    private static func clamp(_ v: Double, _ limit: Int) -> Int {
        !(v > 0) ? 0 : v >= Double(limit - 1) ? limit - 1 : Int(v)   // NaN: the first cell
    }

    /// The grid's rows, for sharing ``forEachOverlappingPair(rows:_:)`` between threads.
    public var rowCount: Int { rows }

    /// Calls `body(i, j)`, `i < j`, once for every two indexed boxes that intersect
    /// (boundaries included) whose pair falls in `rows`: a pair belongs to the cell holding
    /// the lower-left corner of the two boxes' intersection, a cell both boxes cover. A
    /// self-join without queries: each cell's few boxes are compared with each other.
    public func forEachOverlappingPair(rows range: Range<Int>, _ body: (Int, Int) -> Void) {
        cellStart.withUnsafeBufferPointer { starts in
            items.withUnsafeBufferPointer { list in
                itemBounds.withUnsafeBufferPointer { b in
                    for r in range {
                        for c in 0 ..< columns {
                            let cell = r * columns + c
                            let first = Int(starts[cell]), end = Int(starts[cell + 1])
                            guard end - first > 1 else { continue }
                            for x in first ..< end - 1 {
                                let iMinX = b[4 * x], iMinY = b[4 * x + 1], iMaxX = b[4 * x + 2], iMaxY = b[4 * x + 3]
                                for y in x + 1 ..< end {
                                    guard b[4 * y] <= iMaxX && b[4 * y + 2] >= iMinX && b[4 * y + 1] <= iMaxY && b[4 * y + 3] >= iMinY else { continue }
                                    let cornerX = Swift.max(iMinX, b[4 * y]), cornerY = Swift.max(iMinY, b[4 * y + 1])
                                    guard Self.clamp((cornerX - originX) * perWidth, columns) == c,
                                          Self.clamp((cornerY - originY) * perHeight, rows) == r else { continue }
                                    let i = Int(list[x]), j = Int(list[y])
                                    if i < j { body(i, j) } else { body(j, i) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Which boxes a query has reported already; one per thread, sized by ``visits()``.
    public struct Visits {
        fileprivate var stamp: [Int32]
        fileprivate var round: Int32 = 0
    }

    public func visits() -> Visits { Visits(stamp: [Int32](repeating: -1, count: boxCount)) }

    /// Calls `body` once with every indexed box that intersects `[minX, maxX] × [minY, maxY]`
    /// (boundaries included), as ``PackedRTree/search(minX:minY:maxX:maxY:_:)`` does, in no
    /// particular order.
    @inline(__always)
    public func search(minX: Double, minY: Double, maxX: Double, maxY: Double, visits: inout Visits, _ body: (Int) -> Void) {
        let c0 = Self.clamp((minX - originX) * perWidth, columns), c1 = Self.clamp((maxX - originX) * perWidth, columns)
        let r0 = Self.clamp((minY - originY) * perHeight, rows), r1 = Self.clamp((maxY - originY) * perHeight, rows)
        if c0 == c1 && r0 == r1 {
            // One cell (most queries): each box is in it once, no need to remember which were seen.
            let cell = r0 * columns + c0
            if occupied.withUnsafeBufferPointer({ $0[cell >> 6] & (1 << UInt64(cell & 63)) }) == 0 { return }
            cellStart.withUnsafeBufferPointer { starts in
                var k = Int(starts[cell])
                let end = Int(starts[cell + 1])
                guard k < end else { return }
                items.withUnsafeBufferPointer { list in
                    itemBounds.withUnsafeBufferPointer { b in
                        while k < end {
                            if b[4 * k] <= maxX && b[4 * k + 1] <= maxY && b[4 * k + 2] >= minX && b[4 * k + 3] >= minY { body(Int(list[k])) }
                            k += 1
                        }
                    }
                }
            }
            return
        }
        if visits.round == Int32.max {
            for i in visits.stamp.indices { visits.stamp[i] = -1 }
            visits.round = 0
        }
        visits.round += 1
        let round = visits.round
        // The bitmap first here too: a building's box covers a few fine cells, mostly empty,
        // and each empty cell's start would be a cache miss.
        occupied.withUnsafeBufferPointer { occupied in
            cellStart.withUnsafeBufferPointer { starts in
                items.withUnsafeBufferPointer { list in
                    itemBounds.withUnsafeBufferPointer { b in
                        for r in r0 ... r1 {
                            for c in c0 ... c1 {
                                let cell = r * columns + c
                                if occupied[cell >> 6] & (1 << UInt64(cell & 63)) == 0 { continue }
                                var k = Int(starts[cell])
                                let end = Int(starts[cell + 1])
                                while k < end {
                                    // The box first (read in sequence), the stamp only for a box that meets the query.
                                    if b[4 * k] <= maxX && b[4 * k + 1] <= maxY && b[4 * k + 2] >= minX && b[4 * k + 3] >= minY {
                                        let i = Int(list[k])
                                        if visits.stamp[i] != round {
                                            visits.stamp[i] = round
                                            body(i)
                                        }
                                    }
                                    k += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
