import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Appeal analytics")
struct AppealAnalyticsTests {
    static let yearEnd = ISO8601DateFormatter().date(from: "2025-01-01T00:00:00+05:00")!.timeIntervalSince1970

    @Test("stats counts equal a covers spatial join done with GEOS directly, per territory × month × category")
    func countsEqualCoversJoin() throws {
        let appeals = try AppealFixture.appeals()
        let territories = try Fixtures.features("territories")
        let areas = AppealAreas.covering(appeals, features: territories, property: nil, layer: "territories")
        let rows = AppealStats.rows(appeals, areas: areas, period: .month, asOf: Self.yearEnd)
        // Independently: GEOS prepared covers of every appeal by every territory; months from
        // the text's own date (every timestamp carries +05:00, the zone chosen).
        let geos = GEOSContext()
        let prepared = try territories.map { try geos.geometry($0.geometry!).prepared() }
        let raw = try AppealFixture.features()
        var expected: [String: Int] = [:]
        var pairs = 0
        for f in raw {
            guard case .point(let p) = f.geometry else { continue }
            let point = try geos.point(x: p.x, y: p.y)
            let month = String(f.properties["created"]!.stringValue!.prefix(7))
            let category = f.properties["category"]!.stringValue!
            var covered = false
            for (k, t) in prepared.enumerated() where try t.covers(point) {
                expected["\(territories[k].id!.description)|\(month)|\(category)", default: 0] += 1
                covered = true
                pairs += 1
            }
            if !covered { expected["(none)|\(month)|\(category)", default: 0] += 1 }
        }
        var got: [String: Int] = [:]
        for r in rows { got["\(r.area)|\(r.period)|\(r.category)"] = r.count }
        #expect(got == expected)
        #expect(pairs > 1900)
        #expect(areas.members.count == pairs + (expected.filter { $0.key.hasPrefix("(none)") }.values.reduce(0, +)))
        // change = count − the previous month's count of the same territory and category.
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ("\($0.area)|\($0.period)|\($0.category)", $0) })
        for r in rows where r.period != "2024-01" {
            let m = Int(r.period.suffix(2))!
            let previous = byKey["\(r.area)|2024-\(m - 1 < 10 ? "0" : "")\(m - 1)|\(r.category)"]?.count ?? 0
            #expect(r.change == r.count - previous)
        }
        #expect(rows.filter { $0.period == "2024-01" }.allSatisfy { $0.change == nil })
    }

    @Test("breaches, closed counts and closing-time percentiles match the rule computed from the raw text")
    func breachesMatchTheRule() throws {
        let appeals = try AppealFixture.appeals()
        let areas = AppealAreas.whole(appeals)
        let rows = AppealStats.rows(appeals, areas: areas, period: .quarter, asOf: Self.yearEnd)
        let iso = ISO8601DateFormatter()
        struct Acc { var count = 0, closed = 0, breaches = 0; var hours: [Double] = [] }
        var expected: [String: Acc] = [:]
        var total = 0
        for f in try AppealFixture.features() {
            let created = iso.date(from: f.properties["created"]!.stringValue!)!.timeIntervalSince1970
            let closed = f.properties["closed"]?.stringValue.map { iso.date(from: $0)!.timeIntervalSince1970 }
            let deadline = f.properties["deadline_days"]!.doubleValue! * 86400
            let month = Int(f.properties["created"]!.stringValue!.dropFirst(5).prefix(2))!
            let key = "2024-Q\((month - 1) / 3 + 1)|\(f.properties["category"]!.stringValue!)"
            let breach = closed.map { $0 - created > deadline } ?? (created + deadline < Self.yearEnd)
            expected[key, default: Acc()].count += 1
            if let closed {
                expected[key]!.closed += 1
                expected[key]!.hours.append((closed - created) / 3600)
            }
            if breach { expected[key]!.breaches += 1; total += 1 }
        }
        #expect(rows.count == expected.count)
        for r in rows {
            let e = try #require(expected["\(r.period)|\(r.category)"])
            #expect(r.area == "all")
            #expect(r.count == e.count && r.closed == e.closed && r.breaches == e.breaches, "\(r)")
            // NumPy's default percentile, by hand.
            let h = e.hours.sorted()
            func q(_ p: Double) -> Double { let x = Double(h.count - 1) * p; let lo = Int(x); return h[lo] + (x - Double(lo)) * (h[min(lo + 1, h.count - 1)] - h[lo]) }
            #expect(abs(r.medianHours! - q(0.5)) < 1e-9 && abs(r.p90Hours! - q(0.9)) < 1e-9)
        }
        // The generator's own count of breaches.
        let truth = try AppealFixture.truth()
        #expect(total == (truth["counts"] as! [String: Any])["breaches"] as! Int)
        #expect(rows.reduce(0) { $0 + ($1.breaches ?? 0) } == total)
        // Open appeals breach only once past the cut-off: at the first instant, none open does.
        let early = AppealStats.rows(appeals, areas: areas, period: nil, asOf: appeals.created.min()!)
        let closedLate = (truth["counts"] as! [String: Any])["breaches_closed_late"] as! Int
        #expect(early.reduce(0) { $0 + ($1.breaches ?? 0) } == closedLate)
    }

    @Test("the slow organisation ranks first by breach rate under --by-rules, with the rules' deadlines")
    func slowOrganisation() throws {
        let store = try TemporaryStore()
        for layer in ["territories", "roads", "sites", "city"] { try store.importLayer(Fixtures.city(layer), layer) }
        let rules = try RoutingRules(path: Fixtures.root.appendingPathComponent("routing-rules.yaml").path)
        let router = try Router(store: store.store, rules: rules)
        let appeals = try AppealFixture.appeals()
        let areas = AppealAreas.routed(appeals, router: router)
        #expect(areas.members.count == appeals.count)
        let rows = AppealStats.rows(appeals, areas: areas, period: nil, asOf: Self.yearEnd)
        var rate: [String: (Int, Int)] = [:]
        for r in rows { rate[r.area, default: (0, 0)].0 += r.count; rate[r.area, default: (0, 0)].1 += r.breaches ?? 0 }
        let ranked = rate.filter { $0.value.0 >= 20 }.sorted { Double($0.value.1) / Double($0.value.0) > Double($1.value.1) / Double($1.value.0) }
        let truth = try AppealFixture.truth()
        let slow = (truth["slow_org"] as! [String: Any])["org"] as! String
        let slowID = router.organisations.first { $0.name == slow }?.id
        #expect(ranked.first?.key == slowID, "\(ranked.prefix(3))")
        // Each appeal once, for the organisation `route` names.
        for i in stride(from: 0, to: appeals.count, by: 97) {
            let c = router.categoryIndex(of: appeals.categories[Int(appeals.category[i])])!
            let r = router.route(x: appeals.lon[i], y: appeals.lat[i], category: c)
            #expect(areas.names[Int(areas.members[i])] == (r.organisation >= 0 ? (router.organisations[Int(r.organisation)].id ?? router.organisations[Int(r.organisation)].name) : AppealAreas.none))
        }
    }

    @Test("duplicate groups equal the components of an exact all-pairs computation, and hold every planted group")
    func duplicatesEqualAllPairs() throws {
        let appeals = try AppealFixture.appeals()
        // Both ways to find neighbouring cells: the sweep over cells in key order, and hashing.
        for (metres, hours, any, sweep) in [(40.0, 48.0, false, true), (40.0, 48.0, true, true), (120.0, 12.0, false, true), (7.5, 200.0, true, true),
                                            (40.0, 48.0, false, false), (120.0, 12.0, true, false)] {
            let groups = DuplicateGroups(appeals, metres: metres, hours: hours, anyCategory: any, sweep: sweep)
            // All pairs, by brute force, with union-find of their own.
            let n = appeals.count
            var parent = Array(0 ..< n)
            func find(_ a: Int) -> Int { var a = a; while parent[a] != a { a = parent[a] }; return a }
            var pairs = 0
            for i in 0 ..< n {
                for j in i + 1 ..< n {
                    guard any || appeals.category[i] == appeals.category[j] else { continue }
                    guard abs(appeals.created[i] - appeals.created[j]) <= hours * 3600 else { continue }
                    let dx = appeals.x[i] - appeals.x[j], dy = appeals.y[i] - appeals.y[j]
                    guard dx * dx + dy * dy <= metres * metres else { continue }
                    pairs += 1
                    let a = find(i), b = find(j)
                    if a != b { parent[a] = b }
                }
            }
            var components: [Int: Set<Int>] = [:]
            for i in 0 ..< n { components[find(i), default: []].insert(i) }
            let expected = Set(components.values.filter { $0.count > 1 })
            let got = Set(groups.groups.map { Set($0.members) })
            #expect(groups.pairs == pairs, "\(metres) m \(hours) h")
            #expect(got == expected, "\(metres) m \(hours) h any \(any)")
            for g in groups.groups {
                let first = g.members[0]
                #expect(g.members.allSatisfy { (appeals.created[$0], $0) >= (appeals.created[first], first) })
            }
        }
        // Every planted group (same category, ≤ 38 m, ≤ 46 h from its first) lies in one group.
        let groups = DuplicateGroups(appeals, metres: 40, hours: 48, anyCategory: false)
        var groupOf: [String: Int] = [:]
        for (g, group) in groups.groups.enumerated() { for m in group.members { groupOf[appeals.ids[m]] = g } }
        let planted = (try AppealFixture.truth()["duplicates"] as! [String: Any])["groups_ids"] as! [[Int]]
        #expect(planted.count > 10)
        for ids in planted {
            let g = Set(ids.map { groupOf[String($0)] })
            #expect(g.count == 1 && g.first! != nil, "\(ids)")
        }
    }

    @Test("a point goes to the hexagon with the nearest centre, which GEOS says covers it; neighbours share an edge")
    func hexGrid() throws {
        let geos = GEOSContext()
        var rng = SeededRandom(seed: 7)
        for shape in CellShape.allCases {
            let grid = CellGrid(shape: shape, size: 37.5)
            for _ in 0 ..< 3000 {
                let x = Double.random(in: 300_000 ... 301_000, using: &rng), y = Double.random(in: 6_200_000 ... 6_201_000, using: &rng)
                let c = grid.cell(x: x, y: y)
                let polygon = try geos.geometry(.polygon(Polygon(rings: [grid.ring(c)])))
                #expect(try polygon.covers(try geos.point(x: x, y: y)), "\(shape) \(x) \(y)")
                if shape == .hex {
                    // No other centre nearby is nearer.
                    let (cx, cy) = grid.centre(c)
                    let d = (x - cx) * (x - cx) + (y - cy) * (y - cy)
                    for n in grid.neighbours(c) {
                        let (nx, ny) = grid.centre(n)
                        #expect((x - nx) * (x - nx) + (y - ny) * (y - ny) >= d - 1e-6)
                    }
                }
                for n in grid.neighbours(c) {
                    let other = try geos.geometry(.polygon(Polygon(rings: [grid.ring(n)])))
                    // Sharing an edge up to rounding: no gap, no overlap.
                    #expect(try polygon.distance(to: other) < 1e-6)
                    #expect(try polygon.intersection(other).area() < 1e-6)
                    #expect(grid.neighbours(n).contains(c))
                }
            }
            #expect(Set(grid.neighbours(GridCell(i: 3, j: -2))).count == (shape == .hex ? 6 : 8))
        }
    }

    @Test("the heat map counts every appeal of the study area once and includes the empty cells")
    func heatMap() throws {
        let appeals = try AppealFixture.appeals()
        let grid = CellGrid(shape: .hex, size: 100)
        let area = try StudyArea.boundary(try Fixtures.features("city"), layer: "city", grid: grid, crs: appeals.crs)
        let heat = HeatMap(appeals, area: area)
        #expect(heat.counts.reduce(0, +) + heat.outside == appeals.count)
        #expect(heat.counts.contains(0))
        // Counted against GEOS: the city covers exactly the appeals not counted... within cells meeting it.
        let geos = GEOSContext()
        let toUTM = try CoordinateTransformer(from: "EPSG:4326", to: appeals.crs)
        let city = try geos.geometry(try toUTM.transform(try Fixtures.features("city")[0].geometry!)).prepared()
        for i in 0 ..< appeals.count where try city.covers(try geos.point(x: appeals.x[i], y: appeals.y[i])) {
            #expect(heat.cellOfAppeal[i] >= 0)
        }
        let hull = try StudyArea.hull(x: appeals.x, y: appeals.y, grid: grid, crs: appeals.crs)
        #expect(HeatMap(appeals, area: hull).outside == 0)
        #expect(hull.count > area.count)
    }

    @Test("Gi* z-scores equal PySAL's esda.G_Local(star=True, transform=\"B\") within 1e-9", .enabled(if: PySAL.enabled, "needs .build-venv (scripts/test-venv.sh)"))
    func giStarEqualsPySAL() throws {
        let appeals = try AppealFixture.appeals()
        for (shape, size) in [(CellShape.hex, 100.0), (.hex, 250), (.square, 150)] {
            let area = try StudyArea.hull(x: appeals.x, y: appeals.y, grid: CellGrid(shape: shape, size: size), crs: appeals.crs)
            let heat = HeatMap(appeals, area: area)
            let neighbours = (0 ..< area.count).map { area.neighbours(of: $0) }
            let z = GetisOrdGiStar.z(counts: heat.counts.map(Double.init), neighbours: neighbours)
            let script = """
            import json, sys, numpy as np
            from libpysal.weights import W
            from esda.getisord import G_Local
            d = json.load(sys.stdin)
            w = W({i: n for i, n in enumerate(d["neighbours"])}, silence_warnings=True)
            g = G_Local(np.array(d["y"], float), w, transform="B", star=True, permutations=0)
            print(json.dumps(list(map(float, g.Zs))))
            """
            let expected = try PySAL.run(script, input: ["y": heat.counts, "neighbours": neighbours]) as! [Double]
            #expect(expected.count == z.count)
            let worst = zip(z, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-9, "\(shape) \(size): largest difference \(worst)")
            #expect(z.contains { $0 > 3 })
        }
    }

    @Test("BH q-values, normal, Poisson, negative binomial and binomial tails equal SciPy's", .enabled(if: PySAL.enabled, "needs .build-venv (scripts/test-venv.sh)"))
    func significanceEqualsSciPy() throws {
        var rng = SeededRandom(seed: 3)
        let p = (0 ..< 500).map { _ in pow(Double.random(in: 0 ... 1, using: &rng), 3) }
        let cases: [[Double]] = [[0, 0.3], [1, 0.3], [5, 0.5], [17, 0.64], [40, 12.5], [130, 100], [90, 100], [3000, 2500], [1, 1e-6]]
        let binomial: [[Double]] = [[5, 20, 0.1], [0, 10, 0.5], [31, 120, 0.0833], [200, 1000, 0.25], [12, 12, 0.3], [3, 2000, 0.5]]
        let z: [Double] = [0, 0.5, -1.96, 2.5758, 8, -12]
        // k, mean, size.
        let negativeBinomial: [[Double]] = [[0, 3, 2], [1, 0.3, 5], [17, 6.4, 3.5], [40, 12.5, 40], [130, 100, 25], [90, 100, 25],
                                            [3000, 2500, 60], [700, 500, 1e6], [2, 900, 0.7], [5000, 900, 0.7]]
        let script = """
        import json, sys
        from scipy import stats
        d = json.load(sys.stdin)
        print(json.dumps({"q": list(map(float, stats.false_discovery_control(d["p"], method="bh"))),
                          "poisson": [float(stats.poisson.sf(k - 1, m)) for k, m in d["poisson"]],
                          "binomial": [float(stats.binom.sf(k - 1, int(n), p)) for k, n, p in d["binomial"]],
                          "nbinom": [float(stats.nbinom.sf(k - 1, r, r / (r + m))) for k, m, r in d["nbinom"]],
                          "normal": [float(2 * stats.norm.sf(abs(x))) for x in d["z"]]}))
        """
        let out = try PySAL.run(script, input: ["p": p, "poisson": cases, "binomial": binomial, "z": z, "nbinom": negativeBinomial]) as! [String: [Double]]
        let q = Significance.benjaminiHochberg(p)
        #expect(zip(q, out["q"]!).allSatisfy { abs($0 - $1) <= 1e-12 })
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 || abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }
        for (k, c) in cases.enumerated() {
            let mine = Significance.poissonUpper(Int(c[0]), mean: c[1])
            #expect(close(mine, out["poisson"]![k]), "Poisson \(c): \(mine) vs \(out["poisson"]![k])")
        }
        for (k, c) in binomial.enumerated() {
            let mine = Significance.binomialUpper(Int(c[0]), n: Int(c[1]), p: c[2])
            #expect(close(mine, out["binomial"]![k]), "binomial \(c): \(mine) vs \(out["binomial"]![k])")
        }
        for (k, x) in z.enumerated() { #expect(close(Significance.twoSidedNormal(x), out["normal"]![k])) }
        for (k, c) in negativeBinomial.enumerated() {
            let mine = Significance.negativeBinomialUpper(Int(c[0]), mean: c[1], size: c[2])
            #expect(close(mine, out["nbinom"]![k]), "negative binomial \(c): \(mine) vs \(out["nbinom"]![k])")
        }
    }

    @Test("the planted hot spots of the fixture are found by the excess test against building exposure, month spots in their month")
    func plantedSpotsFound() throws {
        let appeals = try AppealFixture.appeals()
        let grid = CellGrid(shape: .hex, size: 100)
        let area = try StudyArea.boundary(try Fixtures.features("city"), layer: "city", grid: grid, crs: appeals.crs)
        let heat = HeatMap(appeals, area: area)
        let exposure = try HotSpots.exposure(try Fixtures.features("buildings"), property: nil, area: area)
        let year = HotSpots.run(appeals, heat: heat, method: .excess, exposure: exposure, byMonth: false, permutations: 0)
        let monthly = HotSpots.run(appeals, heat: heat, method: .excess, exposure: exposure, byMonth: true, permutations: 0)
        let toUTM = try CoordinateTransformer(from: "EPSG:4326", to: appeals.crs)
        let spots = (try AppealFixture.truth()["hotspots"] as! [[String: Any]]).map { s -> (Point, Double, String, Int) in
            (try! toUTM.transform(x: s["lon"] as! Double, y: s["lat"] as! Double), s["radius_m"] as! Double, s["kind"] as! String, (s["months"] as! [Int])[0])
        }
        // A cell is within a spot when some part of it is within the spot's radius of its centre.
        func within(_ k: Int, _ s: (Point, Double, String, Int)) -> Bool {
            let (x, y) = grid.centre(area.cells[k])
            return ((x - s.0.x) * (x - s.0.x) + (y - s.0.y) * (y - s.0.y)).squareRoot() <= s.1 + grid.size * 0.8660254
        }
        let hotYear = year.cells.filter { $0.q <= 0.05 && $0.hotClass.isHot }
        let hotMonth = monthly.cells.filter { $0.q <= 0.05 && $0.hotClass.isHot }
        var found = 0, foundMonthly = 0
        for s in spots {
            if s.2 == "month" {
                let label = "2024-\(s.3 < 10 ? "0" : "")\(s.3)"
                if hotMonth.contains(where: { $0.period == label && within($0.cell, s) }) { found += 1; foundMonthly += 1 }
            } else if hotYear.contains(where: { within($0.cell, s) }) { found += 1 }
        }
        // The issue's goal is 10 of 12 with every one-month spot; at this scale (4 spots, 2 of
        // them one-month, 2,000 appeals) the same share is 3 of 4 with both one-month spots.
        #expect(foundMonthly == spots.filter { $0.2 == "month" }.count, "one-month spots found in their month: \(foundMonthly)")
        #expect(found >= spots.count - 1, "found \(found) of \(spots.count)")
        let all = hotYear + hotMonth
        let outside = all.filter { c in !spots.contains { within(c.cell, $0) } }.count
        #expect(Double(outside) <= 0.1 * Double(all.count), "\(outside) of \(all.count) hot cells outside every spot")
    }

    @Test("the fixture is exactly what bench/gen_appeals.py makes from the sample city (the generator is deterministic)")
    func generatorDeterministic() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-gen-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let root = Fixtures.root.deletingLastPathComponent().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "\(root)/bench/gen_appeals.py", "--city", "\(root)/fixtures/geojson", "--appeals", "2000",
                             "--hotspots", "4", "--month-spots", "2", "--spot-gap", "700", "--inside", "300", "--sigma", "40,80",
                             "--min-background", "5", "--categories",
                             "pothole:10:16,lighting:5:10,garbage:2:22,snow:2:9,landscaping:15:14,other:30:6",
                             "--out", "\(folder)/year.geojson"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/year.geojson")) == Data(contentsOf: URL(fileURLWithPath: AppealFixture.path)))
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(folder)/year.truth.json")) == Data(contentsOf: URL(fileURLWithPath: AppealFixture.truthPath)))
    }

    @Test("hot spots count each duplicate group once; the extra variation α·E² is where the median (O − E)²/(E + α·E²) is χ²₁'s median")
    func duplicatesOnceAndDispersion() throws {
        let appeals = try AppealFixture.appeals()
        let groups = DuplicateGroups(appeals, metres: 40, hours: 48, anyCategory: false)
        let distinct = appeals.withoutDuplicates(groups)
        #expect(distinct.count == appeals.count - groups.duplicateCount && groups.duplicateCount > 20)
        let kept = Set(distinct.ids)
        for g in groups.groups {
            #expect(kept.contains(appeals.ids[g.members[0]]))
            #expect(g.members.dropFirst().allSatisfy { !kept.contains(appeals.ids[$0]) })
        }
        // Every cell 30 % above its expectation (E = 100 or 400): the extra variation α solves
        // median((O − E)²/(E + α·E²)) = median of χ²₁ exactly.
        let target = 0.454936423119572
        let e = (0 ..< 41).map { $0 < 20 ? 100.0 : 400.0 }
        let high = e.map { Int(1.3 * $0) }
        // The median term is a cell of E = 400: 120² / (400 + α·400²) = target.
        let alpha = (120.0 * 120 / target - 400) / (400 * 400)
        #expect(abs(ExcessTest.extraVariation(counts: high, expected: e) - alpha) <= 1e-9 * alpha)
        // Counts within Poisson's spread, and too few cells: no extra variation.
        #expect(ExcessTest.extraVariation(counts: e.map { Int($0) + 1 }, expected: e) == 0)
        #expect(ExcessTest.extraVariation(counts: Array(high.prefix(29)), expected: Array(e.prefix(29))) == 0)
        // The widened test is less significant than Poisson's, and is the negative binomial tail.
        let plain = ExcessTest.poisson(cell: 0, period: nil, observed: 140, expected: 100)
        let wide = ExcessTest.poisson(cell: 0, period: nil, observed: 140, expected: 100, extraVariation: 0.02)
        #expect(wide.p > 10 * plain.p && wide.p == Significance.negativeBinomialUpper(140, mean: 100, size: 50))
    }
}

