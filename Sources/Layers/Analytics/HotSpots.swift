import GeoCore

/// How hot spots are found.
public enum HotSpotMethod: String, Sendable, CaseIterable {
    /// Getis–Ord Gi* on the cell counts (``GetisOrdGiStar``).
    case gi
    /// Excess over the expected count (``ExcessTest``).
    case excess
}

/// A cell's verdict, as ArcGIS's Hot Spot Analysis names them.
public enum HotSpotClass: String, Sendable, CaseIterable {
    case hot99 = "hot-99", hot95 = "hot-95", hot90 = "hot-90", none
    case cold90 = "cold-90", cold95 = "cold-95", cold99 = "cold-99"

    /// The class of a q-value (FDR-adjusted p) on the side of `z`.
    public static func of(q: Double, z: Double) -> HotSpotClass {
        let level = q <= 0.01 ? 99 : q <= 0.05 ? 95 : q <= 0.10 ? 90 : 0
        switch (level, z > 0) {
        case (99, true): return .hot99
        case (95, true): return .hot95
        case (90, true): return .hot90
        case (99, false): return .cold99
        case (95, false): return .cold95
        case (90, false): return .cold90
        default: return .none
        }
    }

    public var isHot: Bool { self == .hot99 || self == .hot95 || self == .hot90 }
}

/// One cell's result (in one period under `--by-month`).
public struct HotSpotCell: Sendable {
    public var cell: Int
    /// The period label under `--by-month` (or the month that decided the cell when the
    /// excess is measured against the cell's history), else nil.
    public var period: String?
    public var count: Int
    /// The expected count (excess method), else nil.
    public var expected: Double?
    public var z: Double
    public var p: Double
    /// Benjamini–Hochberg adjusted p over every test of the run.
    public var q: Double
    public var hotClass: HotSpotClass
}

/// What a hot-spot run found.
public struct HotSpotResult: Sendable {
    public var method: HotSpotMethod
    public var cells: [HotSpotCell]
    /// A sentence on the statistic, weights, test and correction, for the output.
    public var description: String
    /// Tests corrected together.
    public var tests: Int
}

