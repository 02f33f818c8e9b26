import Testing
@testable import GeoCore
import TestSupport

@Suite("Point grid")
struct PointGridTests {
    @Test("box queries return exactly the points a brute-force scan finds, for any cell size and box")
    func agreesWithBruteForce() {
        var rng = SeededRandom(seed: 5)
        var points: [Point?] = (0 ..< 3000).map { _ in Point(x: Double.random(in: 0 ... 5000, using: &rng), y: Double.random(in: 0 ... 3000, using: &rng)) }
        points[7] = nil
        points[8] = points[9]   // a duplicate position
        for cell in [1.0, 100.0, 10_000.0] {
            let grid = PointGrid(points: points, cellSize: cell)
            for _ in 0 ..< 200 {
                let x = Double.random(in: -500 ... 5500, using: &rng), y = Double.random(in: -500 ... 3500, using: &rng)
                let r = Double.random(in: 0 ... 800, using: &rng)
                var found: [Int] = []
                grid.forEach(minX: x - r, minY: y - r, maxX: x + r, maxY: y + r) { i, px, py in
                    found.append(i)
                    #expect(points[i]! == Point(x: px, y: py))
                }
                let expected = points.indices.filter { i in
                    guard let p = points[i] else { return false }
                    return p.x >= x - r && p.x <= x + r && p.y >= y - r && p.y <= y + r
                }
                #expect(found.sorted() == expected, "cell \(cell)")
            }
        }
        // Boxes far outside or of infinite size do not trap.
        let grid = PointGrid(points: points, cellSize: 100)
        var all = 0
        grid.forEach(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity) { _, _, _ in all += 1 }
        #expect(all == 2999)
        grid.forEach(minX: 1e300, minY: 1e300, maxX: 2e300, maxY: 2e300) { _, _, _ in Issue.record("nothing lies there") }
    }
}
