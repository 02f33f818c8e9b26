import Testing
@testable import GeoCore
import TestSupport

@Suite("GEOS bindings")
struct GEOSTests {
    let geos = GEOSContext()

    @Test("every geometry kind converts to GEOS and back unchanged")
    func conversionRoundTrip() throws {
        var geometries: [Geometry] = [
            .point(Point(x: 1.5, y: -2.25)),
            .multiPoint(MultiPoint(coordinates: [1, 2, 3, 4])),
            .lineString(LineString(coordinates: [0, 0, 1, 1, 2, 0])),
            .multiLineString(MultiLineString(coordinates: [0, 0, 1, 1, 5, 5, 6, 6, 7, 5], lineStarts: [0, 2])),
            .polygon(Polygon(rings: [[0, 0, 10, 0, 10, 10, 0, 10, 0, 0], [2, 2, 2, 4, 4, 4, 2, 2]])),
            .geometryCollection([.point(Point(x: 1, y: 2)), .lineString(LineString(coordinates: [0, 0, 1, 1]))]),
        ]
        geometries += try Fixtures.features("territories").compactMap(\.geometry)
        for g in geometries {
            let back = try geos.geometry(g).value()
            #expect(back == g)
        }
        #expect(try geos.geometry(.polygon(Polygon(rings: [[0, 0, 1, 0, 1, 1, 0, 0]]))).typeName == "Polygon")
    }

    @Test("validity: the reason and location GEOS gives for a bow-tie")
    func validity() throws {
        let features = try GeoJSONReader(path: Fixtures.broken("self-intersecting")).readAll()
        let bowtie = try geos.geometry(try #require(features[0].geometry))
        let problem = try #require(try bowtie.validityProblem())
        #expect(problem.reason == "Self-intersection")
        let location = try #require(problem.location)
        #expect(abs(location.x - 60.75) < 1e-9 && abs(location.y - 56.05) < 1e-9)
        #expect(try geos.geometry(try #require(features[1].geometry)).validityProblem() == nil)

        let repaired = try bowtie.makeValid()
        #expect(repaired.isValid)
        #expect(repaired.typeName == "MultiPolygon")
        #expect(abs(try repaired.area() - 0.005) < 1e-12)
    }

    @Test("area, length, distance, buffer, union, intersection, difference")
    func operations() throws {
        let a = try geos.geometry(.polygon(Polygon(rings: [[0, 0, 4, 0, 4, 4, 0, 4, 0, 0]])))
        let b = try geos.geometry(.polygon(Polygon(rings: [[2, 2, 6, 2, 6, 6, 2, 6, 2, 2]])))
        #expect(try a.area() == 16)
        #expect(try a.length() == 16)
        #expect(try a.intersection(b).area() == 4)
        #expect(try a.union(b).area() == 28)
        #expect(try a.difference(b).area() == 12)
        let p = try geos.point(x: 7, y: 4)
        #expect(try p.distance(to: a) == 3)
        #expect(try p.distance(to: b) == 1)
        let circle = try p.buffer(1, quadrantSegments: 64)
        #expect(abs(try circle.area() - Double.pi) < 0.002)
        let far = try geos.geometry(.polygon(Polygon(rings: [[10, 10, 11, 10, 11, 11, 10, 10]])))
        #expect(try a.intersection(far).value() == .geometryCollection([]))
    }

    @Test("covers counts the boundary; contains does not (PostGIS ST_Covers vs ST_Contains)")
    func coversVersusContains() throws {
        let square = try geos.geometry(.polygon(Polygon(rings: [[0, 0, 4, 0, 4, 4, 0, 4, 0, 0]])))
        let prepared = try square.prepared()
        for (x, y, covers, contains) in [(2.0, 2.0, true, true), (0.0, 2.0, true, false), (4.0, 4.0, true, false), (5.0, 2.0, false, false)] {
            let p = try geos.point(x: x, y: y)
            #expect(try square.covers(p) == covers)
            #expect(try square.contains(p) == contains)
            #expect(try prepared.covers(p) == covers)
            #expect(try prepared.contains(p) == contains)
        }
    }

    @Test("GEOS error messages become Swift errors")
    func errors() throws {
        // A ring that is not closed: GEOS refuses it with its own message.
        let open = Geometry.polygon(Polygon(coordinates: [0, 0, 1, 0, 1, 1, 0, 1], ringStarts: [0]))
        do {
            _ = try geos.geometry(open)
            Issue.record("an unclosed ring was accepted")
        } catch {
            #expect(error.message.contains("closed"), "\(error)")
        }
        #expect(GEOSContext.version.hasPrefix("3."))
    }
}
