import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Waste-site coverage")
struct CoverageTests {
    @Test("on the sample city, every nearest-site distance agrees with GEOS in the same projection to 1 mm, and with the geodesic to 0.5 m")
    func distancesAgree() throws {
        let buildings = try Fixtures.features("buildings"), sites = try Fixtures.features("sites")
        let report = try CoverageAnalysis.run(buildings: buildings, sites: sites, districts: try Fixtures.features("districts"),
                                              sensitive: try Fixtures.features("institutions"), rules: .urban)
        #expect(report.crs == "EPSG:32641")
        let geos = GEOSContext()
        let toUTM = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
        let toWGS = try CoordinateTransformer(from: "EPSG:32641", to: "EPSG:4326")
        let siteGeometries = try sites.map { try geos.geometry(try toUTM.transform($0.geometry!)) }
        var checked = 0
        for r in report.buildings {
            let outline = try toUTM.transform(buildings[r.index].geometry!)
            let b = try geos.geometry(outline)
            let distances = try siteGeometries.map { try b.distance(to: $0) }
            let best = distances.min()!
            let d = try #require(r.nearestMetres)
            #expect(abs(d - best) <= 0.001, "building \(r.id): \(d) vs GEOS \(best)")
            #expect(abs(distances[r.nearestSite!] - best) <= 0.001)
            #expect(r.covered == (best <= 100.0005))
            // The geodesic from the site to the nearest point of the outline.
            guard case .point(let sp) = try toUTM.transform(sites[r.nearestSite!].geometry!) else { continue }
            var closest = (Double.infinity, Point(x: 0, y: 0))
            outline.polygons[0].forEachEdge { x1, y1, x2, y2 in
                let dx = x2 - x1, dy = y2 - y1
                let t = max(0, min(1, ((sp.x - x1) * dx + (sp.y - y1) * dy) / (dx * dx + dy * dy)))
                let c = Point(x: x1 + t * dx, y: y1 + t * dy)
                let dist = ((c.x - sp.x) * (c.x - sp.x) + (c.y - sp.y) * (c.y - sp.y)).squareRoot()
                if dist < closest.0 { closest = (dist, c) }
            }
            guard d > 0 else { continue }
            let a = try toWGS.transform(x: sp.x, y: sp.y), c = try toWGS.transform(x: closest.1.x, y: closest.1.y)
            #expect(abs(Geodesic.wgs84.distance(from: a, to: c) - d) <= 0.5)
            checked += 1
        }
        #expect(checked > 300)
        #expect(report.buildings.contains { !$0.covered } && report.buildings.contains { $0.covered })
        #expect(report.sites.contains { !$0.violations.isEmpty })
        // Districts partition the city: every building is counted once.
        #expect(report.districts.reduce(0) { $0 + $1.buildings } == buildings.count)
    }

    /// Features built in UTM 41N metres around (400 000, 6 215 000), given in lon/lat.
    struct Local {
        let toWGS = try! CoordinateTransformer(from: "EPSG:32641", to: "EPSG:4326")
        let x0 = 400_000.0, y0 = 6_215_000.0

        func square(_ x: Double, _ y: Double, _ size: Double, id: Int, residents: Int = 10) throws -> Feature {
            let ring = [x, y, x + size, y, x + size, y + size, x, y + size, x, y].enumerated().map { $0.offset % 2 == 0 ? $0.element + x0 : $0.element + y0 }
            return Feature(id: .integer(Int64(id)), geometry: try toWGS.transform(.polygon(Polygon(rings: [ring]))), properties: ["residents": .integer(Int64(residents))])
        }

        func point(_ x: Double, _ y: Double, id: Int, _ properties: JSONObject = [:]) throws -> Feature {
            Feature(id: .integer(Int64(id)), geometry: .point(try toWGS.transform(x: x + x0, y: y + y0)), properties: properties)
        }
    }

    @Test("a building nearer than 20 m to two sites lists both; a site with no building in reach serves none")
    func twoSitesTooClose() throws {
        let l = Local()
        let buildings = [try l.square(0, 0, 10, id: 1)]
        let sites = [try l.point(22, 5, id: 1, ["containers": .integer(2)]), try l.point(5, -15, id: 2, ["containers": .integer(2)]),
                     try l.point(2000, 2000, id: 3, ["containers": .integer(2)])]
        let r = try CoverageAnalysis.run(buildings: buildings, sites: sites, rules: .urban)
        #expect(Set(r.buildings[0].tooCloseSites) == ["1", "2"])
        #expect(r.buildings[0].nearestSiteID == "1" && abs(r.buildings[0].nearestMetres! - 12) < 0.002)
        #expect(r.sites[0].violations.map(\.id) == ["1"] && r.sites[1].violations.map(\.id) == ["1"])
        #expect(r.sites[2].served.isEmpty && r.sites[2].violations.isEmpty)
        #expect(r.sites[0].served == [0])
        #expect(r.sites[0].loadPerContainer == 5)
    }

