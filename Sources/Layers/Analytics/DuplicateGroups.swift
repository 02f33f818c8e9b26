/// Duplicate appeals: pairs within a distance and a time of each other (the same category
/// unless `anyCategory`), grouped into connected components.
///
/// **Method.** Appeals are hashed into square cells of the distance's side in the metric CRS
/// (per category); each appeal is compared with the appeals of its own and the 8 surrounding
/// cells that were created no earlier (ties by position), so every pair is seen once. A pair
/// is a duplicate when the planar distance is at most `metres` and the creation times differ
/// by at most `hours`, both inclusive. Components by union–find; a group's first appeal (its
/// representative) is the earliest created, ties to the earlier in the layer.
public struct DuplicateGroups: Sendable {
    public struct Group: Sendable {
        /// Appeal indexes, first appeal first, then by creation time.
        public var members: [Int]
        /// The largest distance between two members, metres.
        public var spanMetres: Double
        /// Hours from the first to the last created.
        public var spanHours: Double
    }

    public var groups: [Group]
    /// Pairs that met the rule.
    public var pairs: Int
    public let metres: Double
    public let hours: Double
    public let anyCategory: Bool

    public init(_ appeals: AppealSet, metres: Double, hours: Double, anyCategory: Bool) {
        self.init(appeals, metres: metres, hours: hours, anyCategory: anyCategory, sweep: true)
    }

    /// `sweep` false: neighbouring cells always looked up by hashing (for tests of that path).
    init(_ appeals: AppealSet, metres: Double, hours: Double, anyCategory: Bool, sweep: Bool) {
        self.metres = metres
        self.hours = hours
        self.anyCategory = anyCategory
        let n = appeals.count
        let seconds = hours * 3600
        let r2 = metres * metres
        let x = appeals.x, y = appeals.y, t = appeals.created, cat = appeals.category
        // Sort by (category, cell x, cell y, created, index): radix passes over the key and the
        // time's bits, stable, from the appeals in index order (a comparison sort was a third
        // of the step at 10^6 appeals).
        struct Entry { var key: Int64; var t: Double; var i: Int32 }
        var entries = [Entry]()
        entries.reserveCapacity(n)
        var cellsInRange = sweep
        let limit = Int64(1) << 25 - 1
        for i in 0 ..< n {
            let c = anyCategory ? 0 : Int64(cat[i])
            let cx = Int64((x[i] / metres).rounded(.down)), cy = Int64((y[i] / metres).rounded(.down))
            if cx < 1 || cx >= limit || cy < 1 || cy >= limit || c >= 1 << 13 { cellsInRange = false }
            entries.append(Entry(key: (c << 50) ^ ((cx & 0x1FFFFFF) << 25) ^ (cy & 0x1FFFFFF), t: t[i], i: Int32(i)))
        }
        Self.radixSort(&entries, by: { Self.orderedBits($0.t) })
        Self.radixSort(&entries, by: { UInt64(bitPattern: $0.key) ^ (1 << 63) })
        // Each occupied cell's run of entries, in order.
        var runKeys: [Int64] = [], runStarts: [Int32] = []
        for k in 0 ..< n where k == 0 || entries[k].key != entries[k - 1].key {
            runKeys.append(entries[k].key)
            runStarts.append(Int32(k))
        }
        let distinct = runKeys.count
        runStarts.append(Int32(n))
        var parent = Array(0 ..< n)
        var pairs = 0
        entries.withUnsafeBufferPointer { en in
            parent.withUnsafeMutableBufferPointer { up in
                func find(_ a: Int) -> Int {
                    var a = a
                    while up[a] != a { up[a] = up[up[a]]; a = up[a] }
                    return a
                }
                // The entries of cell run `r` created after entry `me` (ties: a later index).
                @inline(__always) func scan(_ me: Entry, _ rangeStart: Int, _ rangeEnd: Int) {
                    let i = Int(me.i), ti = me.t
                    var lo = rangeStart, hi = rangeEnd
                    while lo < hi {
                        let mid = (lo + hi) >> 1
                        let o = en[mid]
                        if o.t < ti || (o.t == ti && o.i <= me.i) { lo = mid + 1 } else { hi = mid }
                    }
                    var m = lo
                    while m < rangeEnd {
                        let o = en[m]
                        if o.t - ti > seconds { break }
                        let j = Int(o.i)
                        let ddx = x[j] - x[i], ddy = y[j] - y[i]
                        if ddx * ddx + ddy * ddy <= r2 {
                            pairs += 1
                            let a = find(i), b = find(j)
                            if a != b { up[max(a, b)] = min(a, b) }
                        }
                        m += 1
                    }
                }
                if cellsInRange {
                    // Cells in key order, (category, cx, cy): the three cells of column cx + dx
                    // next to a cell are one key range, and its start only moves forward from
                    // one cell to the next, so three cursors find them without hashing.
                    var cursor = [0, 0, 0]
                    var neighbours = [(Int, Int)](repeating: (0, 0), count: 9)
                    for r in 0 ..< distinct {
                        let key = runKeys[r]
                        var found = 0
                        for d in 0 ..< 3 {
                            let low = key + Int64(d - 1) << 25 - 1, high = low + 2
                            var p = cursor[d]
                            while p < distinct, runKeys[p] < low { p += 1 }
                            cursor[d] = p
                            while p < distinct, runKeys[p] <= high {
                                neighbours[found] = (Int(runStarts[p]), Int(runStarts[p + 1]))
                                found += 1
                                p += 1
                            }
                        }
                        for s in Int(runStarts[r]) ..< Int(runStarts[r + 1]) {
                            let me = en[s]
                            for q in 0 ..< found { scan(me, neighbours[q].0, neighbours[q].1) }
                        }
                    }
                } else {
                    // Cells beyond 2^25 in x or y (a tiny --within-metres): looked up by hashing.
                    var ranges = CellRuns(capacity: distinct)
                    for r in 0 ..< distinct { ranges.insert(runKeys[r], start: runStarts[r], end: runStarts[r + 1]) }
                    for s in 0 ..< n {
                        let me = en[s]
                        let i = Int(me.i)
                        let cx = Int64((x[i] / metres).rounded(.down)), cy = Int64((y[i] / metres).rounded(.down))
                        let c = me.key >> 50
                        for dx in Int64(-1) ... 1 {
                            for dy in Int64(-1) ... 1 {
                                let key = (c << 50) ^ (((cx + dx) & 0x1FFFFFF) << 25) ^ ((cy + dy) & 0x1FFFFFF)
                                guard let (rangeStart, rangeEnd) = ranges.find(key) else { continue }
                                scan(me, Int(rangeStart), Int(rangeEnd))
                            }
                        }
                    }
                }
            }
        }
        func find(_ a: Int) -> Int {
            var a = a
            while parent[a] != a { a = parent[a] }
            return a
        }
        self.pairs = pairs
        var members: [Int: [Int]] = [:]
        for i in 0 ..< n {
            let root = find(i)
            if root != i || members[root] != nil { members[root, default: [root]].append(i) }
        }
        var groups: [Group] = []
        for (_, list) in members where list.count > 1 {
            let sorted = Array(Set(list)).sorted { (t[$0], $0) < (t[$1], $1) }
            var span = 0.0
            for a in 0 ..< sorted.count {
                for b in a + 1 ..< sorted.count {
                    let dx = x[sorted[a]] - x[sorted[b]], dy = y[sorted[a]] - y[sorted[b]]
                    span = max(span, (dx * dx + dy * dy).squareRoot())
                }
            }
            groups.append(Group(members: sorted, spanMetres: span, spanHours: (t[sorted.last!] - t[sorted[0]]) / 3600))
        }
        groups.sort { ($0.members.count, t[$1.members[0]], $1.members[0]) > ($1.members.count, t[$0.members[0]], $0.members[0]) }
        self.groups = groups
    }

