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
        // Sort by (category, cell x, cell y, created, index).
        let cx = x.map { Int64(($0 / metres).rounded(.down)) }, cy = y.map { Int64(($0 / metres).rounded(.down)) }
        let cellKey: [Int64] = (0 ..< n).map { i in
            let c = anyCategory ? 0 : Int64(cat[i])
            return (c << 50) ^ ((cx[i] & 0x1FFFFFF) << 25) ^ (cy[i] & 0x1FFFFFF)
        }
        let order = (0 ..< n).sorted { a, b in
            cellKey[a] != cellKey[b] ? cellKey[a] < cellKey[b] : (t[a], a) < (t[b], b)
        }
        var ranges: [Int64: Range<Int>] = [:]
        var k = 0
        while k < n {
            var e = k + 1
            while e < n, cellKey[order[e]] == cellKey[order[k]] { e += 1 }
            ranges[cellKey[order[k]]] = k ..< e
            k = e
        }
        var parent = Array(0 ..< n)
        func find(_ a: Int) -> Int {
            var a = a
            while parent[a] != a { parent[a] = parent[parent[a]]; a = parent[a] }
            return a
        }
        var pairs = 0
        for i in 0 ..< n {
            let c = anyCategory ? 0 : Int64(cat[i])
            for dx in Int64(-1) ... 1 {
                for dy in Int64(-1) ... 1 {
                    let key = (c << 50) ^ (((cx[i] + dx) & 0x1FFFFFF) << 25) ^ ((cy[i] + dy) & 0x1FFFFFF)
                    guard let range = ranges[key] else { continue }
                    // First member created no earlier than i (ties: a later index).
                    var lo = range.lowerBound, hi = range.upperBound
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        let j = order[mid]
                        if (t[j], j) <= (t[i], i) { lo = mid + 1 } else { hi = mid }
                    }
                    var m = lo
                    while m < range.upperBound {
                        let j = order[m]
                        if t[j] - t[i] > seconds { break }
                        let ddx = x[j] - x[i], ddy = y[j] - y[i]
                        if ddx * ddx + ddy * ddy <= r2 {
                            pairs += 1
                            let a = find(i), b = find(j)
                            if a != b { parent[max(a, b)] = min(a, b) }
                        }
                        m += 1
                    }
                }
            }
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
