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
        self.metres = metres
        self.hours = hours
        self.anyCategory = anyCategory
        let n = appeals.count
        let seconds = hours * 3600
        let r2 = metres * metres
        let x = appeals.x, y = appeals.y, t = appeals.created, cat = appeals.category
        // Sort by (category, cell x, cell y, created, index): one struct per appeal, compared
        // by plain fields (no closure reaching into other arrays).
        struct Entry { var key: Int64; var t: Double; var i: Int32 }
        var entries = [Entry]()
        entries.reserveCapacity(n)
        for i in 0 ..< n {
            let c = anyCategory ? 0 : Int64(cat[i])
            let cx = Int64((x[i] / metres).rounded(.down)), cy = Int64((y[i] / metres).rounded(.down))
            entries.append(Entry(key: (c << 50) ^ ((cx & 0x1FFFFFF) << 25) ^ (cy & 0x1FFFFFF), t: t[i], i: Int32(i)))
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : ($0.t != $1.t ? $0.t < $1.t : $0.i < $1.i) }
        // Each occupied cell's run of entries, in an open-addressing table (a Dictionary's
        // hashing was a third of the search).
        var distinct = 0
        for k in 0 ..< n where k == 0 || entries[k].key != entries[k - 1].key { distinct += 1 }
        var ranges = CellRuns(capacity: distinct)
        var k = 0
        while k < n {
            var e = k + 1
            while e < n, entries[e].key == entries[k].key { e += 1 }
            ranges.insert(entries[k].key, start: Int32(k), end: Int32(e))
            k = e
        }
        var parent = Array(0 ..< n)
        var pairs = 0
        entries.withUnsafeBufferPointer { en in
            parent.withUnsafeMutableBufferPointer { up in
                func find(_ a: Int) -> Int {
                    var a = a
                    while up[a] != a { up[a] = up[up[a]]; a = up[a] }
                    return a
                }
                for s in 0 ..< n {
                    let me = en[s]
                    let i = Int(me.i), ti = me.t
                    let cx = Int64((x[i] / metres).rounded(.down)), cy = Int64((y[i] / metres).rounded(.down))
                    let c = me.key >> 50
                    for dx in Int64(-1) ... 1 {
                        for dy in Int64(-1) ... 1 {
                            let key = (c << 50) ^ (((cx + dx) & 0x1FFFFFF) << 25) ^ ((cy + dy) & 0x1FFFFFF)
                            guard let (rangeStart, rangeEnd) = ranges.find(key) else { continue }
                            // First entry created after i (ties: a later index).
                            var lo = Int(rangeStart), hi = Int(rangeEnd)
                            while lo < hi {
                                let mid = (lo + hi) >> 1
                                let o = en[mid]
                                if o.t < ti || (o.t == ti && o.i <= me.i) { lo = mid + 1 } else { hi = mid }
                            }
                            var m = lo
                            while m < Int(rangeEnd) {
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