/// Hot spots of appeals over the cells of a study area.
public enum HotSpots {
    /// - Parameters:
    ///   - exposure: per cell, what the expected count is proportional to (excess method);
    ///     nil: each cell's own history (the other months).
    ///   - byMonth: one result per cell and month.
    public static func run(_ appeals: AppealSet, heat: HeatMap, method: HotSpotMethod, exposure: [Double]?,
                           byMonth: Bool, permutations: Int, seed: UInt64 = 12345) -> HotSpotResult {
        let area = heat.area
        let neighbours = (0 ..< area.count).map { area.neighbours(of: $0) }
        switch method {
        case .gi:
            var series: [(String?, [Int])] = [(nil, heat.counts)]
            if byMonth { series = heat.countsByPeriod(appeals, period: .month).map { (AppealPeriod.month.label(key: $0.key), $0.counts) } }
            var cells: [HotSpotCell] = []
            for (label, counts) in series {
                let x = counts.map(Double.init)
                let z = GetisOrdGiStar.z(counts: x, neighbours: neighbours)
                let p = permutations > 0
                    ? GetisOrdGiStar.permutationP(counts: x, neighbours: neighbours, permutations: permutations, seed: seed)
                    : z.map(Significance.twoSidedNormal)
                for k in 0 ..< area.count {
                    cells.append(HotSpotCell(cell: k, period: label, count: counts[k], expected: nil, z: z[k], p: p[k], q: 1, hotClass: .none))
                }
            }
            adjust(&cells)
            let weights = area.grid.shape == .hex ? "the 6 neighbouring hexagons and the cell itself" : "the 8 neighbouring squares and the cell itself"
            let test = permutations > 0 ? "two-sided conditional-randomisation p from \(permutations) permutations" : "two-sided normal p"
            return HotSpotResult(method: .gi, cells: cells, description: "Getis-Ord Gi* on \(byMonth ? "monthly" : "") cell counts, binary weights (\(weights)), \(test), Benjamini-Hochberg FDR over \(cells.count) tests", tests: cells.count)
        case .excess:
            let months = heat.countsByPeriod(appeals, period: .month)
            var cells: [HotSpotCell] = []
            let description: String
            if let exposure {
                let totalExposure = exposure.reduce(0, +)
                let series: [(String?, [Int])] = byMonth ? months.map { (AppealPeriod.month.label(key: $0.key), $0.counts) } : [(nil, heat.counts)]
                for (label, counts) in series {
                    let n = Double(counts.reduce(0, +))
                    let expected = (0 ..< area.count).map { totalExposure > 0 ? n * exposure[$0] / totalExposure : 0 }
                    let alpha = ExcessTest.extraVariation(counts: counts, expected: expected)
                    for k in 0 ..< area.count {
                        cells.append(ExcessTest.poisson(cell: k, period: label, observed: counts[k], expected: expected[k], extraVariation: alpha))
                    }
                }
                description = "excess over the expected count, proportional to the exposure in each cell; one-sided negative binomial test (Poisson when the cells vary no more than Poisson; the extra variation α·E² estimated robustly from the data); cells without exposure are not tested; Benjamini-Hochberg FDR over \(cells.count) tests"
            } else {
                let totals = heat.counts
                let all = Double(totals.reduce(0, +))
                for (key, counts) in months {
                    let nMonth = Double(counts.reduce(0, +))
                    let share = all > 0 ? nMonth / all : 0
                    for k in 0 ..< area.count {
                        cells.append(ExcessTest.againstHistory(cell: k, period: AppealPeriod.month.label(key: key), observed: counts[k],
                                                              total: totals[k], monthShare: share))
                    }
                }
                description = "excess of a month over the cell's other months (the month's share of the cell's appeals against its share of all appeals); one-sided exact binomial test; Benjamini-Hochberg FDR over \(cells.count) tests"
            }
            adjust(&cells)
            if exposure == nil && !byMonth {
                // One row per cell: its most significant month.
                var best: [Int: HotSpotCell] = [:]
                for c in cells where best[c.cell] == nil || (c.q, c.p) < (best[c.cell]!.q, best[c.cell]!.p) { best[c.cell] = c }
                let tests = cells.count
                cells = (0 ..< area.count).map { k in
                    best[k] ?? HotSpotCell(cell: k, period: nil, count: heat.counts[k], expected: nil, z: 0, p: 1, q: 1, hotClass: .none)
                }
                return HotSpotResult(method: .excess, cells: cells, description: description + " (each cell shown in its most significant month)", tests: tests)
            }
            return HotSpotResult(method: .excess, cells: cells, description: description, tests: cells.count)
        }
    }

    /// BH over every test, then the classes.
    static func adjust(_ cells: inout [HotSpotCell]) {
        let q = Significance.benjaminiHochberg(cells.map(\.p))
        for k in cells.indices {
            cells[k].q = q[k]
            cells[k].hotClass = .of(q: q[k], z: cells[k].z)
        }
    }

    /// The exposure per cell: how many of `features` have their centre in each cell (or the
    /// sum of their `property`). Centres: a point itself, else the mean of the outer ring's vertices.
    public static func exposure(_ features: [Feature], property: String?, area: StudyArea) throws -> [Double] {
        let project = try CoordinateTransformer(from: "EPSG:4326", to: area.crs)
        var flat: [Double] = []
        var weight: [Double] = []
        for f in features {
            guard let g = f.geometry, let c = centre(g) else { continue }
            flat += [c.x, c.y]
            weight.append(property.map { f.properties[$0]?.doubleValue ?? 0 } ?? 1)
        }
        try project.transform(flat: &flat)
        var out = [Double](repeating: 0, count: area.count)
        for k in weight.indices {
            if let cell = area.number(of: area.grid.cell(x: flat[2 * k], y: flat[2 * k + 1])) { out[cell] += weight[k] }
        }
        return out
    }

