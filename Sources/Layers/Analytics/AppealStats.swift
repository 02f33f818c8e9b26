/// One row of `geoctl appeals stats`: an area (or organisation), a period and a category.
public struct AppealStatsRow: Sendable, Hashable {
    public var area: String
    public var period: String
    public var category: String
    public var count: Int
    public var closed: Int
    /// Breaches of the deadline (see ``AppealStats``); nil when no appeal of the row has a deadline.
    public var breaches: Int?
    /// Hours from created to closed over the closed appeals; nil when none closed.
    public var medianHours: Double?
    public var p90Hours: Double?
    /// `count` minus the same area's and category's count in the previous period (0 when it
    /// had none); nil in the data's first period.
    public var change: Int?
}

/// Counts, closing times and deadline breaches per area × period × category.
///
/// **Breach rule.** With a deadline of d days (the routing rules' `deadline_days` for the
/// category, else the appeal's own `deadline_days` property), an appeal breaches when it was
/// closed later than created + d × 24 h, or is still open and created + d × 24 h is before
/// the cut-off (`asOf`, by default the latest timestamp in the data).
///
/// **Percentiles** interpolate linearly between order statistics (NumPy's default, "type 7").
public enum AppealStats {
    public static func rows(_ appeals: AppealSet, areas: AppealAreas, period: AppealPeriod?, asOf: Double) -> [AppealStatsRow] {
        let n = appeals.count
        let categoryCount = max(1, appeals.categories.count)
        var periodOf = [Int](repeating: 0, count: n)
        if let period {
            let zone = appeals.zone
            appeals.created.withUnsafeBufferPointer { created in
                for i in 0 ..< n { periodOf[i] = period.key(local: zone.local(created[i])) }
            }
        }
        // Each (appeal, area) membership gets the number of its row ("slot"): looked up in a
        // dense area × period × category table when that is small, else in a dictionary.
        let firstPeriod = periodOf.min() ?? 0
        let periods = (periodOf.max() ?? 0) - firstPeriod + 1
        let denseSize = areas.names.count * periods * categoryCount
        var dense = [Int32](repeating: -1, count: denseSize <= 1 << 22 ? denseSize : 0)
        var sparse: [Int: Int32] = [:]
        var keys: [Key] = []
        func slot(_ key: Key, create: Bool) -> Int32? {
            if !dense.isEmpty {
                let d = (key.area * periods + key.period - firstPeriod) * categoryCount + key.category
                if dense[d] < 0 {
                    guard create else { return nil }
                    dense[d] = Int32(keys.count)
                    keys.append(key)
                }
                return dense[d]
            }
            let packed = key.packed(categories: categoryCount)
            if let known = sparse[packed] { return known }
            guard create else { return nil }
            let s = Int32(keys.count)
            sparse[packed] = s
            keys.append(key)
            return s
        }
        var slotOf = [Int32](repeating: 0, count: areas.members.count)
        for i in 0 ..< n {
            let c = Int(appeals.category[i])
            for k in areas.start[i] ..< areas.start[i + 1] {
                slotOf[k] = slot(Key(area: Int(areas.members[k]), period: periodOf[i], category: c), create: true)!
            }
        }
        let rows = keys.count
        var count = [Int](repeating: 0, count: rows), closed = count, breaches = count, withDeadline = count
        var hoursStart = [Int](repeating: 0, count: rows + 1)
        for i in 0 ..< n {
            let c = Int(appeals.category[i])
            let isClosed = !appeals.closed[i].isNaN
            let deadline = areas.categoryDeadlines.map { $0[c] } ?? appeals.deadlineDays[i]
            let breach = deadline.isNaN ? nil : Self.breaches(created: appeals.created[i], closed: appeals.closed[i], deadlineDays: deadline, asOf: asOf)
            for k in areas.start[i] ..< areas.start[i + 1] {
                let r = Int(slotOf[k])
                count[r] += 1
                if isClosed { closed[r] += 1; hoursStart[r + 1] += 1 }
                if let breach {
                    withDeadline[r] += 1
                    if breach { breaches[r] += 1 }
                }
            }
        }
        // Closing hours of each row in one flat array, each row's run sorted.
        for r in 0 ..< rows { hoursStart[r + 1] += hoursStart[r] }
        var hours = [Double](repeating: 0, count: hoursStart[rows])
        var fill = hoursStart
        for i in 0 ..< n where !appeals.closed[i].isNaN {
            let h = (appeals.closed[i] - appeals.created[i]) / 3600
            for k in areas.start[i] ..< areas.start[i + 1] {
                let r = Int(slotOf[k])
                hours[fill[r]] = h
                fill[r] += 1
            }
        }
        // Rows in order of area name, period and category name: names ranked once (equal
        // names share a rank), then integers compared, ties in first-seen order as a stable
        // sort by the names would leave them.
        let areaRank = ranks(areas.names), categoryRank = ranks(appeals.categories)
        var order = Array(0 ..< rows)
        order.sort { a, b in
            let ka = keys[a], kb = keys[b]
            let ra = areaRank[ka.area], rb = areaRank[kb.area]
            if ra != rb { return ra < rb }
            if ka.period != kb.period { return ka.period < kb.period }
            let ca = categoryRank.isEmpty ? 0 : categoryRank[ka.category], cb = categoryRank.isEmpty ? 0 : categoryRank[kb.category]
            if ca != cb { return ca < cb }
            return a < b
        }
        var labels: [Int: String] = [:]
        var out: [AppealStatsRow] = []
        out.reserveCapacity(rows)
        hours.withUnsafeMutableBufferPointer { all in
            for r in order {
                let key = keys[r]
                var run = UnsafeMutableBufferPointer(rebasing: all[hoursStart[r] ..< hoursStart[r + 1]])
                run.sort()
                var label = "all"
                if let period {
                    if let known = labels[key.period] { label = known } else {
                        label = period.label(key: key.period)
                        labels[key.period] = label
                    }
                }
                var row = AppealStatsRow(area: areas.names[key.area], period: label,
                                         category: appeals.categories.isEmpty ? "" : appeals.categories[key.category],
                                         count: count[r], closed: closed[r],
                                         breaches: withDeadline[r] > 0 ? breaches[r] : nil,
                                         medianHours: percentile(run, 0.5), p90Hours: percentile(run, 0.9), change: nil)
                if period != nil, key.period > firstPeriod {
                    let previous = slot(Key(area: key.area, period: key.period - 1, category: key.category), create: false)
                    row.change = count[r] - (previous.map { count[Int($0)] } ?? 0)
                }
                out.append(row)
            }
        }
        return out
    }