    /// A stable least-significant-digit radix sort by 64 bits, a byte at a time, skipping the
    /// bytes every element shares.
    static func radixSort<T>(_ a: inout [T], by bits: (T) -> UInt64) {
        let n = a.count
        guard n > 1 else { return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        for e in a {
            let b = bits(e)
            for d in 0 ..< 8 { counts[d << 8 | Int((b >> (8 * UInt64(d))) & 0xFF)] += 1 }
        }
        var buffer = a
        for d in 0 ..< 8 where !(0 ..< 256).contains(where: { counts[d << 8 | $0] == n }) {
            var offsets = [Int](repeating: 0, count: 256)
            var sum = 0
            for v in 0 ..< 256 { offsets[v] = sum; sum += counts[d << 8 | v] }
            let shift = 8 * UInt64(d)
            a.withUnsafeBufferPointer { from in
                buffer.withUnsafeMutableBufferPointer { to in
                    for e in from {
                        let v = Int((bits(e) >> shift) & 0xFF)
                        to[offsets[v]] = e
                        offsets[v] += 1
                    }
                }
            }
            swap(&a, &buffer)
        }
    }

    /// A double's bits, in the order of the numbers (negative ones flipped whole, positive ones
    /// with the sign bit set); -0 and 0 are the same number.
    @inline(__always)
    static func orderedBits(_ v: Double) -> UInt64 {
        let b = (v == 0 ? 0.0 : v).bitPattern
        return b >> 63 == 1 ? ~b : b | (1 << 63)
    }

    /// Appeals that are duplicates of an earlier one: every member but each group's first.
    public var duplicateCount: Int { groups.reduce(0) { $0 + $1.members.count - 1 } }
}

/// Cell key → run of sorted entries, open addressing with linear probing.
struct CellRuns {
    private var keys: [Int64]
    private var runs: [(Int32, Int32)]
    private let mask: Int
    private static let empty = Int64.min

    init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        keys = [Int64](repeating: Self.empty, count: size)
        runs = [(Int32, Int32)](repeating: (0, 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ key: Int64) -> Int { Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }

    mutating func insert(_ key: Int64, start: Int32, end: Int32) {
        var s = slot(key)
        while keys[s] != Self.empty && keys[s] != key { s = (s + 1) & mask }
        keys[s] = key
        runs[s] = (start, end)
    }

    @inline(__always)
    func find(_ key: Int64) -> (Int32, Int32)? {
        var s = slot(key)
        while true {
            let k = keys[s]
            if k == key { return runs[s] }
            if k == Self.empty { return nil }
            s = (s + 1) & mask
        }
    }
}

extension AppealSet {
    /// The appeals with every duplicate group reduced to its first appeal: hot spots then count
    /// problems, not the residents who reported the same one again (a group of six duplicates
    /// would otherwise make a quiet cell "hot" for a month).
    public func withoutDuplicates(_ groups: DuplicateGroups) -> AppealSet {
        var keep = [Bool](repeating: true, count: count)
        for g in groups.groups { for m in g.members.dropFirst() { keep[m] = false } }
        var copy = self
        copy.select(keep)
        return copy
    }
}