    static func centre(_ g: Geometry) -> Point? {
        if case .point(let p) = g { return p }
        guard let p = g.polygons.first, p.ringCount > 0 else { return g.boundingBox?.center }
        let r = p.ringRange(0)
        var x = 0.0, y = 0.0
        for k in r.lowerBound ..< r.upperBound - 1 { x += p.coordinates[2 * k]; y += p.coordinates[2 * k + 1] }
        let n = Double(r.count - 1)
        return Point(x: x / n, y: y / n)
    }
}

/// The excess test: is a cell's count above what is expected there?
public enum ExcessTest {
    /// Against an expected count: X ~ NegativeBinomial(mean expected, variance expected +
    /// `extraVariation` × expected²), p = P(X ≥ observed); Poisson when `extraVariation` is 0.
    /// z = (O − E)/√E. A cell with no exposure (expected 0) is not tested: p = 1.
    public static func poisson(cell: Int, period: String?, observed: Int, expected: Double, extraVariation: Double = 0) -> HotSpotCell {
        guard expected > 0 else { return HotSpotCell(cell: cell, period: period, count: observed, expected: 0, z: 0, p: 1, q: 1, hotClass: .none) }
        let p = extraVariation > 0
            ? Significance.negativeBinomialUpper(observed, mean: expected, size: 1 / extraVariation)
            : Significance.poissonUpper(observed, mean: expected)
        return HotSpotCell(cell: cell, period: period, count: observed, expected: expected,
                           z: (Double(observed) - expected) / expected.squareRoot(), p: p, q: 1, hotClass: .none)
    }

    /// How much more than Poisson the counts vary around their expectations: α of the
    /// negative binomial (Poisson–gamma) model, variance E + α·E², the extra part proportional
    /// to E², as a cell's true rate departs from its exposure's share by a relative amount
    /// (exposure is only a proxy: buildings are not residents, addresses are jittered across
    /// cell edges). Estimated robustly over the cells with E ≥ 5: the α at which the median of
    /// (O − E)²/(E + α·E²) equals 0.4549, the median of χ² with one degree of freedom (the
    /// median ignores the hot spots themselves); 0 when the cells vary no more than Poisson
    /// allows, or fewer than 30 cells qualify.
    public static func extraVariation(counts: [Int], expected: [Double]) -> Double {
        var d2: [Double] = [], e: [Double] = []
        for k in counts.indices where expected[k] >= 5 {
            let d = Double(counts[k]) - expected[k]
            d2.append(d * d)
            e.append(expected[k])
        }
        guard d2.count >= 30 else { return 0 }
        let target = 0.454936423119572
        var scratch = [Double](repeating: 0, count: d2.count)
        func median(_ alpha: Double) -> Double {
            for k in d2.indices { scratch[k] = d2[k] / (e[k] + alpha * e[k] * e[k]) }
            scratch.sort()
            return scratch[scratch.count / 2]
        }
        guard median(0) > target else { return 0 }
        // The median falls as α grows; at hi it is below the target (each term ≤ d²/(α·E²)).
        for k in d2.indices { scratch[k] = d2[k] / (e[k] * e[k]) }
        scratch.sort()
        var lo = 0.0, hi = scratch[scratch.count / 2] / target
        for _ in 0 ..< 100 {
            let mid = (lo + hi) / 2
            if median(mid) > target { lo = mid } else { hi = mid }
            if hi - lo <= 1e-12 * hi { break }
        }
        return hi
    }

    /// Against the cell's own history: given its `total` appeals over all months, the month's
    /// count is Binomial(total, monthShare) when nothing new happened there; p = P(X ≥ observed).
    /// The expected count is total × monthShare.
    public static func againstHistory(cell: Int, period: String?, observed: Int, total: Int, monthShare: Double) -> HotSpotCell {
        let e = Double(total) * monthShare
        guard total > 0, monthShare > 0, monthShare < 1 else {
            return HotSpotCell(cell: cell, period: period, count: observed, expected: e, z: 0, p: 1, q: 1, hotClass: .none)
        }
        let p = Significance.binomialUpper(observed, n: total, p: monthShare)
        let sd = (e * (1 - monthShare)).squareRoot()
        return HotSpotCell(cell: cell, period: period, count: observed, expected: e, z: sd > 0 ? (Double(observed) - e) / sd : 0,
                           p: p, q: 1, hotClass: .none)
    }
}
