import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// The fixture territories tile the city exactly; broken copies must show exactly the
/// overlaps and gaps GEOS's own overlay finds, computed here pair by pair.
@Suite("Territory checks")
struct TerritoryCheckTests {
    let territories: [Feature]
    let city: [Feature]
    let toUTM = try! CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
    let toWGS = try! CoordinateTransformer(from: "EPSG:32641", to: "EPSG:4326")

    init() throws {
        territories = try Fixtures.features("territories")
        city = try Fixtures.features("city")
    }

    func check(_ features: [Feature], boundary: [Feature]? = nil, minArea: Double = 10) throws -> CheckReport {
        try TerritoryCheck.run(territories: features, boundary: boundary ?? city, layer: "territories",
                               options: TerritoryCheckOptions(minAreaSquareMetres: minArea))
    }

    /// Independent oracle: GEOS area in UTM 41N of `a ∩ b`.
    func overlapArea(_ a: Geometry, _ b: Geometry, _ geos: GEOSContext) throws -> Double {
        let ga = try geos.geometry(try toUTM.transform(a)), gb = try geos.geometry(try toUTM.transform(b))
        return try ga.intersection(gb).area()
    }

    /// `g` moved `metres` east, measured in UTM.
    func shifted(_ g: Geometry, east metres: Double) throws -> Geometry {
        var p = try toUTM.transform(g)
        switch p {
        case .polygon(var poly):
            for i in stride(from: 0, to: poly.coordinates.count, by: 2) { poly.coordinates[i] += metres }
            p = .polygon(poly)
        case .multiPolygon(var m):
            for k in m.polygons.indices { for i in stride(from: 0, to: m.polygons[k].coordinates.count, by: 2) { m.polygons[k].coordinates[i] += metres } }
            p = .multiPolygon(m)
        default: break
        }
        return try toWGS.transform(p)
    }

    /// An interior territory: all its neighbours are polygons of other organisations.
    var interiorIndex: Int {
        let geos = GEOSContext()
        let boundary = try! geos.geometry(city[0].geometry!)
        return territories.indices.first { i in
            guard case .polygon = territories[i].geometry! else { return false }
            let g = try! geos.geometry(territories[i].geometry!)
            return try! boundary.buffer(-1e-3).covers(g)
        }!
    }

    @Test("the fixture territories tile the city: no problem, no sliver, no notice")
    func fixtureIsClean() throws {
        let report = try check(territories)
        #expect(report.passed)
        #expect(report.problems.isEmpty, "\(report.problems.map(\.detail))")
        #expect(report.method.contains("EPSG:32641"))
    }

    @Test("a territory shifted 5 m east overlaps its eastern neighbours and leaves gaps on its west, with GEOS's areas to 1%")
    func shiftedTerritory() throws {
        let k = interiorIndex
        var broken = territories
        broken[k].geometry = try shifted(territories[k].geometry!, east: 5)
        let report = try check(broken)
        #expect(!report.passed)

        // Expected overlaps: every other territory GEOS finds intersecting the moved one.
        let geos = GEOSContext()
        var expected: [Int: Double] = [:]
        for j in territories.indices where j != k {
            let a = try overlapArea(broken[k].geometry!, territories[j].geometry!, geos)
            if a > 0 { expected[j] = a }
        }
        #expect(!expected.isEmpty)
        var found: [Int: Double] = [:]
        for p in report.problems where p.kind == .overlap || p.kind == .sameOrganisationOverlap {
            #expect(p.features.map(\.index).contains(k))
            let other = p.features.map(\.index).first { $0 != k }!
            found[other, default: 0] += p.areaSquareMetres!
            if p.kind == .overlap {
                #expect(Set(p.organisations) == Set([broken[k].properties["org"]!.plainText!, territories[other].properties["org"]!.plainText!]))
            }
        }
        #expect(Set(found.keys) == Set(expected.keys))
        for (j, area) in expected {
            #expect(abs(found[j]! - area) <= 0.01 * area, "overlap with \(j): \(found[j]!) vs GEOS \(area)")
        }

        // Expected gap: the part of the old place that nobody covers now, by GEOS.
        let old = try geos.geometry(try toUTM.transform(territories[k].geometry!))
        var rest = try geos.geometry(try toUTM.transform(broken[k].geometry!))
        for j in territories.indices where j != k {
            rest = try rest.union(try geos.geometry(try toUTM.transform(territories[j].geometry!)))
        }
        let gapArea = try old.difference(rest).area()
        let gaps = report.problems.filter { $0.kind == .gap }
        #expect(!gaps.isEmpty)
        let reported = gaps.reduce(0) { $0 + $1.areaSquareMetres! }
        #expect(abs(reported - gapArea) <= 0.01 * gapArea, "gaps \(reported) vs GEOS \(gapArea)")
        // About 5 m times the territory's height.
        #expect(gaps.allSatisfy { $0.organisations.contains(broken[k].properties["org"]!.plainText!) })
        #expect(!report.problems.contains { $0.kind == .outsideBoundary })
    }