    @Test("a building exactly 100 m away is covered; 100.5 m is not")
    func exactlyHundredMetres() throws {
        let l = Local()
        let buildings = [try l.square(0, 0, 10, id: 1), try l.square(0, 500, 10, id: 2)]
        let sites = [try l.point(110, 5, id: 1), try l.point(110.5, 505, id: 2)]
        let r = try CoverageAnalysis.run(buildings: buildings, sites: sites, rules: .urban, crs: "EPSG:32641")
        #expect(r.buildings[0].nearestMetres == 100)
        #expect(r.buildings[0].covered)
        #expect(r.buildings[1].nearestMetres == 100.5)
        #expect(!r.buildings[1].covered)
    }

    @Test("the rural profile changes the verdict for a medical organisation 20 m from a site")
    func ruralProfile() throws {
        let l = Local()
        let sites = [try l.point(0, 0, id: 1)]
        let clinic = [try l.point(20, 0, id: 7, ["kind_code": .string("clinic")])]
        let school = [try l.point(0, 19, id: 8, ["kind_code": .string("school")])]
        let urban = try CoverageAnalysis.run(buildings: [], sites: sites, sensitive: clinic + school, rules: .urban)
        #expect(urban.sites[0].violations.map(\.kind) == [.children, .medical])
        #expect(urban.sites[0].violations.last?.minimumMetres == 25)
        let rural = try CoverageAnalysis.run(buildings: [], sites: sites, sensitive: clinic + school, rules: .rural)
        #expect(rural.sites[0].violations.map(\.kind) == [.children])
    }

    @Test("reductions apply only where the site carries them; container limits are checked")
    func exceptionsAndLimits() throws {
        let l = Local()
        let buildings = [try l.square(0, 0, 10, id: 1)]
        let plain = try l.point(22, 5, id: 1, ["containers": .integer(10)])
        let separate = try l.point(22, 5, id: 2, ["containers": .integer(12), "separate_collection": .bool(true), "bulky_bins": .integer(2)])
        let assessed = try l.point(28, 5, id: 3, ["sanitary_assessment": .bool(true)])
        let r = try CoverageAnalysis.run(buildings: buildings, sites: [plain, separate, assessed], rules: .urban)
        #expect(r.sites[0].violations.count == 1)                 // 12 m < 20 m
        #expect(r.sites[1].violations.isEmpty)                    // 12 m ≥ 10 m (−50%)
        #expect(r.sites[1].reduction == "separate collection −50%")
        #expect(r.sites[2].residentialMinMetres == 15 && r.sites[2].violations.isEmpty)  // 18 m ≥ 15 m (−25%)
        #expect(r.sites[0].problems == ["10 containers, more than 8 (mixed collection, SanPiN 2.1.3684-21 cl. 4)"])
        #expect(r.sites[1].problems == ["2 bulky-waste bins, more than 1 (SanPiN 2.1.3684-21 cl. 4)"])
    }

    @Test("a profile file overrides numbers and is checked")
    func profileFile() throws {
        let t = try TemporaryStore()
        let path = try t.writeText("base: rural\nresidential_max_m: 150\nmedical_kinds: [clinic]\n", name: "p.yaml")
        let rules = try CoverageRules(profile: path)
        #expect(rules.medicalMinMetres == 15 && rules.residentialMaxMetres == 150 && rules.medicalKinds == ["clinic"])
        let bad = try t.writeText("assessment_reduction: 0.4\n", name: "bad.yaml")
        #expect(throws: ConfigurationError.self) { try CoverageRules(profile: bad) }
    }
}

@Suite("Suggested sites")
struct SuggestionTests {
    @Test("suggestions leave no building of the sample city uncovered and break no minimum distance (checked with GEOS)")
    func suggestionsCoverEverything() throws {
        let buildings = try Fixtures.features("buildings"), sites = try Fixtures.features("sites")
        let institutions = try Fixtures.features("institutions")
        let report = try CoverageAnalysis.run(buildings: buildings, sites: sites, sensitive: institutions, rules: .urban, suggest: true)
        let uncovered = report.buildings.filter { !$0.covered }.map(\.index)
        #expect(uncovered.count > 50)
        #expect(report.unreachable.isEmpty)
        #expect(!report.suggestions.isEmpty && report.suggestions.count < uncovered.count / 2)
        let geos = GEOSContext()
        let toUTM = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
        let outlines = try buildings.map { try geos.geometry(try toUTM.transform($0.geometry!)) }
        let sensitive = try institutions.map { try geos.geometry(try toUTM.transform($0.geometry!)) }
        var served = Set<Int>()
        for s in report.suggestions {
            let p = try toUTM.transform(x: s.location.x, y: s.location.y)
            let point = try geos.point(x: p.x, y: p.y)
            for o in outlines {
                #expect(try !o.covers(point))
                #expect(try o.distance(to: point) >= 19.999)
            }
            for (i, g) in sensitive.enumerated() {
                let medical = ["clinic", "hospital"].contains(institutions[i].properties["kind_code"]?.stringValue ?? "")
                #expect(try g.distance(to: point) >= (medical ? 24.999 : 19.999))
            }
            for b in s.buildings {
                #expect(try outlines[b].distance(to: point) <= 100.001)
                served.insert(b)
            }
        }
        #expect(served == Set(uncovered))
    }
}
