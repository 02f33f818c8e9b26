import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// `GET /route`'s fast answers (``DecisionJSONWriter``) against the explained decision as
/// `geoctl route --format json` writes it, and the explanation's shortcuts against listing
/// every covering feature and every border nearby.
@Suite("Decision JSON writer")
struct DecisionJSONWriterTests {
    /// Points where decisions differ: a grid over the city, the fixture appeals, and every
    /// territory vertex and edge midpoint, on it and 1, 4 and 6 m east and north of it.
    static func points() throws -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        for a in try Fixtures.features("appeals") {
            if case .point(let p)? = a.geometry { points.append((p.x, p.y)) }
        }
        let territories = try Fixtures.features("territories")
        var box = BoundingBox.empty
        for t in territories {
            for polygon in t.geometry?.polygons ?? [] {
                for r in 0 ..< polygon.ringCount {
                    let ring = Array(polygon.ring(r))
                    var k = 0
                    while k + 3 < ring.count {
                        let (x0, y0, x1, y1) = (ring[k], ring[k + 1], ring[k + 2], ring[k + 3])
                        box.extend(x: x0, y: y0)
                        let metric = LocalMetric(latitude: y0)
                        for (x, y) in [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2)] {
                            points.append((x, y))
                            for m in [1.0, 4.0, 6.0] {
                                points.append((x + m / metric.metresPerDegreeX, y))
                                points.append((x, y + m / metric.metresPerDegreeY))
                            }
                        }
                        k += 2
                    }
                }
            }
        }
        let steps = 60
        for i in 0 ... steps {
            for j in 0 ... steps {
                let x = box.minX - 0.01 + (box.maxX - box.minX + 0.02) * Double(i) / Double(steps)
                let y = box.minY - 0.01 + (box.maxY - box.minY + 0.02) * Double(j) / Double(steps)
                points.append((x, y))
            }
        }
        return points
    }

    /// What the explanation lists when it searches every time (the code before the shortcuts).
    static func exhaustive(_ router: Router, _ r: RouteResult, lon: Double, lat: Double, category c: Int)
        -> (candidates: [RoutingDecision.Candidate], neighbours: [RoutingDecision.Neighbour]) {
        guard r.organisation >= 0, r.layer >= 0, case .covering(_, let orgs, let border) = router.strategies[c][Int(r.strategy)],
              let polygons = router.layers[Int(r.layer)].polygons else { return ([], []) }
        let ids = router.layers[Int(r.layer)].featureIDs
        var candidates: [RoutingDecision.Candidate] = []
        polygons.forEachCovering(x: lon, y: lat) { f, location in
            candidates.append(.init(featureID: ids[f], organisation: orgs[f] >= 0 ? router.organisations[Int(orgs[f])].name : nil,
                                    onBoundary: location == .boundary))
            return true
        }
        candidates.sort { ($0.onBoundary ? 1 : 0, $0.featureID) < ($1.onBoundary ? 1 : 0, $1.featureID) }
        if candidates.count < 2 { candidates = [] }
        var neighbours: [RoutingDecision.Neighbour] = []
        var seen: Set<Int32> = [r.organisation]
        for near in polygons.boundariesNear(x: lon, y: lat, metres: max(border, 0)) {
            let org = orgs[near.feature]
            guard org >= 0, seen.insert(org).inserted else { continue }
            neighbours.append(.init(organisation: router.organisations[Int(org)], featureID: ids[near.feature], metres: near.metres))
        }
        return (candidates, neighbours)
    }

    func check(_ router: Router) throws -> (candidates: Int, neighbours: Int) {
        let writer = DecisionJSONWriter(router: router)
        var listed = (candidates: 0, neighbours: 0)
        for (lon, lat) in try Self.points() {
            for c in router.rules.categories.indices {
                let r = router.route(x: lon, y: lat, category: c)
                let decision = router.explain(r, lon: lon, lat: lat, category: c)
                var expected: [UInt8] = [], written: [UInt8] = []
                DecisionJSON.append(decision, lon: lon, lat: lat, to: &expected)
                writer.append(r, lon: lon, lat: lat, category: c, to: &written)
                #expect(written == expected, "\(lon),\(lat) \(router.rules.categories[c].id)")
                let full = Self.exhaustive(router, r, lon: lon, lat: lat, category: c)
                #expect(decision.candidates == full.candidates, "\(lon),\(lat) \(router.rules.categories[c].id)")
                #expect(decision.neighbours.map(\.featureID) == full.neighbours.map(\.featureID))
                #expect(decision.neighbours.map(\.metres) == full.neighbours.map(\.metres))
                listed.candidates += decision.candidates.isEmpty ? 0 : 1
                listed.neighbours += decision.neighbours.isEmpty ? 0 : 1
            }
        }
        return listed
    }

    @Test("the same bytes as the explained decision, and the same candidates and neighbours as a full search")
    func sameAsExplained() throws {
        let city = try CityStore()
        let listed = try check(try city.router())
        // The points reach borders and overlaps: the lists are not all empty.
        #expect(listed.candidates > 50)
        #expect(listed.neighbours > 50)
    }

    @Test("the same with a border distance of 0, where the route does not look for borders")
    func zeroBorder() throws {
        let city = try CityStore()
        var text = try String(contentsOfFile: Fixtures.root.appendingPathComponent("routing-rules.yaml").path, encoding: .utf8)
        text = text.replacingOccurrences(of: "border_metres: 5", with: "border_metres: 0")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-rules-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rules = try RoutingRules(path: path)
        let listed = try check(try Router(store: city.t.store, rules: rules))
        #expect(listed.candidates > 50)
    }
}
