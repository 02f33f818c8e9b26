import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// The sample city in a store, with its routing rules.
final class CityStore {
    let t: TemporaryStore
    let rules: RoutingRules

    init(restricted: Set<String> = ["appeals"]) throws {
        t = try TemporaryStore()
        for name in Fixtures.cityLayers {
            try t.importLayer(Fixtures.city(name), name) { $0.visibility = restricted.contains(name) ? .restricted : .public }
        }
        rules = try RoutingRules(path: Fixtures.root.appendingPathComponent("routing-rules.yaml").path)
    }

    func router() throws -> Router { try Router(store: t.store, rules: rules) }
}

@Suite("Appeal routing")
struct RouterTests {
    /// An independent routing with GEOS: prepared covers/contains, and distances in UTM.
    struct GEOSOracle {
        let geos = GEOSContext()
        let toUTM: CoordinateTransformer
        var layers: [String: [Feature]] = [:]
        var prepared: [String: [PreparedGeometry]] = [:]
        var metric: [String: [GEOSGeometry]] = [:]

        init() throws {
            toUTM = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
            for name in ["territories", "roads", "sites"] {
                let features = try Fixtures.features(name)
                layers[name] = features
                prepared[name] = try features.map { try geos.geometry($0.geometry!).prepared() }
                metric[name] = try features.map { try geos.geometry(try toUTM.transform($0.geometry!)) }
            }
        }

        /// Acceptable (organisation, feature index) answers for one strategy, or nil when it
        /// finds nothing. Near a tie or a threshold, every defensible answer is accepted.
        func answers(_ s: RoutingStrategy, _ p: Point) throws -> (orgs: Set<String>, features: Set<Int>, flags: RouteFlags)? {
            switch s {
            case .covering(let layer, let property, _):
                let point = try geos.point(x: p.x, y: p.y)
                var covering: [Int] = [], interior: [Int] = []
                for (i, g) in prepared[layer]!.enumerated() {
                    if try g.covers(point) { covering.append(i) }
                    if try g.contains(point) { interior.append(i) }
                }
                guard !covering.isEmpty else { return nil }
                let chosen = interior.first ?? covering.first!
                let org = layers[layer]![chosen].properties[property]!.plainText!
                return ([org], [chosen], covering.count > 1 ? (interior.count > 1 ? .overlappingClaims : []) : [])
            case .nearest(let layer, let property, let within):
                let q = try toUTM.transform(x: p.x, y: p.y)
                let point = try geos.point(x: q.x, y: q.y)
                let distances = try metric[layer]!.map { try $0.distance(to: point) }
                let tolerance = 0.01 + 0.0005 * within
                guard let best = distances.min(), best <= within + tolerance else { return nil }
                if best > within - tolerance { return ([], [], []) }   // at the threshold: either way
                let near = distances.indices.filter { distances[$0] <= best + tolerance }
                return (Set(near.map { layers[layer]![$0].properties[property]!.plainText! }), Set(near), [])
            case .fallback:
                return nil
            }
        }
    }

