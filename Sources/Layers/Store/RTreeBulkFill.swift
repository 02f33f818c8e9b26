/// Fills an empty SQLite R*Tree (a SpatiaLite spatial index) in one go, by writing its three
/// shadow tables from a Hilbert-packed tree built here, instead of inserting one box at a time.
///
/// SQLite has no bulk loader for R*Trees, and each insert through the virtual table chooses a
/// leaf, rewrites it and its ancestors and maps the rowid: about 10 µs a box. The file format
/// is documented in SQLite's rtree.c: `<name>_node(nodeno, data)` holds each node as a blob of
/// the tree's node size (node 1 is the root and its first two bytes give the tree's depth;
/// then a 2-byte cell count, then cells of an 8-byte rowid or child node number and four
/// 4-byte floats, all big-endian); `<name>_rowid(rowid, nodeno)` maps every entry to its
/// leaf; `<name>_parent(nodeno, parentnode)` maps every other node to its parent.
///
/// Boxes are rounded outward to floats exactly as the virtual table rounds an inserted box
/// (`rtreeValueDown`, `rtreeValueUp`), so the leaves hold what inserts would have put there.
/// Tests check the result with SQLite's own `rtreecheck()`, against boxes inserted one at a
/// time, and with spatial queries against a full scan.
///
/// Memory stays bounded however many boxes come: the entries are sorted into Hilbert order,
/// and the rowid → leaf map back into rowid order, by ``RecordSpool``s (``runLength`` in
/// memory, the rest in a temporary file); only the levels above the leaves (a 51st of the
/// entries and less) are kept whole.
struct RTreeBulkFill {
    /// A box, its row and, once every box is in, the Hilbert index of its centre.
    struct Entry {
        var hilbert: UInt32 = 0
        var minX, maxX, minY, maxY: Float
        var rowid: Int64
    }

    /// A row and the leaf that holds its box.
    struct RowLeaf {
        var rowid: Int64
        var leaf: Int64
    }

    /// The entries (and rowid → leaf pairs) held in memory at most.
    let runLength: Int

    /// The entries in the order added, which is rowid order.
    private let entries: RecordSpool<Entry>
    /// The extent of the boxes' centres.
    private var centres = (minX: Double.infinity, maxX: -Double.infinity, minY: Double.infinity, maxY: -Double.infinity)

    private(set) var count = 0

    /// A fill holding at most `runLength` entries in memory (the default, 2^17, is 4 MiB).
    init(runLength: Int = 1 << 17) {
        self.runLength = runLength
        entries = RecordSpool(runLength: runLength) { $0.hilbert != $1.hilbert ? $0.hilbert < $1.hilbert : $0.rowid < $1.rowid }
    }

    /// Adds the box of row `rowid`. Rows must come in increasing rowid order.
    mutating func add(rowid: Int64, minX: Double, maxX: Double, minY: Double, maxY: Double) throws {
        let e = Entry(minX: Self.down(minX), maxX: Self.up(maxX), minY: Self.down(minY), maxY: Self.up(maxY), rowid: rowid)
        let (cx, cy) = Self.centre(of: e)
        centres = (Swift.min(centres.minX, cx), Swift.max(centres.maxX, cx), Swift.min(centres.minY, cy), Swift.max(centres.maxY, cy))
        try entries.append(e)
        count += 1
    }

    @inline(__always) private static func centre(of e: Entry) -> (Double, Double) {
        ((Double(e.minX) + Double(e.maxX)) / 2, (Double(e.minY) + Double(e.maxY)) / 2)
    }

