import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Planar shape distance")
struct PlanarShapeTests {
    /// Random shapes in metres: points, lines, triangles and squares, near and touching.
    static func shape(_ rng: inout SeededRandom, near: (Double, Double)) -> Geometry {
        func r(_ span: Double) -> Double { Double(rng.next() % 10_000) / 10_000 * span - span / 2 }
        let (x, y) = (near.0 + r(40), near.1 + r(40))
        switch rng.next() % 4 {
        case 0: return .point(Point(x: x, y: y))
        case 1: return .lineString(LineString(coordinates: [x, y, x + r(30), y + r(30), x + r(30), y + r(30)]))
        case 2:
            let a = [x, y], b = [x + 5 + abs(r(20)), y], c = [x, y + 5 + abs(r(20))]
            return .polygon(Polygon(rings: [a + b + c + a]))
        default:
            let s = 3 + abs(r(20))
            return .polygon(Polygon(rings: [[x, y, x + s, y, x + s, y + s, x, y + s, x, y]]))
        }
    }

    @Test("the distance equals GEOS's on 5,000 random pairs, and is 0 exactly where GEOS says they intersect")
    func agreesWithGEOS() throws {
        var rng = SeededRandom(seed: 16)
        let geos = GEOSContext()
        var a = PlanarShape(), b = PlanarShape()
        var touching = 0
        for _ in 0 ..< 5000 {
            let g1 = Self.shape(&rng, near: (500_000, 6_200_000)), g2 = Self.shape(&rng, near: (500_000, 6_200_000))
            a.load(g1) { _ in }
            b.load(g2) { _ in }
            let d = PlanarShape.distance(a, b), e = try geos.geometry(g1).distance(to: try geos.geometry(g2))
            #expect(abs(d - e) <= 1e-9 * max(1, e), "\(g1) \(g2)")
            #expect((d == 0) == (try geos.geometry(g1).intersects(try geos.geometry(g2))), "\(g1) \(g2)")
            if d == 0 { touching += 1 }
        }
        #expect(touching > 100)
    }

    @Test("a line along an edge, a shared edge and a shared vertex are at distance 0; a hole keeps its distance")
    func edgeCases() throws {
        let square = Geometry.polygon(Polygon(rings: [[0, 0, 10, 0, 10, 10, 0, 10, 0, 0]]))
        let cases: [(Geometry, Double)] = [
            (.lineString(LineString(coordinates: [10, 0, 10, 10])), 0),
            (.lineString(LineString(coordinates: [10, 2, 10, 4])), 0),
            (.polygon(Polygon(rings: [[10, 0, 20, 0, 20, 10, 10, 10, 10, 0]])), 0),
            (.polygon(Polygon(rings: [[10, 10, 20, 10, 20, 20, 10, 20, 10, 10]])), 0),
            (.point(Point(x: 13, y: 14)), 5),
            (.point(Point(x: 5, y: 5)), 0),
        ]
        let geos = GEOSContext()
        var a = PlanarShape(), b = PlanarShape()
        a.load(square) { _ in }
        for (g, expected) in cases {
            b.load(g) { _ in }
            #expect(PlanarShape.distance(a, b) == expected, "\(g)")
            #expect(PlanarShape.distance(b, a) == expected, "\(g)")
            #expect(try geos.geometry(square).distance(to: try geos.geometry(g)) == expected)
        }
        let holed = Geometry.polygon(Polygon(rings: [[0, 0, 30, 0, 30, 30, 0, 30, 0, 0], [10, 10, 20, 10, 20, 20, 10, 20, 10, 10]]))
        a.load(holed) { _ in }
        b.load(.point(Point(x: 15, y: 14))) { _ in }
        #expect(PlanarShape.distance(a, b) == 4)
        #expect(try geos.geometry(holed).distance(to: try geos.geometry(.point(Point(x: 15, y: 14)))) == 4)
    }
}
