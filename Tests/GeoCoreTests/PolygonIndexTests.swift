import Testing
@testable import GeoCore
import TestSupport

@Suite("Point-in-polygon index agrees with GEOS")
struct PolygonIndexTests {
    let geos = GEOSContext()

    /// A square 0..10 with a hole 4..6, and a two-part MultiPolygon beside it.
    static let squareWithHole = Polygon(rings: [[0, 0, 10, 0, 10, 10, 0, 10, 0, 0], [4, 4, 4, 6, 6, 6, 6, 4, 4, 4]])
    static let twoParts = [Polygon(rings: [[10, 0, 20, 0, 20, 5, 10, 5, 10, 0]]), Polygon(rings: [[30, 0, 40, 0, 35, 8, 30, 0]])]

    @Test("boundary rule on edges, vertices, holes and MultiPolygon parts", arguments: [
        // (x, y, expected location in the square-with-hole, in the MultiPolygon)
        (5.0, 2.0, PointLocation.interior, PointLocation.exterior),
        (5.0, 5.0, .exterior, .exterior),        // in the hole
        (4.0, 5.0, .boundary, .exterior),        // on the hole's edge
        (6.0, 6.0, .boundary, .exterior),        // on the hole's vertex
        (0.0, 0.0, .boundary, .exterior),        // outer vertex
        (0.0, 3.3, .boundary, .exterior),        // outer edge
        (10.0, 2.5, .boundary, .boundary),       // the shared edge
        (10.0, 0.0, .boundary, .boundary),       // the shared vertex
        (15.0, 2.5, .exterior, .interior),       // first part
        (35.0, 4.0, .exterior, .interior),       // second part
        (32.5, 4.0, .exterior, .boundary),       // on the second part's sloping edge, exactly
        (25.0, 2.0, .exterior, .exterior),       // between the parts
        (-1.0, 5.0, .exterior, .exterior),
    ])
    func boundaryRule(x: Double, y: Double, inSquare: PointLocation, inMulti: PointLocation) throws {
        let index = PolygonIndex(features: [[Self.squareWithHole], Self.twoParts])
        #expect(index.location(x: x, y: y, feature: 0) == inSquare)
        #expect(index.location(x: x, y: y, feature: 1) == inMulti)
        // GEOS says the same.
        let point = try geos.point(x: x, y: y)
        let square = try geos.geometry(.polygon(Self.squareWithHole))
        let multi = try geos.geometry(.multiPolygon(MultiPolygon(polygons: Self.twoParts)))
        #expect(try square.covers(point) == inSquare.isCovered)
        #expect(try square.contains(point) == inSquare.isContained)
        #expect(try multi.covers(point) == inMulti.isCovered)
        #expect(try multi.contains(point) == inMulti.isContained)
        var covering = [Int]()
        if inSquare.isCovered { covering.append(0) }
        if inMulti.isCovered { covering.append(1) }
        #expect(index.covering(x: x, y: y) == covering)
    }

    @Test("thousands of random, vertex and edge points on the sample territories agree with GEOS covers and contains")
    func propertyAgainstGEOS() throws {
        let territories = try Fixtures.features("territories")
        let geometries = territories.map(\.geometry)
        let index = PolygonIndex(geometries: geometries)
        let prepared = try geometries.map { try geos.geometry($0!).prepared() }
        var box = BoundingBox.empty
        for g in geometries { box.extend(g!.boundingBox!) }
        var rng = SeededRandom(seed: 11)
        var points: [(Double, Double)] = []
        for _ in 0 ..< 4000 {
            points.append((Double.random(in: box.minX - 0.01 ... box.maxX + 0.01, using: &rng),
                           Double.random(in: box.minY - 0.01 ... box.maxY + 0.01, using: &rng)))
        }
        // Every vertex (shared borders, the hole, the island), and points along edges.
        for g in geometries {
            for p in g!.polygons {
                for k in stride(from: 0, to: p.coordinates.count - 2, by: 2) {
                    points.append((p.coordinates[k], p.coordinates[k + 1]))
                    let t = Double.random(in: 0 ... 1, using: &rng)
                    points.append((p.coordinates[k] + t * (p.coordinates[k + 2] - p.coordinates[k]),
                                   p.coordinates[k + 1] + t * (p.coordinates[k + 3] - p.coordinates[k + 1])))
                }
            }
        }
        var boundaryHits = 0
        for (x, y) in points {
            let point = try geos.point(x: x, y: y)
            var expectedCovers: [Int] = [], expectedContains: [Int] = []
            for (i, p) in prepared.enumerated() {
                if try p.covers(point) { expectedCovers.append(i) }
                if try p.contains(point) { expectedContains.append(i) }
            }
            #expect(index.covering(x: x, y: y) == expectedCovers, "(\(x), \(y))")
            #expect(index.containing(x: x, y: y) == expectedContains, "(\(x), \(y))")
            if expectedCovers.count > expectedContains.count { boundaryHits += 1 }
        }
        // The test means something only if many points really sit on borders.
        #expect(boundaryHits > 200)
        #expect(points.count > 4400)
    }

