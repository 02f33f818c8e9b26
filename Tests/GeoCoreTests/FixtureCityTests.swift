import Testing
@testable import GeoCore
import TestSupport

/// The sample city keeps the promises the tests and the demo rely on.
@Suite("Sample city fixtures")
struct FixtureCityTests {
    let geos = GEOSContext()

    func metric(_ g: Geometry) throws -> GEOSGeometry {
        try geos.geometry(try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641").transform(g))
    }

    @Test("territories tile the city exactly: no gap, no overlap, one hole filled by another company's island")
    func territoriesTileTheCity() throws {
        let city = try metric(try #require(try Fixtures.features("city").first?.geometry))
        let territories = try Fixtures.features("territories").map { try metric($0.geometry!) }
        var sum = 0.0
        for t in territories { sum += try t.area() }
        var union = territories[0]
        for t in territories.dropFirst() { union = try union.union(t) }
        let cityArea = try city.area()
        #expect(abs(try union.area() - cityArea) < 1e-3)            // no gap
        #expect(abs(sum - cityArea) < 1e-3)                          // no overlap
        #expect(try city.difference(union).area() < 1e-3)
        // Shared borders are bit-identical: pairwise intersections are lines or points, area 0.
        for i in territories.indices {
            for j in territories.indices where j > i {
                #expect(try territories[i].intersection(territories[j]).area() == 0)
            }
        }
    }

    @Test("buildings are valid and do not overlap; districts and precincts cover the city")
    func buildingsAndPartitions() throws {
        let buildings = try Fixtures.features("buildings").map { try metric($0.geometry!) }
        for b in buildings { #expect(b.isValid) }
        var overlaps = 0
        for i in buildings.indices {
            for j in buildings.indices where j > i {
                if try buildings[i].intersects(buildings[j]) { overlaps += 1 }
            }
        }
        #expect(overlaps == 0)
        let cityArea = try metric(try Fixtures.features("city")[0].geometry!).area()
        for layer in ["districts", "precincts"] {
            var area = 0.0
            for f in try Fixtures.features(layer) { area += try metric(f.geometry!).area() }
            #expect(abs(area - cityArea) < 1e-3, "\(layer)")
        }
    }
}