    @Test("a removed territory leaves one gap of its own area, surrounded by its neighbours' organisations")
    func removedTerritory() throws {
        let k = interiorIndex
        var broken = territories
        broken.remove(at: k)
        let report = try check(broken)
        let gaps = report.failures.filter { $0.kind == .gap }
        #expect(report.failures.count == 1 && gaps.count == 1, "\(report.problems.map(\.detail))")
        let geos = GEOSContext()
        let removed = try geos.geometry(try toUTM.transform(territories[k].geometry!))
        let area = try removed.area()
        #expect(abs(gaps[0].areaSquareMetres! - area) <= 0.01 * area)
        // Its neighbours: the territories GEOS says touch it.
        var neighbours = Set<String>()
        for j in territories.indices where j != k {
            if try removed.intersects(try geos.geometry(try toUTM.transform(territories[j].geometry!))) {
                neighbours.insert(territories[j].properties["org"]!.plainText!)
            }
        }
        #expect(Set(gaps[0].organisations) == neighbours)
        // The gap polygon is the removed territory, back in lon/lat.
        let gap = try geos.geometry(gaps[0].geometry!)
        let original = try geos.geometry(territories[k].geometry!)
        #expect(try gap.difference(original).area() < 1e-10 && original.difference(gap).area() < 1e-10)
    }

    @Test("a territory duplicated under another organisation is one overlap of its whole area, naming both")
    func duplicatedTerritory() throws {
        let k = interiorIndex
        var copy = territories[k]
        copy.id = .integer(999)
        let otherOrg = territories.first { $0.properties["org"] != territories[k].properties["org"] }!.properties["org"]!
        copy.properties["org"] = otherOrg
        let report = try check(territories + [copy])
        let overlaps = report.failures.filter { $0.kind == .overlap }
        #expect(report.failures.count == 1 && overlaps.count == 1, "\(report.problems.map(\.detail))")
        let area = try GEOSContext().geometry(try toUTM.transform(territories[k].geometry!)).area()
        #expect(abs(overlaps[0].areaSquareMetres! - area) <= 0.01 * area)
        #expect(Set(overlaps[0].organisations) == [territories[k].properties["org"]!.plainText!, otherOrg.plainText!])
        #expect(Set(overlaps[0].features.map(\.index)) == [k, territories.count])
    }

    @Test("digitising noise below the threshold is reported as slivers and does not fail the check")
    func slivers() throws {
        let k = interiorIndex
        var broken = territories
        broken[k].geometry = try shifted(territories[k].geometry!, east: 0.005)
        let report = try check(broken)
        #expect(report.passed)
        let slivers = report.problems.filter { $0.severity == .sliver }
        #expect(slivers.contains { $0.kind == .overlap } && slivers.contains { $0.kind == .gap })
        #expect(slivers.allSatisfy { $0.areaSquareMetres! < 10 })
        // The same misfit fails with a threshold below it.
        #expect(!(try check(broken, minArea: 0.001)).passed)
    }

