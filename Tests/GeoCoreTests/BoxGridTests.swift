import Testing
import GeoCore
import TestSupport

@Suite("Box grid")
struct BoxGridTests {
    /// Boxes of every size, some sharing an edge or a corner exactly, some far away or empty.
    static func boxes(_ rng: inout SeededRandom, _ n: Int) -> [BoundingBox] {
        var boxes: [BoundingBox] = []
        for k in 0 ..< n {
            let x = Double.random(in: 0 ... 1000, using: &rng).rounded(), y = Double.random(in: 0 ... 1000, using: &rng).rounded()
            let w = k % 50 == 0 ? 300 : Double.random(in: 0 ... 30, using: &rng).rounded(), h = k % 7 == 0 ? 0 : Double.random(in: 0 ... 30, using: &rng).rounded()
            boxes.append(BoundingBox(minX: x, minY: y, maxX: x + w, maxY: y + h))
        }
        boxes.append(BoundingBox(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity))
        boxes.append(.empty)
        return boxes
    }

    @Test("every pair of boxes that meet (edges and corners included) is reported once, as a brute-force scan finds them, whatever the cell size")
    func pairsAgainstBruteForce() {
        var rng = SeededRandom(seed: 17)
        let boxes = Self.boxes(&rng, 1500)
        var expected: [[Int]] = []
        for i in boxes.indices where boxes[i].minX.isFinite && !boxes[i].isEmpty {
            for j in (i + 1) ..< boxes.count where boxes[j].minX.isFinite && !boxes[j].isEmpty && boxes[i].intersects(boxes[j]) {
                expected.append([i, j])
            }
        }
        #expect(expected.count > 1000)
        for cellsPerBox in [0.01, 1, 4, 16] {
            let grid = BoxGrid(boxes, cellsPerBox: cellsPerBox)
            var found: [[Int]] = []
            // In two halves of the rows, as two threads share them.
            let half = grid.rowCount / 2
            grid.forEachOverlappingPair(rows: 0 ..< half) { found.append([$0, $1]) }
            grid.forEachOverlappingPair(rows: half ..< grid.rowCount) { found.append([$0, $1]) }
            #expect(found.allSatisfy { $0[0] < $0[1] })
            #expect(found.sorted { $0.lexicographicallyPrecedes($1) } == expected, "cellsPerBox \(cellsPerBox)")
        }
    }

    @Test("a search finds each box it meets once, small queries (one cell) and large ones alike")
    func searchAgainstBruteForce() {
        var rng = SeededRandom(seed: 18)
        let boxes = Self.boxes(&rng, 1500)
        for cellsPerBox in [1.0, 16] {
            let grid = BoxGrid(boxes, cellsPerBox: cellsPerBox)
            var visits = grid.visits()
            for k in 0 ..< 400 {
                let x = Double.random(in: -10 ... 1010, using: &rng).rounded(), y = Double.random(in: -10 ... 1010, using: &rng).rounded()
                let size = k % 4 == 0 ? 80.0 : Double.random(in: 0 ... 3, using: &rng)
                let query = BoundingBox(minX: x, minY: y, maxX: x + size, maxY: y + size)
                var found: [Int] = []
                grid.search(minX: query.minX, minY: query.minY, maxX: query.maxX, maxY: query.maxY, visits: &visits) { found.append($0) }
                let expected = boxes.indices.filter { boxes[$0].minX.isFinite && !boxes[$0].isEmpty && boxes[$0].intersects(query) }
                #expect(found.sorted() == expected)
            }
        }
    }
}
