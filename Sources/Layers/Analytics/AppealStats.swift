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
        let categoryCount = max(1, appeals.categories.count)
        struct Cell { var count = 0, closed = 0, breaches = 0, withDeadline = 0; var hours: [Double] = [] }
        var cells: [Int: Cell] = [:]
        var periodKeys = Set<Int>()
        for i in 0 ..< appeals.count {
            let p = period.map { $0.key(local: appeals.zone.local(appeals.created[i])) } ?? 0
            periodKeys.insert(p)
            let c = Int(appeals.category[i])
            let deadline = areas.categoryDeadlines.map { $0[c] } ?? appeals.deadlineDays[i]
            let isClosed = !appeals.closed[i].isNaN
            let hours = isClosed ? (appeals.closed[i] - appeals.created[i]) / 3600 : 0
            let breach = deadline.isNaN ? nil : Self.breaches(created: appeals.created[i], closed: appeals.closed[i], deadlineDays: deadline, asOf: asOf)
            for k in areas.start[i] ..< areas.start[i + 1] {
                let a = Int(areas.members[k])
                let composite = Key(area: a, period: p, category: c).packed(categories: categoryCount)
                cells[composite, default: Cell()].count += 1
                if isClosed {
                    cells[composite]!.closed += 1
                    cells[composite]!.hours.append(hours)
                }
                if let breach {
                    cells[composite]!.withDeadline += 1
                    if breach { cells[composite]!.breaches += 1 }
                }
            }
        }
        let firstPeriod = periodKeys.min() ?? 0
        var out: [(Key, AppealStatsRow)] = []
        out.reserveCapacity(cells.count)
        for (packed, cell) in cells {
            let key = Key(packed: packed, categories: categoryCount)
            var hours = cell.hours
            hours.sort()
            var row = AppealStatsRow(area: areas.names[key.area], period: period.map { $0.label(key: key.period) } ?? "all",
                                     category: appeals.categories.isEmpty ? "" : appeals.categories[key.category],
                                     count: cell.count, closed: cell.closed,
                                     breaches: cell.withDeadline > 0 ? cell.breaches : nil,
                                     medianHours: percentile(hours, 0.5), p90Hours: percentile(hours, 0.9), change: nil)
            if period != nil, key.period > firstPeriod {
                let previous = Key(area: key.area, period: key.period - 1, category: key.category).packed(categories: categoryCount)
                row.change = cell.count - (cells[previous]?.count ?? 0)
            }
            out.append((key, row))
        }
        out.sort { a, b in
            if a.1.area != b.1.area { return a.1.area < b.1.area }
            if a.0.period != b.0.period { return a.0.period < b.0.period }
            return a.1.category < b.1.category
        }
        return out.map(\.1)
    }

    /// The breach rule.
    @inline(__always)
    public static func breaches(created: Double, closed: Double, deadlineDays: Double, asOf: Double) -> Bool {
        let due = created + deadlineDays * 86400
        return closed.isNaN ? due < asOf : closed > due
    }

    /// The q-quantile of sorted values, linear between order statistics; nil for none.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
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