    @Test("invalid, empty and null geometries, missing organisations and duplicate ids are each reported")
    func featureProblems() throws {
        var broken = territories
        // A bow tie: GEOS names the self-intersection and where it is.
        let c = territories[0].geometry!.boundingBox!.center
        broken[1].geometry = .polygon(Polygon(rings: [[c.x, c.y, c.x + 0.001, c.y + 0.001, c.x + 0.001, c.y, c.x, c.y + 0.001, c.x, c.y]]))
        broken[2].geometry = nil
        broken[3].geometry = .polygon(Polygon(coordinates: [], ringStarts: []))
        broken[4].properties["org"] = nil
        broken[5].id = broken[6].id
        let report = try check(broken)
        let kinds = Set(report.failures.map(\.kind))
        #expect(kinds.isSuperset(of: [.invalidGeometry, .nullGeometry, .emptyGeometry, .missingOrganisation, .duplicateID]))
        let invalid = report.failures.first { $0.kind == .invalidGeometry }!
        #expect(invalid.features.map(\.index) == [1])
        #expect(invalid.detail.contains("Self-intersection"))
        if case .point(let p)? = invalid.geometry {
            #expect(abs(p.x - (c.x + 0.0005)) < 1e-9 && abs(p.y - (c.y + 0.0005)) < 1e-9)
        } else { Issue.record("no location for the invalid geometry") }
        #expect(report.failures.first { $0.kind == .duplicateID }!.features.map(\.index) == [5, 6])
        // The removed geometries leave gaps, and the check still ran to the end.
        #expect(report.failures.contains { $0.kind == .gap })
    }

    @Test("without a boundary, a hole enclosed by territories is still a gap")
    func holesWithoutBoundary() throws {
        let k = interiorIndex
        var broken = territories
        broken.remove(at: k)
        let report = try check(broken, boundary: [])
        let gaps = report.failures.filter { $0.kind == .gap }
        #expect(gaps.count == 1)
        let area = try GEOSContext().geometry(try toUTM.transform(territories[k].geometry!)).area()
        #expect(abs(gaps[0].areaSquareMetres! - area) <= 0.01 * area)
        #expect(try check(territories, boundary: []).problems.isEmpty)
    }

    @Test("territories partly outside the boundary are reported with the ground they claim there")
    func outsideBoundary() throws {
        // Shrink the city by 20 m: every border territory now claims a strip outside it.
        let geos = GEOSContext()
        let shrunk = try toWGS.transform(try geos.geometry(try toUTM.transform(city[0].geometry!)).buffer(-20).value())
        let report = try check(territories, boundary: [Feature(geometry: shrunk)])
        let outside = report.failures.filter { $0.kind == .outsideBoundary }
        #expect(!outside.isEmpty)
        #expect(outside.allSatisfy { !$0.features.isEmpty && !$0.organisations.isEmpty })
        let total = outside.reduce(0) { $0 + $1.areaSquareMetres! }
        let expected = try geos.geometry(try toUTM.transform(city[0].geometry!)).area() - geos.geometry(try toUTM.transform(shrunk)).area()
        #expect(abs(total - expected) <= 0.01 * expected)
    }

    @Test("the generic layer check finds null and invalid geometries, duplicate ids, mixed types and far or swapped features")
    func layerCheck() throws {
        var features = try Fixtures.features("sites")
        let region = ExpectedRegion(extent: territories.reduce(into: BoundingBox.empty) { $0.extend($1.geometry!.boundingBox!) })
        #expect(try LayerCheck.run(features: features, layer: "sites", region: region).problems.isEmpty)
        let p = features[0].geometry!.boundingBox!.center
        features[1].geometry = .point(Point(x: p.y, y: p.x))        // swapped
        features[2].geometry = .point(Point(x: 37.6, y: 55.75))     // Moscow
        features[3].geometry = nil
        features[4].id = features[5].id
        features[6].geometry = territories[0].geometry               // a polygon among points
        let report = try LayerCheck.run(features: features, layer: "sites", region: region)
        let byKind = Dictionary(grouping: report.failures, by: \.kind)
        #expect(byKind[.swappedCoordinates]?.map { $0.features[0].index } == [1])
        #expect(byKind[.outsideRegion]?.map { $0.features[0].index } == [2])
        #expect(byKind[.nullGeometry]?.map { $0.features[0].index } == [3])
        #expect(byKind[.duplicateID]?.first?.features.map(\.index) == [4, 5])
        #expect(byKind[.mixedGeometryTypes]?.count == 1)
    }
}