    @Test("every sample appeal, in every category, goes where GEOS covers and GEOS distances say")
    func agreesWithGEOS() throws {
        let city = try CityStore()
        let router = try city.router()
        let oracle = try GEOSOracle()
        let appeals = try Fixtures.features("appeals")
        var checked = 0, viaCovering = 0, viaNearest = 0
        for appeal in appeals {
            guard case .point(let p)? = appeal.geometry else { continue }
            for category in city.rules.categories {
                let d = try router.decide(lon: p.x, lat: p.y, category: category.id)
                // Walk the strategies as the rules say, with GEOS.
                var expectedIndex: Int?
                for (k, s) in category.strategies.enumerated() {
                    if case .fallback = s { expectedIndex = k; break }
                    guard let a = try oracle.answers(s, p) else { continue }
                    if a.orgs.isEmpty {   // ambiguous threshold: accept the router's choice of this or a later rule
                        expectedIndex = d.ruleIndex
                        break
                    }
                    expectedIndex = k
                    #expect(d.ruleIndex == k, "appeal \(appeal.id!) \(category.id)")
                    #expect(a.orgs.contains(d.organisation?.name ?? "-"), "appeal \(appeal.id!) \(category.id): \(d.organisation?.name ?? "-") not in \(a.orgs)")
                    if let f = d.featureID, let i = Int(f) { #expect(a.features.contains(i - 1) || a.features.contains(i), "appeal \(appeal.id!)") }
                    if case .nearest = s {
                        viaNearest += 1
                        // The router's metres against GEOS in UTM (which has its own scale error ~1.5e-4).
                        let q = try oracle.toUTM.transform(x: p.x, y: p.y)
                        let g = try oracle.metric[d.layer!]![Int(d.featureID!)! - 1].distance(to: try oracle.geos.point(x: q.x, y: q.y))
                        #expect(abs(g - d.distanceMetres!) <= 0.01 + 0.0005 * g, "appeal \(appeal.id!): \(g) vs \(d.distanceMetres!)")
                    } else {
                        viaCovering += 1
                        #expect(d.flags.contains(.overlappingClaims) == a.flags.contains(.overlappingClaims))
                    }
                    break
                }
                #expect(d.ruleIndex == expectedIndex, "appeal \(appeal.id!) \(category.id)")
                checked += 1
            }
        }
        #expect(checked == 1200)
        #expect(viaCovering > 300 && viaNearest > 40, "\(viaCovering) \(viaNearest)")
    }

    @Test("points exactly on shared borders and vertices: on_border, every covering territory listed, the same answer every time")
    func bordersAreDeterministic() throws {
        let city = try CityStore()
        let router = try city.router()
        let other = try city.router()
        let appeals = try Fixtures.features("appeals").filter { $0.properties["placement"]?.stringValue?.hasPrefix("on a shared") == true }
        #expect(appeals.count == 8)
        for a in appeals {
            guard case .point(let p)? = a.geometry else { continue }
            let d = try router.decide(lon: p.x, lat: p.y, category: "snow")
            #expect(d.candidates.count >= 2)
            #expect(d.candidates.allSatisfy { $0.onBoundary })
            // The first imported territory wins, and says so.
            let lowest = d.candidates.map { Int($0.featureID)! }.min()!
            #expect(Int(d.featureID!) == lowest)
            if Set(d.candidates.compactMap(\.organisation)).count > 1 { #expect(d.flags.contains(.onBorder)) }
            for _ in 0 ..< 5 {
                #expect(try router.decide(lon: p.x, lat: p.y, category: "snow").featureID == d.featureID)
                #expect(try other.decide(lon: p.x, lat: p.y, category: "snow").featureID == d.featureID)
            }
        }
    }

    @Test("outside the city: the fallback, flagged outside; in the hole: the island's company; in each MultiPolygon part")
    func outsideHoleAndParts() throws {
        let city = try CityStore()
        let router = try city.router()
        let territories = try Fixtures.features("territories")
        let multi = try #require(territories.first { $0.geometry?.kind == .multiPolygon })
        let holed = try #require(territories.first { ($0.geometry?.polygons.first?.ringCount ?? 0) > 1 })
        let appeals = try Fixtures.features("appeals")
        for a in appeals where a.properties["placement"]?.stringValue == "outside the city" {
            guard case .point(let p)? = a.geometry else { continue }
            let d = try router.decide(lon: p.x, lat: p.y, category: "landscaping")
            #expect(d.organisation?.id == "admin")
            #expect(d.flags.contains(.fallback) && d.flags.contains(.outsideCovering))
        }
        let inHole = appeals.filter { $0.properties["placement"]?.stringValue == "in the hole (island)" }
        #expect(inHole.count == 3)
        for a in inHole {
            guard case .point(let p)? = a.geometry else { continue }
            let d = try router.decide(lon: p.x, lat: p.y, category: "snow")
            #expect(d.featureID == multi.id?.description)
            #expect(d.organisation?.name == multi.properties["org"]?.stringValue)
            #expect(d.organisation?.name != holed.properties["org"]?.stringValue)
        }
        // A point inside each part of the MultiPolygon, from GEOS's point on surface.
        let geos = GEOSContext()
        for part in multi.geometry!.polygons {
            let inside = try geos.geometry(.polygon(part)).pointOnSurface().value()
            guard case .point(let p) = inside else { continue }
            #expect(try router.decide(lon: p.x, lat: p.y, category: "snow").featureID == multi.id?.description)
        }
    }

    @Test("overlapping claims: both candidates listed, the first imported chosen, flagged")
    func overlappingClaims() throws {
        let t = try TemporaryStore()
        let a = Feature(id: .string("A"), geometry: .polygon(Polygon(rings: [[60.70, 56.00, 60.80, 56.00, 60.80, 56.10, 60.70, 56.10, 60.70, 56.00]])), properties: ["org": .string("УК «А»")])
        let b = Feature(id: .string("B"), geometry: .polygon(Polygon(rings: [[60.75, 56.05, 60.85, 56.05, 60.85, 56.15, 60.75, 56.15, 60.75, 56.05]])), properties: ["org": .string("УК «Б»")])
        try t.importLayer(try t.write([a, b], name: "t.geojson"), "t", kind: .territory)
        let rules = try RoutingRules(JSONDocument.parse(#"{"organisations":[{"name":"УК «А»"},{"name":"УК «Б»"},{"id":"admin","name":"Администрация"}],"categories":[{"id":"snow","name_ru":"Снег","name_en":"Snow","deadline_days":2,"strategies":[{"covering":{"layer":"t","organisation":"org","border_metres":10}},{"fallback":"admin"}]}]}"#), file: "rules.json")
        let router = try Router(store: t.store, rules: rules)
        let both = try router.decide(lon: 60.78, lat: 56.08, category: "snow")
        #expect(both.flags.contains(.overlappingClaims))
        #expect(both.organisation?.name == "УК «А»")
        #expect(both.candidates.map(\.featureID) == ["A", "B"])
        // Inside A only, but 2 m from B's border: near_border, B's company named.
        let metric = LocalMetric(latitude: 56.07)
        let near = try router.decide(lon: 60.75 - 2 / metric.metresPerDegreeX, lat: 56.07, category: "snow")
        #expect(near.flags == [.nearBorder])
        #expect(near.neighbours.map(\.organisation.name) == ["УК «Б»"])
        #expect(abs(near.neighbours[0].metres - 2) < 0.01)
        let far = try router.decide(lon: 60.75 - 20 / metric.metresPerDegreeX, lat: 56.07, category: "snow")
        #expect(far.flags.isEmpty && far.neighbours.isEmpty)
        // On A's edge inside B: B's interior wins over A's boundary.
        let edge = try router.decide(lon: 60.80, lat: 56.08, category: "snow")
        #expect(edge.organisation?.name == "УК «Б»")
    }

    @Test("unknown category and bad coordinates are clear errors")
    func badRequests() throws {
        let router = try CityStore().router()
        #expect(throws: RoutingError.unknownCategory("volcano", known: ["pothole", "lighting", "garbage", "snow", "landscaping", "other"])) {
            try router.decide(lon: 60.73, lat: 56.08, category: "volcano")
        }
        #expect(throws: RoutingError.invalidCoordinates(lon: 200, lat: 56)) { try router.decide(lon: 200, lat: 56, category: "snow") }
        #expect(throws: RoutingError.self) { try router.decide(lon: .nan, lat: 56, category: "snow") }
        #expect(router.route(x: 60.73, y: 56.08, category: 99).flags.contains(.invalidInput))
    }

    @Test("a layer dropped after the router was built: its categories fail clearly, the others keep routing")
    func droppedLayer() throws {
        let city = try CityStore()
        let router = try city.router()
        try city.t.store.dropLayer(named: "roads")
        // The built router is an immutable snapshot and still answers.
        #expect(try router.decide(lon: 60.7079101, lat: 56.077377, category: "pothole").layer == "roads")
        let next = try router.refreshed(from: city.t.store)
        do {
            _ = try next.decide(lon: 60.7079101, lat: 56.077377, category: "pothole")
            Issue.record("pothole routed without roads")
        } catch {
            #expect(error == .categoryUnavailable("pothole", reason: "layer \"roads\" was dropped from the store after the router was built"))
        }
        #expect(next.route(x: 60.7079101, y: 56.077377, category: next.categoryIndex(of: "lighting")!).flags.contains(.invalidInput))
        #expect(try next.decide(lon: 60.72309, lat: 56.07966, category: "snow").organisation?.name == "УК «Комфорт»")
        // A fresh router from the same rules is refused at build time, naming the layer.
        do {
            _ = try city.router()
            Issue.record("built a router on a missing layer")
        } catch let e as ConfigurationError {
            #expect(e.reason.contains("categories pothole, lighting: layer \"roads\" is not in the store"))
        }
    }

    @Test("rules naming a missing property, a non-polygon covering layer or an unknown fallback are refused when loaded")
    func rulesChecked() throws {
        let city = try CityStore()
        func rules(_ strategies: String, orgs: String = #"[{"id":"admin","name":"A"}]"#) throws -> RoutingRules {
            try RoutingRules(JSONDocument.parse(#"{"organisations":\#(orgs),"categories":[{"id":"x","name_ru":"x","name_en":"x","deadline_days":1,"strategies":\#(strategies)}]}"#), file: "r.json")
        }
        for (strategies, words) in [
            (#"[{"covering":{"layer":"territories","organisation":"boss"}}]"#, "layer \"territories\" has no property \"boss\" (it has: code, name, org"),
            (#"[{"covering":{"layer":"roads","organisation":"owner"}}]"#, "category x: layer \"roads\" (kind other, LineString) cannot be the layer of a covering rule: it needs Polygon or MultiPolygon"),
            (#"[{"nearest":{"layer":"nowhere","organisation":"x","within_metres":5}}]"#, "layer \"nowhere\" is not in the store"),
        ] {
            do {
                _ = try Router(store: city.t.store, rules: try rules(strategies))
                Issue.record("accepted \(strategies)")
            } catch let e as ConfigurationError {
                #expect(e.reason.contains(words), "\(e)")
            }
        }
        #expect(throws: ConfigurationError.self) { try rules(#"[{"fallback":"nobody"}]"#) }
        #expect(throws: ConfigurationError.self) { try rules(#"[{"nearest":{"layer":"roads","organisation":"owner"}}]"#) }
        #expect(throws: ConfigurationError.self) { try rules(#"[{"teleport":{}}]"#) }
        #expect(throws: ConfigurationError.self) { try rules(#"[]"#) }
    }

    @Test("the organisations directory can be a layer; unknown organisations are warned about")
    func directoryFromLayer() throws {
        let city = try CityStore()
        let orgs = try city.t.write([
            Feature(id: .integer(1), geometry: nil, properties: ["name": .string("УК «Комфорт»"), "tel": .string("01")]),
            Feature(id: .integer(2), geometry: nil, properties: ["name": .string("Администрация"), "tel": .string("02")]),
        ], name: "orgs.geojson")
        try city.t.importLayer(orgs, "organisations")
        let rules = try RoutingRules(JSONDocument.parse(#"{"organisations":{"layer":"organisations","name":"name","phone":"tel"},"categories":[{"id":"snow","name_ru":"Снег","name_en":"Snow","deadline_days":2,"strategies":[{"covering":{"layer":"territories","organisation":"org"}},{"fallback":"Администрация"}]}]}"#), file: "r.json")
        let router = try Router(store: city.t.store, rules: rules)
        let d = try router.decide(lon: 60.72309, lat: 56.07966, category: "snow")
        #expect(d.organisation == Organisation(name: "УК «Комфорт»", phone: "01"))
        // Nine of the ten organisations in the territories are missing: one line, not nine.
        let missing = router.warnings.filter { $0.contains("not in the directory") }
        #expect(missing == ["9 organisations are not in the directory (\"ООО «Городское хозяйство»\", \"ООО «ЖЭУ №1»\", \"ООО «ЖЭУ №2»\" and 6 more): their appeals are routed without contacts"])
    }

    @Test("batch routing on two cores gives exactly the single-core answers, and concurrent callers agree")
    func concurrency() async throws {
        let city = try CityStore()
        let router = try city.router()
        var rng = SeededRandom(seed: 21)
        var xs: [Double] = [], ys: [Double] = [], cs: [Int] = []
        for _ in 0 ..< 20_000 {
            xs.append(Double.random(in: 60.69 ... 60.77, using: &rng))
            ys.append(Double.random(in: 56.06 ... 56.10, using: &rng))
            cs.append(Int.random(in: -1 ..< 6, using: &rng))
        }
        let one = router.route(x: xs, y: ys, categories: cs, threads: 1)
        let two = router.route(x: xs, y: ys, categories: cs, threads: 2)
        #expect(one == two)
        let results = await withTaskGroup(of: [RouteResult].self) { group in
            for _ in 0 ..< 4 {
                group.addTask { [xs, ys, cs] in (0 ..< 2000).map { router.route(x: xs[$0], y: ys[$0], category: cs[$0]) } }
            }
            var all: [[RouteResult]] = []
            for await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r == Array(one.prefix(2000))) }
    }

    @Test("a batch's CSV and GeoJSON, formatted on two cores from escaped-once cells, equal writing its rows one by one",
          arguments: [RoutedAppealWriter.Format.csv, .geojson])
    func batchWritersMatchRowByRow(format: RoutedAppealWriter.Format) throws {
        let city = try CityStore()
        let router = try city.router()
        // 5,000 rows (past the two-core threshold): every category, an unknown one, a bad
        // row, points on and near borders and outside the city, ids that need quoting.
        var rng = SeededRandom(seed: 7)
        let categories = router.rules.categories.map(\.id) + ["volcano"]
        var body = "id,lon,lat,category\n"
        for k in 0 ..< 5_000 {
            let lon = Double.random(in: 60.68 ... 60.78, using: &rng), lat = Double.random(in: 56.05 ... 56.11, using: &rng)
            let id = k % 97 == 0 ? "\"a,\"\"b\"\"\"" : "A-\(k)"
            body += k % 211 == 0 ? "\(id),x,\(lat),\(categories[k % categories.count])\n"
                : "\(id),\(lon),\(lat),\(categories[k % categories.count])\n"
        }
        let reader = try AppealBatchReader(bytes: Array(body.utf8), format: .csv, source: "test.csv")
        let batch = RoutedAppealWriter(format: format)
        let summary = try router.routeBatch(from: reader, to: batch, chunkSize: 3_000)
        #expect(summary.total == 5_000 && summary.routed > 4_000 && summary.routed < 5_000)

        // Row by row, through the public one-row API.
        let again = try AppealBatchReader(bytes: Array(body.utf8), format: .csv, source: "test.csv")
        let single = RoutedAppealWriter(format: format)
        try single.begin()
        var number = 0
        while let row = try again.nextRows(limit: 1).first {
            number += 1
            var row = row
            let c = router.categoryIndex(of: row.category)
            if c == nil && row.problem == nil {
                row.problem = AppealRowProblem(.unknownCategory, "unknown category \"\(row.category)\" (known: \(router.rules.categories.map(\.id).joined(separator: ", ")))")
            }
            let result = router.route(x: [row.lon], y: [row.lat], categories: [row.problem == nil ? c ?? -1 : -1], threads: 1)[0]
            try single.write(number: number, row: row, result: result, router: router)
        }
        try single.finish()
        #expect(number == 5_000)
        #expect(batch.bytes == single.bytes)
    }
}