    /// Each name's place among the names in `<` order; names equal under `==` share one.
    static func ranks(_ names: [String]) -> [Int] {
        let sorted = names.indices.sorted { names[$0] < names[$1] }
        var rank = [Int](repeating: 0, count: names.count)
        var r = 0
        for (k, i) in sorted.enumerated() {
            if k > 0, names[sorted[k - 1]] != names[i] { r = k }
            rank[i] = r
        }
        return rank
    }

    /// The breach rule.
    @inline(__always)
    public static func breaches(created: Double, closed: Double, deadlineDays: Double, asOf: Double) -> Bool {
        let due = created + deadlineDays * 86400
        return closed.isNaN ? due < asOf : closed > due
    }

    /// The q-quantile of sorted values, linear between order statistics; nil for none.
    public static func percentile<C: RandomAccessCollection>(_ sorted: C, _ q: Double) -> Double? where C.Element == Double, C.Index == Int {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        let base = sorted.startIndex
        return sorted[base + lo] + (h - Double(lo)) * (sorted[base + hi] - sorted[base + lo])
    }

    struct Key {
        var area: Int, period: Int, category: Int
        init(area: Int, period: Int, category: Int) { self.area = area; self.period = period; self.category = category }
        // Periods are day numbers at most (a few hundred thousand around the present): 2^24 spare.
        func packed(categories: Int) -> Int { ((area << 26) | (period + (1 << 25))) * categories + category }
        init(packed: Int, categories: Int) {
            category = packed % categories
            let rest = packed / categories
            period = (rest & ((1 << 26) - 1)) - (1 << 25)
            area = rest >> 26
        }
    }
}

extension [AppealStatsRow] {
    /// Rows summed over categories: one per area and period (medians and percentiles dropped).
    public func reduced() -> [AppealStatsRow] {
        var out: [String: AppealStatsRow] = [:]
        var order: [String] = []
        for r in self {
            let key = r.area + "\u{1}" + r.period
            if var x = out[key] {
                x.count += r.count
                x.closed += r.closed
                if let b = r.breaches { x.breaches = (x.breaches ?? 0) + b }
                out[key] = x
            } else {
                out[key] = AppealStatsRow(area: r.area, period: r.period, category: "", count: r.count, closed: r.closed,
                                          breaches: r.breaches, medianHours: nil, p90Hours: nil, change: nil)
                order.append(key)
            }
        }
        return order.map { out[$0]! }
    }
}
