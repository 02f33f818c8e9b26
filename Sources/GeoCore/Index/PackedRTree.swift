/// A static R-tree packed along a Hilbert curve (the Flatbush layout): boxes in flat arrays,
/// built once, queried without allocation. Sendable and immutable after it is built.
public struct PackedRTree: @unchecked Sendable {
    /// Children per node.
    public let nodeSize: Int
    /// Number of indexed items.
    public let count: Int
    /// minX, minY, maxX, maxY of every node, leaves first, then level by level to the root.
    private let boxStorage: FrozenBuffer<Double>
    /// For a leaf: the item's index; for an inner node: the position of its first child.
    private let indexStorage: FrozenBuffer<Int32>
    /// End position (exclusive) of each level, leaves first.
    private let levelStorage: FrozenBuffer<Int>
    // Plain pointers into the buffers above (kept alive by them): no reference counting
    // when a query runs.
    private let boxes: UnsafePointer<Double>
    private let indices: UnsafePointer<Int32>
    private let levelEnds: UnsafePointer<Int>
    private let levelCount: Int

    /// Indexes `items`; an item's position in the array is its index in query results.
    public init(_ items: [BoundingBox], nodeSize: Int = 16) {
        precondition(nodeSize >= 2)
        self.nodeSize = nodeSize
        count = items.count
        var ends = [items.count]
        var n = items.count
        repeat {
            n = (n + nodeSize - 1) / nodeSize
            ends.append(ends.last! + n)
        } while n > 1 && items.count > 0
        let total = ends.last!
        var boxes = [Double](repeating: 0, count: total * 4)
        var indices = [Int32](repeating: 0, count: total)

        // Leaves in Hilbert order of their centres.
        var extent = BoundingBox.empty
        for b in items { extent.extend(b) }
        let w = extent.width > 0 ? extent.width : 1
        let h = extent.height > 0 ? extent.height : 1
        // Hilbert values once per item (not per comparison), then sort (value, index) pairs.
        var keyed = items.indices.map { (UInt64(Self.hilbert(items[$0], extent, w, h)) << 32) | UInt64($0) }
        keyed.sort()
        let order = keyed.map { Int($0 & 0xFFFF_FFFF) }
        for (pos, item) in order.enumerated() {
            let b = items[item]
            boxes[4 * pos] = b.minX
            boxes[4 * pos + 1] = b.minY
            boxes[4 * pos + 2] = b.maxX
            boxes[4 * pos + 3] = b.maxY
            indices[pos] = Int32(item)
        }
        // Inner nodes: the union of each run of `nodeSize` children.
        var levelStart = 0
        for level in 0 ..< ends.count - 1 {
            let levelEnd = ends[level]
            var parent = levelEnd
            var child = levelStart
            while child < levelEnd {
                var box = BoundingBox.empty
                let first = child
                let last = Swift.min(child + nodeSize, levelEnd)
                while child < last {
                    box.extend(BoundingBox(minX: boxes[4 * child], minY: boxes[4 * child + 1],
                                           maxX: boxes[4 * child + 2], maxY: boxes[4 * child + 3]))
                    child += 1
                }
                boxes[4 * parent] = box.minX
                boxes[4 * parent + 1] = box.minY
                boxes[4 * parent + 2] = box.maxX
                boxes[4 * parent + 3] = box.maxY
                indices[parent] = Int32(first)
                parent += 1
            }
            levelStart = levelEnd
        }
        boxStorage = FrozenBuffer(boxes)
        indexStorage = FrozenBuffer(indices)
        levelStorage = FrozenBuffer(ends)
        self.boxes = boxStorage.pointer
        self.indices = indexStorage.pointer
        self.levelEnds = levelStorage.pointer
        levelCount = ends.count
    }