    /// SQLite's `rtreeValueDown`: the largest float not above `d` (almost: SQLite nudges by
    /// one part in 2^23 and rounds, and so does this).
    static func down(_ d: Double) -> Float {
        var f = Float(d)
        if Double(f) > d { f = Float(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0)) }
        return f
    }

    /// SQLite's `rtreeValueUp`.
    static func up(_ d: Double) -> Float {
        var f = Float(d)
        if Double(f) < d { f = Float(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0)) }
        return f
    }

    /// Writes the tree into the shadow tables of the R*Tree virtual table `name`, which must
    /// be empty (as `CreateSpatialIndex` leaves it on an empty table). Runs inside the
    /// caller's transaction; the entries are used up.
    func write(into db: SpatiaLiteConnection, table name: String) throws {
        guard count > 0 else { return }
        let nodeTable = SQL.identifier(name + "_node")
        guard let sizeText = try db.scalarText("SELECT length(data) FROM \(nodeTable) WHERE nodeno = 1"),
              let nodeSize = Int(sizeText), nodeSize > 4 + 24 else {
            throw StoreError.sql(statement: "R*Tree root", reason: "the spatial index \(name) has no root node")
        }
        if try db.scalarText("SELECT count(*) FROM \(SQL.identifier(name + "_rowid"))") != "0" {
            throw StoreError.sql(statement: "R*Tree fill", reason: "the spatial index \(name) is not empty")
        }
        let capacity = min((nodeSize - 4) / 24, 51)
        let nodes = NodeWriter(nodeSize: nodeSize,
                               insertNode: try db.prepare("INSERT OR REPLACE INTO \(nodeTable) (nodeno, data) VALUES (?, ?)"),
                               insertParent: try db.prepare("INSERT INTO \(SQL.identifier(name + "_parent")) (nodeno, parentnode) VALUES (?, ?)"))
        let insertRowid = try db.prepare("INSERT INTO \(SQL.identifier(name + "_rowid")) (rowid, nodeno) VALUES (?, ?)")

        // The leaves: the entries in Hilbert order of their centres on a 2^16 grid over the
        // centres' extent (ties in rowid order), each row's leaf spooled for the rowid map.
        let c = centres
        let sx = c.maxX > c.minX ? 65535 / (c.maxX - c.minX) : 0, sy = c.maxY > c.minY ? 65535 / (c.maxY - c.minY) : 0
        let rowLeaves = RecordSpool<RowLeaf>(runLength: runLength) { $0.rowid < $1.rowid }
        var level = Level(cells: count, capacity: capacity)
        try entries.drain(preparing: { e in
            let (cx, cy) = Self.centre(of: e)
            e.hilbert = Self.hilbert(UInt32((cx - c.minX) * sx), UInt32((cy - c.minY) * sy))
        }) { e in
            let leaf = try nodes.add(e.rowid, box: (e.minX, e.maxX, e.minY, e.maxY), to: &level, isLeaf: true)
            try rowLeaves.append(RowLeaf(rowid: e.rowid, leaf: leaf))
        }
        // The levels above, each from the one below until one node, the root, holds them all.
        while level.cells > capacity {
            let children = level.parents
            level = Level(cells: children.count, capacity: capacity, depth: level.depth + 1)
            for child in children {
                _ = try nodes.add(child.node, box: child.box, to: &level, isLeaf: false)
            }
        }
        try rowLeaves.drain(preparing: { _ in }) { r in
            insertRowid.reset()
            try insertRowid.bind(.integer(r.rowid), at: 1)
            try insertRowid.bind(.integer(r.leaf), at: 2)
            while try insertRowid.step() {}
        }
    }

    /// One level of the tree being packed: its cells, in order, go into nodes of even shares.
    private struct Level {
        typealias Box = (Float, Float, Float, Float)
        let cells: Int
        let depth: Int
        let nodeCount: Int
        /// The node being filled (0 to nodeCount - 1), and the cell that ends it.
        var node = 0
        var nodeEnd: Int
        var added = 0
        /// Each node written: its number and the box of its cells.
        var parents: [(node: Int64, box: Box)] = []

        init(cells: Int, capacity: Int, depth: Int = 0) {
            self.cells = cells
            self.depth = depth
            nodeCount = cells <= capacity ? 1 : (cells + capacity - 1) / capacity
            // Even shares: every node holds cells/nodeCount, give or take one.
            nodeEnd = cells / nodeCount
        }

        var isRoot: Bool { nodeCount == 1 }
    }

    /// Writes nodes into `<name>_node` (and non-leaf nodes' children into `<name>_parent`),
    /// numbered 2, 3, … in the order filled; the root is node 1.
    private final class NodeWriter {
        let insertNode: Statement
        let insertParent: Statement
        var data: [UInt8]
        var cellsInNode = 0
        var box: Level.Box = (.infinity, -.infinity, .infinity, -.infinity)
        var nextNode: Int64 = 2
        var current: Int64 = 0

        init(nodeSize: Int, insertNode: Statement, insertParent: Statement) {
            data = [UInt8](repeating: 0, count: nodeSize)
            self.insertNode = insertNode
            self.insertParent = insertParent
        }

        /// Adds a cell (a rowid in a leaf, a child node above) to `level`'s current node,
        /// writing the node when it is full; returns the node's number.
        func add(_ id: Int64, box b: Level.Box, to level: inout Level, isLeaf: Bool) throws -> Int64 {
            if cellsInNode == 0 {
                current = level.isRoot ? 1 : nextNode
                if !level.isRoot { nextNode += 1 }
                for k in data.indices { data[k] = 0 }
                if level.isRoot { put16(UInt16(level.depth), at: 0) }
            }
            let offset = 4 + 24 * cellsInNode
            put64(UInt64(bitPattern: id), at: offset)
            put32(b.0.bitPattern, at: offset + 8)
            put32(b.1.bitPattern, at: offset + 12)
            put32(b.2.bitPattern, at: offset + 16)
            put32(b.3.bitPattern, at: offset + 20)
            box = (min(box.0, b.0), max(box.1, b.1), min(box.2, b.2), max(box.3, b.3))
            cellsInNode += 1
            level.added += 1
            if !isLeaf {
                insertParent.reset()
                try insertParent.bind(.integer(id), at: 1)
                try insertParent.bind(.integer(current), at: 2)
                while try insertParent.step() {}
            }
            let node = current
            if level.added == level.nodeEnd {
                put16(UInt16(cellsInNode), at: 2)
                insertNode.reset()
                try insertNode.bind(.integer(node), at: 1)
                try insertNode.bindBlob(data, at: 2)
                while try insertNode.step() {}
                level.parents.append((node, box))
                box = (.infinity, -.infinity, .infinity, -.infinity)
                cellsInNode = 0
                level.node += 1
                if level.node < level.nodeCount {
                    level.nodeEnd += (level.cells - level.nodeEnd) / (level.nodeCount - level.node)
                }
            }
            return node
        }

        private func put16(_ v: UInt16, at o: Int) {
            data[o] = UInt8(v >> 8); data[o + 1] = UInt8(v & 0xFF)
        }

        private func put32(_ v: UInt32, at o: Int) {
            data[o] = UInt8(v >> 24); data[o + 1] = UInt8((v >> 16) & 0xFF); data[o + 2] = UInt8((v >> 8) & 0xFF); data[o + 3] = UInt8(v & 0xFF)
        }

        private func put64(_ v: UInt64, at o: Int) {
            put32(UInt32(v >> 32), at: o)
            put32(UInt32(v & 0xFFFF_FFFF), at: o + 4)
        }
    }

    /// The distance along the Hilbert curve of (x, y) on a 2^16 × 2^16 grid.
    static func hilbert(_ x: UInt32, _ y: UInt32) -> UInt32 {
        var x = x, y = y, d: UInt32 = 0
        var s: UInt32 = 1 << 15
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0
            let ry: UInt32 = (y & s) > 0 ? 1 : 0
            d = d &+ s &* s &* ((3 &* rx) ^ ry)
            if ry == 0 {
                if rx == 1 { x = 65535 &- x; y = 65535 &- y }
                swap(&x, &y)
            }
            s >>= 1
        }
        return d
    }
}