    @Test("the sample appeals on shared vertices are covered by every territory around them and contained by none")
    func appealsOnVertices() throws {
        let index = PolygonIndex(geometries: try Fixtures.features("territories").map(\.geometry))
        let onVertex = try Fixtures.features("appeals").filter {
            $0.properties["placement"]?.stringValue?.hasPrefix("on a shared") == true
        }
        #expect(onVertex.count == 8)
        for appeal in onVertex {
            guard case .point(let p)? = appeal.geometry else { continue }
            #expect(index.covering(x: p.x, y: p.y).count >= 2)
            #expect(index.containing(x: p.x, y: p.y).isEmpty)
        }
    }
}

@Suite("Packed R-tree")
struct PackedRTreeTests {
    @Test("box and point searches match a brute-force scan; nearest comes in distance order")
    func againstBruteForce() {
        var rng = SeededRandom(seed: 5)
        var boxes: [BoundingBox] = []
        for _ in 0 ..< 2000 {
            let x = Double.random(in: 0 ... 1000, using: &rng), y = Double.random(in: 0 ... 1000, using: &rng)
            boxes.append(BoundingBox(minX: x, minY: y, maxX: x + Double.random(in: 0 ... 30, using: &rng),
                                     maxY: y + Double.random(in: 0 ... 30, using: &rng)))
        }
        let tree = PackedRTree(boxes, nodeSize: 8)
        for _ in 0 ..< 200 {
            let x = Double.random(in: -10 ... 1010, using: &rng), y = Double.random(in: -10 ... 1010, using: &rng)
            let query = BoundingBox(minX: x, minY: y, maxX: x + 40, maxY: y + 25)
            let expected = boxes.indices.filter { boxes[$0].intersects(query) }
            #expect(tree.items(intersecting: query).sorted() == expected)
            var atPoint: [Int] = []
            tree.search(x: x, y: y) { atPoint.append($0); return true }
            #expect(atPoint.sorted() == boxes.indices.filter { boxes[$0].contains(x: x, y: y) })

            // Exact distance to each box's centre, as a stand-in for a geometry distance.
            func centreDistance(_ i: Int) -> Double {
                let c = boxes[i].center
                return ((c.x - x) * (c.x - x) + (c.y - y) * (c.y - y)).squareRoot()
            }
            var nearest: [(Int, Double)] = []
            tree.nearest(x: x, y: y, maxDistance: 60, distance: centreDistance) { nearest.append(($0, $1)); return nearest.count < 5 }
            var brute: [(item: Int, distance: Double)] = boxes.indices.map { ($0, centreDistance($0)) }
            brute = brute.filter { $0.distance <= 60 }
            brute.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.item < $1.item }
            let expectedNearest: [Int] = brute.prefix(5).map { $0.item }
            let foundNearest: [Int] = nearest.map { $0.0 }
            #expect(foundNearest == expectedNearest)
        }
    }

    @Test("an empty tree finds nothing")
    func empty() {
        let tree = PackedRTree([])
        #expect(tree.items(intersecting: BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1)).isEmpty)
    }
}

@Suite("Exact orientation")
struct RobustOrientationTests {
    @Test("exactly collinear points give 0 even where the naive determinant is not 0")
    func collinear() {
        // 0.1, 0.2, 0.3 are not exact in binary; the points below lie exactly on one line
        // only where the arithmetic is exact, so compare with the exact evaluation.
        #expect(RobustOrientation.index(0, 0, 3, 3, 1, 1) == 0)
        #expect(RobustOrientation.index(0, 0, 1, 1, 2, 2.0000000000000004) == 1)
        #expect(RobustOrientation.index(0, 0, 1, 1, 2, 1.9999999999999998) == -1)
        let a = 0.1, b = 0.2
        // The naive formula says nonzero; the exact sign must match the exact sum.
        let naive = (b - a) * (0.3 - a) - (b - a) * (0.3 - a)
        #expect(naive == 0)
        #expect(RobustOrientation.index(60.7312345, 56.0812345, 60.7412345, 56.0912345, 60.7362345, 56.0862345)
            == RobustOrientation.exactIndex(60.7312345, 56.0812345, 60.7412345, 56.0912345, 60.7362345, 56.0862345))
    }

    @Test("the filtered result always equals the exact one on near-collinear points")
    func filterMatchesExact() {
        var rng = SeededRandom(seed: 9)
        for _ in 0 ..< 20000 {
            let x1 = Double.random(in: 60 ... 61, using: &rng), y1 = Double.random(in: 56 ... 57, using: &rng)
            let x2 = Double.random(in: 60 ... 61, using: &rng), y2 = Double.random(in: 56 ... 57, using: &rng)
            let t = Double.random(in: -1 ... 2, using: &rng)
            let qx = x1 + t * (x2 - x1), qy = y1 + t * (y2 - y1)
            #expect(RobustOrientation.index(x1, y1, x2, y2, qx, qy) == RobustOrientation.exactIndex(x1, y1, x2, y2, qx, qy))
        }
    }
}
