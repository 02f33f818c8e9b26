import GeoCore

/// A proposed new container site and the uncovered buildings it would serve.
public struct SuggestedSite: Sendable {
    /// Where, in WGS84 lon/lat.
    public var location: Point
    /// Indexes of the buildings it would bring within the maximum distance.
    public var buildings: [Int]
    /// Its distance to the nearest building (at least the minimum).
    public var nearestBuildingMetres: Double
}

/// Proposes new sites that together cover the uncovered buildings with few sites.
///
/// Candidates ring every uncovered building: 16 directions at three distances between the
/// minimum and the maximum (in metres, in the analysis's projection). A candidate is kept
/// only if it lies in no building and respects the minimum distance to every building and
/// sensitive object (the medical minimum to medical ones). Then a lazy greedy set cover:
/// take the candidate that covers the most still-uncovered buildings (ties to the first
/// generated), until none covers any. Greedy set cover is within a factor ln n of the
/// fewest sites. Buildings no valid candidate reaches are reported, not hidden.
enum SiteSuggestion {
    struct Input {
        let outlines: [Geometry?]
        let buildingTree: PackedRTree
        let sensitive: [Geometry?]
        let sensitiveMedical: [Bool]
        let sensitiveTree: PackedRTree
        let uncovered: [Int]
        let rules: CoverageRules
    }

    static func suggest(_ input: Input) -> (sites: [(Point, [Int], Double)], unreachable: [Int]) {
        let rules = input.rules
        let minimum = rules.residentialMinMetres
        var candidates: [Point] = []
        var nearestBuilding: [Double] = []
        var covers: [[Int]] = []
        let isUncovered = Set(input.uncovered)
        for b in input.uncovered {
            guard let outline = input.outlines[b], let box = outline.boundingBox else { continue }
            let c = box.center
            let half = 0.5 * (box.width * box.width + box.height * box.height).squareRoot()
            for step in [minimum + 5, (minimum + rules.residentialMaxMetres) / 2, rules.residentialMaxMetres - 5] {
                for k in 0 ..< 16 {
                    let a = Double(k) * .pi / 8
                    let p = Point(x: c.x + (half + step) * cos(a), y: c.y + (half + step) * sin(a))
                    guard let clearance = clearance(p, input) else { continue }
                    // The uncovered buildings this candidate would serve.
                    var served: [Int] = []
                    let r = rules.residentialMaxMetres
                    input.buildingTree.search(minX: p.x - r, minY: p.y - r, maxX: p.x + r, maxY: p.y + r) { o in
                        if isUncovered.contains(o), let g = input.outlines[o],
                           CoverageAnalysis.millimetres(PlanarDistance.point(p, to: g)) <= r { served.append(o) }
                        return true
                    }
                    guard !served.isEmpty else { continue }
                    candidates.append(p)
                    nearestBuilding.append(clearance)
                    covers.append(served)
                }
            }
        }
        // Lazy greedy: gains only fall, so a popped candidate whose fresh gain still tops the
        // heap is the best.
        var remaining = isUncovered
        var heap = covers.indices.map { (gain: covers[$0].count, index: $0) }
        heap.sort { $0.gain != $1.gain ? $0.gain > $1.gain : $0.index < $1.index }
        var chosen: [(Point, [Int], Double)] = []
        var order = heap
        while !order.isEmpty && !remaining.isEmpty {
            let top = order.removeFirst()
            let fresh = covers[top.index].filter { remaining.contains($0) }
            if fresh.isEmpty { continue }
            if let next = order.first, fresh.count < next.gain || (fresh.count == next.gain && top.index > next.index) {
                // Re-insert with its fresh gain, keeping the order.
                let item = (gain: fresh.count, index: top.index)
                let at = order.firstIndex { $0.gain < item.gain || ($0.gain == item.gain && $0.index > item.index) } ?? order.count
                order.insert(item, at: at)
                continue
            }
            chosen.append((candidates[top.index], fresh.sorted(), nearestBuilding[top.index]))
            for b in fresh { remaining.remove(b) }
        }
        heap.removeAll()
        return (chosen, remaining.sorted())
    }

    /// The distance to the nearest building when the point respects every minimum distance
    /// and lies in no building; nil otherwise.
    static func clearance(_ p: Point, _ input: Input) -> Double? {
        let rules = input.rules
        let reach = max(rules.residentialMinMetres, rules.medicalMinMetres) + 1
        var nearest = Double.infinity
        var ok = true
        input.buildingTree.search(minX: p.x - reach, minY: p.y - reach, maxX: p.x + reach, maxY: p.y + reach) { o in
            guard let g = input.outlines[o] else { return true }
            let d = PlanarDistance.point(p, to: g)
            nearest = min(nearest, d)
            if CoverageAnalysis.millimetres(d) < rules.residentialMinMetres { ok = false; return false }
            return true
        }
        guard ok else { return nil }
        input.sensitiveTree.search(minX: p.x - reach, minY: p.y - reach, maxX: p.x + reach, maxY: p.y + reach) { o in
            guard let g = input.sensitive[o] else { return true }
            let minimum = input.sensitiveMedical[o] ? rules.medicalMinMetres : rules.residentialMinMetres
            if CoverageAnalysis.millimetres(PlanarDistance.point(p, to: g)) < minimum { ok = false; return false }
            return true
        }
        guard ok else { return nil }
        var r = reach * 4
        while nearest == .infinity && r < 1e6 {
            // Farther than the reach from every building: widen the search to measure it.
            input.buildingTree.search(minX: p.x - r, minY: p.y - r, maxX: p.x + r, maxY: p.y + r) { o in
                if let g = input.outlines[o] { nearest = min(nearest, PlanarDistance.point(p, to: g)) }
                return true
            }
            r *= 4
        }
        return nearest
    }
}

#if canImport(Glibc)
import Glibc
#endif
