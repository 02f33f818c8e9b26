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
struct RTreeBulkFill {
    /// The first entry's rowid: while the rowids run on from it one by one (a new table's
    /// rows, every one with a geometry), they are implied by the entries' order.
    private var firstRowid: Int64 = 0
    /// Every entry's rowid, kept only once they stop running on one by one.
    private var explicitRowids: [Int64]?
    /// min x, max x, min y, max y per entry, rounded outward to floats.
    private(set) var boxes: [Float] = []

    private(set) var count = 0

    /// The rowid of entry `e` (in insertion order).
    @inline(__always) func rowid(_ e: Int) -> Int64 {
        explicitRowids?[e] ?? firstRowid + Int64(e)
    }

    /// Adds the box of row `rowid`. Rows must come in increasing rowid order.
    mutating func add(rowid: Int64, minX: Double, maxX: Double, minY: Double, maxY: Double) {
        if count == 0 { firstRowid = rowid }
        if explicitRowids != nil {
            explicitRowids!.append(rowid)
        } else if rowid != firstRowid + Int64(count) {
            var all = (0 ..< count).map { firstRowid + Int64($0) }
            all.append(rowid)
            explicitRowids = all
        }
        count += 1
        boxes.append(Self.down(minX))
        boxes.append(Self.up(maxX))
        boxes.append(Self.down(minY))
        boxes.append(Self.up(maxY))
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
    /// caller's transaction.
    func write(into db: SpatiaLiteConnection, table name: String) throws(StoreError) {
        guard count > 0 else { return }
        let nodeTable = SQL.identifier(name + "_node")
        guard let sizeText = try db.scalarText("SELECT length(data) FROM \(nodeTable) WHERE nodeno = 1"),
              let nodeSize = Int(sizeText), nodeSize > 4 + 24 else {
            throw .sql(statement: "R*Tree root", reason: "the spatial index \(name) has no root node")
        }
        if try db.scalarText("SELECT count(*) FROM \(SQL.identifier(name + "_rowid"))") != "0" {
            throw .sql(statement: "R*Tree fill", reason: "the spatial index \(name) is not empty")
        }
        let capacity = min((nodeSize - 4) / 24, 51)
        let insertNode = try db.prepare("INSERT OR REPLACE INTO \(nodeTable) (nodeno, data) VALUES (?, ?)")
        let insertParent = try db.prepare("INSERT INTO \(SQL.identifier(name + "_parent")) (nodeno, parentnode) VALUES (?, ?)")
        let insertRowid = try db.prepare("INSERT INTO \(SQL.identifier(name + "_rowid")) (rowid, nodeno) VALUES (?, ?)")

        // Level 0: the entries in Hilbert order of their centres, read in place through the
        // sorted keys (entry index in their low 32 bits): about 28 bytes per entry at the peak
        // (16 of box, 8 of key, 4 of leaf; 8 more when the rowids are not implied).
        let order = hilbertKeys()
        var leafOf = [Int32](repeating: 0, count: count)  // by entry (rowid order)
        // The levels above: child node numbers and boxes (1/51 of the entries and less).
        var ids: [Int64] = []
        var level: [Float] = []

        var data = [UInt8](repeating: 0, count: nodeSize)
        var nextNode: Int64 = 2
        var depth = 0
        while true {
            let leaves = depth == 0
            let n = leaves ? order.count : ids.count
            let b = leaves ? boxes : level
            let isRoot = n <= capacity
            let groups = isRoot ? 1 : (n + capacity - 1) / capacity
            var parentIDs = [Int64](); parentIDs.reserveCapacity(groups)
            var parentBoxes = [Float](); parentBoxes.reserveCapacity(4 * groups)
            var start = 0
            for g in 0 ..< groups {
                // Even shares: every node holds n/groups cells, give or take one.
                let end = start + (n - start) / (groups - g)
                let nodeno: Int64 = isRoot ? 1 : nextNode
                if !isRoot { nextNode += 1 }
                for k in data.indices { data[k] = 0 }
                if isRoot { Self.put16(UInt16(depth), at: 0, in: &data) }
                Self.put16(UInt16(end - start), at: 2, in: &data)
                var box: (Float, Float, Float, Float) = (.infinity, -.infinity, .infinity, -.infinity)
                for (c, k) in (start ..< end).enumerated() {
                    let offset = 4 + 24 * c
                    let e = leaves ? Int(order[k] & 0xFFFF_FFFF) : k
                    let id = leaves ? rowid(e) : ids[k]
                    Self.put64(UInt64(bitPattern: id), at: offset, in: &data)
                    let b0 = b[4 * e], b1 = b[4 * e + 1], b2 = b[4 * e + 2], b3 = b[4 * e + 3]
                    Self.put32(b0.bitPattern, at: offset + 8, in: &data)
                    Self.put32(b1.bitPattern, at: offset + 12, in: &data)
                    Self.put32(b2.bitPattern, at: offset + 16, in: &data)
                    Self.put32(b3.bitPattern, at: offset + 20, in: &data)
                    box = (min(box.0, b0), max(box.1, b1), min(box.2, b2), max(box.3, b3))
                    if leaves {
                        leafOf[e] = Int32(nodeno)
                    } else {
                        insertParent.reset()
                        try insertParent.bind(.integer(id), at: 1)
                        try insertParent.bind(.integer(nodeno), at: 2)
                        while try insertParent.step() {}
                    }
                }
                insertNode.reset()
                try insertNode.bind(.integer(nodeno), at: 1)
                try insertNode.bindBlob(data, at: 2)
                while try insertNode.step() {}
                parentIDs.append(nodeno)
                parentBoxes.append(contentsOf: [box.0, box.1, box.2, box.3])
                start = end
            }
            if isRoot { break }
            ids = parentIDs
            level = parentBoxes
            depth += 1
        }
        for i in 0 ..< count {
            insertRowid.reset()
            try insertRowid.bind(.integer(rowid(i)), at: 1)
            try insertRowid.bind(.integer(Int64(leafOf[i])), at: 2)
            while try insertRowid.step() {}
        }
    }

    /// The Hilbert index of each box centre on a 2^16 grid over the extent of all boxes (high
    /// 32 bits) with the entry's index (low 32 bits), sorted.
    private func hilbertKeys() -> [UInt64] {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        var i = 0
        while i < boxes.count {
            let cx = (Double(boxes[i]) + Double(boxes[i + 1])) / 2, cy = (Double(boxes[i + 2]) + Double(boxes[i + 3])) / 2
            minX = Swift.min(minX, cx); maxX = Swift.max(maxX, cx)
            minY = Swift.min(minY, cy); maxY = Swift.max(maxY, cy)
            i += 4
        }
        let sx = maxX > minX ? 65535 / (maxX - minX) : 0, sy = maxY > minY ? 65535 / (maxY - minY) : 0
        var keys = [UInt64](); keys.reserveCapacity(count)
        for e in 0 ..< count {
            let cx = (Double(boxes[4 * e]) + Double(boxes[4 * e + 1])) / 2, cy = (Double(boxes[4 * e + 2]) + Double(boxes[4 * e + 3])) / 2
            let h = Self.hilbert(UInt32((cx - minX) * sx), UInt32((cy - minY) * sy))
            keys.append(UInt64(h) << 32 | UInt64(e))
        }
        keys.sort()
        return keys
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

    @inline(__always) private static func put16(_ v: UInt16, at o: Int, in d: inout [UInt8]) {
        d[o] = UInt8(v >> 8); d[o + 1] = UInt8(v & 0xFF)
    }

    @inline(__always) private static func put32(_ v: UInt32, at o: Int, in d: inout [UInt8]) {
        d[o] = UInt8(v >> 24); d[o + 1] = UInt8((v >> 16) & 0xFF); d[o + 2] = UInt8((v >> 8) & 0xFF); d[o + 3] = UInt8(v & 0xFF)
    }

    @inline(__always) private static func put64(_ v: UInt64, at o: Int, in d: inout [UInt8]) {
        put32(UInt32(v >> 32), at: o, in: &d)
        put32(UInt32(v & 0xFFFF_FFFF), at: o + 4, in: &d)
    }
}