    /// Position on a 2^16 × 2^16 Hilbert curve of a box's centre.
    private static func hilbert(_ b: BoundingBox, _ e: BoundingBox, _ w: Double, _ h: Double) -> UInt32 {
        let n: UInt32 = 1 << 16
        var x = UInt32(Swift.min(Double(n - 1), ((b.minX + b.maxX) / 2 - e.minX) / w * Double(n - 1)))
        var y = UInt32(Swift.min(Double(n - 1), ((b.minY + b.maxY) / 2 - e.minY) / h * Double(n - 1)))
        var d: UInt32 = 0
        var s = n / 2
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0
            let ry: UInt32 = (y & s) > 0 ? 1 : 0
            d &+= s &* s &* ((3 &* rx) ^ ry)
            if ry == 0 {
                if rx == 1 {
                    x = s &- 1 &- x
                    y = s &- 1 &- y
                }
                swap(&x, &y)
            }
            s /= 2
        }
        return d
    }

    /// Calls `body` with every item whose box intersects `[minX, maxX] × [minY, maxY]`
    /// (boundaries included); `body` returns false to stop early.
    @inline(__always)
    public func search(minX: Double, minY: Double, maxX: Double, maxY: Double, _ body: (Int) -> Bool) {
        guard count > 0 else { return }
        // Depth-first with a stack on the machine stack: at most `nodeSize` pending children
        // per level, so no allocation per query.
        let capacity = 2 * nodeSize * levelCount
        let bx = boxes, ix = indices, ends = levelEnds, size = nodeSize
        withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { stack in
            var top = 0
            var level = levelCount - 1
            var node = ends[level] - 1
            while true {
                let end = Swift.min(node + size, ends[level])
                var pos = node
                while pos < end {
                    if bx[4 * pos] <= maxX && bx[4 * pos + 1] <= maxY && bx[4 * pos + 2] >= minX && bx[4 * pos + 3] >= minY {
                        if level == 0 {
                            if !body(Int(ix[pos])) { return }
                        } else {
                            stack[top] = Int(ix[pos])
                            stack[top + 1] = level - 1
                            top += 2
                        }
                    }
                    pos += 1
                }
                guard top > 0 else { return }
                top -= 2
                node = stack[top]
                level = stack[top + 1]
            }
        }
    }

    /// Items whose box contains the point.
    @inline(__always)
    public func search(x: Double, y: Double, _ body: (Int) -> Bool) {
        search(minX: x, minY: y, maxX: x, maxY: y, body)
    }

    /// Items whose box intersects `box`, in no particular order.
    public func items(intersecting box: BoundingBox) -> [Int] {
        var found: [Int] = []
        search(minX: box.minX, minY: box.minY, maxX: box.maxX, maxY: box.maxY) { found.append($0); return true }
        return found
    }

    /// The smallest distance from a point to a node's box (0 inside).
    @inline(__always)
    private func boxDistance(_ pos: Int, _ x: Double, _ y: Double) -> Double {
        let dx = Swift.max(boxes[4 * pos] - x, 0, x - boxes[4 * pos + 2])
        let dy = Swift.max(boxes[4 * pos + 1] - y, 0, y - boxes[4 * pos + 3])
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Items in order of increasing exact distance from a point, up to `maxDistance`:
    /// best-first search on box distances, each candidate refined by `distance(item)`.
    /// `body` receives (item, distance) and returns false to stop.
    public func nearest(x: Double, y: Double, maxDistance: Double = .infinity,
                        distance: (Int) -> Double, _ body: (Int, Double) -> Bool) {
        guard count > 0 else { return }
        // Entries: (distance, kind, payload): kind 0 = node position with level, 1 = item to
        // refine, 2 = item with exact distance.
        var queue = MinHeap()
        let root = levelEnds[levelCount - 1] - 1
        queue.push(.init(distance: 0, kind: 0, position: root, level: levelCount - 1))
        while let top = queue.pop() {
            if top.distance > maxDistance { return }
            switch top.kind {
            case 0:
                let end = Swift.min(top.position + nodeSize, levelEnds[top.level])
                for pos in top.position ..< end {
                    let d = boxDistance(pos, x, y)
                    if d > maxDistance { continue }
                    if top.level == 0 {
                        queue.push(.init(distance: d, kind: 1, position: Int(indices[pos]), level: 0))
                    } else {
                        queue.push(.init(distance: d, kind: 0, position: Int(indices[pos]), level: top.level - 1))
                    }
                }
            case 1:
                let d = distance(top.position)
                if d <= maxDistance {
                    queue.push(.init(distance: d, kind: 2, position: top.position, level: 0))
                }
            default:
                if !body(top.position, top.distance) { return }
            }
        }
    }
}

/// A binary min-heap for best-first search; ties broken by kind then position so results
/// are deterministic.
private struct MinHeap {
    struct Entry {
        var distance: Double
        var kind: Int
        var position: Int
        var level: Int

        func precedes(_ other: Entry) -> Bool {
            if distance != other.distance { return distance < other.distance }
            if kind != other.kind { return kind > other.kind }
            return position < other.position
        }
    }

    private var items: [Entry] = []

    mutating func push(_ e: Entry) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].precedes(items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count && items[l].precedes(items[best]) { best = l }
                if r < items.count && items[r].precedes(items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return top
    }
}
