import GeoCore

/// What `conflicts` needs besides the layers.
public struct ConflictOptions: Sendable {
    /// The works layer's name, for messages.
    public var layer: String
    public var fields: WindowFields
    /// Which overlaps count: a pair is listed when the period both are active overlaps the query.
    public var query: TimeQuery
    /// Works closer than this (metres) clash; 0 means intersecting, touching included.
    public var bufferMetres: Double
    /// The repairs layer's name and how its dates and guarantee are read.
    public var repairsLayer: String
    public var repairFields: WindowFields
    /// The metric CRS; nil picks the UTM zone of the data.
    public var crs: String?
    /// From this many positions to project on, PROJ is sampled on a grid (tests lower it).
    var gridFromPositions = MetricFrame.positionsWorthAGrid

    public init(layer: String, fields: WindowFields = WindowFields(), query: TimeQuery = .all, bufferMetres: Double = 5,
                repairsLayer: String = "repairs", repairFields: WindowFields = WindowFields(guarantee: "guarantee_until"),
                crs: String? = nil) {
        self.layer = layer
        self.fields = fields
        self.query = query
        self.bufferMetres = bufferMetres
        self.repairsLayer = repairsLayer
        self.repairFields = repairFields
        self.crs = crs
    }
}

/// Two works that clash, or works planned on a repair still under guarantee.
public struct WorksConflict: Sendable {
    public enum Kind: String, Sendable {
        /// Two works within the buffer of each other, at the same time.
        case works
        /// Works on a repaired road or area before its guarantee ends.
        case guarantee
    }

    public var kind: Kind
    /// The first works feature's index in its layer.
    public var first: Int
    public var firstID: String
    /// The other works feature's index, or the repair's (in the repairs layer).
    public var second: Int
    public var secondID: String
    /// When both are active (for a repair: the works within the repair's start to its guarantee's end).
    public var period: TimeWindow
    /// The shortest distance between them, rounded to the millimetre.
    public var metres: Double
    /// The area of the shared zone: where both lie within the buffer (their intersection at buffer 0).
    public var areaSquareMetres: Double
    /// The longest stretch of one feature's lines inside the other's zone.
    public var lengthMetres: Double
    /// The shared zone, lon/lat; nil when it is empty.
    public var geometry: Geometry?
}

/// What `conflicts` found.
public struct ConflictReport: Sendable {
    public var crs: String
    public var method: String
    /// Works pairs (first < second) in layer order, then guarantee conflicts in layer order.
    public var conflicts: [WorksConflict] = []
    /// Features skipped for missing or bad dates, in either layer.
    public var problems: [DateProblem] = []
}

/// Which works overlap in space and in time, and which are planned on a repair under guarantee.
///
/// **Rule.** In one local metric CRS (``MetricFrame``): two works clash when the distance
/// between them (GEOS's, computed in ``PlanarShape``), rounded to the millimetre, is at most the buffer, and their half-open time
/// windows overlap (a permit ending exactly when another starts does not clash). The shared
/// zone is the intersection of both grown by the buffer (GEOS buffer, 8 segments a quarter
/// circle), or of the features themselves at buffer 0. Against repairs, the time compared is
/// the repair's start to its guarantee's end.
public enum WorksConflicts {
    public static func run(works: [Feature], repairs: [Feature]? = nil, options: ConflictOptions) throws -> ConflictReport {
        let (windows, problems, allBoxes) = FeatureWindows.read(works, layer: options.layer, fields: options.fields, boxes: true)
        var report = ConflictReport(crs: "", method: "")
        report.problems = problems
        let selected = works.indices.filter { i in windows[i].window.map { options.query.matches($0) } ?? false }
        let repairs = repairs ?? []
        let (repairWindows, repairProblems) = repairs.isEmpty ? ([], []) : FeatureWindows.read(repairs, layer: options.repairsLayer, fields: options.repairFields)
        report.problems += repairProblems
        let repairSelected = repairWindows.indices.filter { repairWindows[$0].guaranteed != nil }
        // Lon/lat boxes first: the frame's extent, and the search, before anything is projected.
        let boxes = selected.map { allBoxes[$0] }, repairBoxes = try MetricFrame.boxes(repairs, repairSelected)
        var extent = BoundingBox.empty
        for b in boxes where b.minX.isFinite { extent.extend(b) }
        for b in repairBoxes where b.minX.isFinite { extent.extend(b) }
        // The grid over the extent only once it is known how much is to be projected.
        let made = try MetricFrame.made(extent: extent, crs: options.crs, interpolated: false)
        var frame = made.frame
        let project = made.transformer
        report.crs = frame.crs
        let d = options.bufferMetres
        let query = options.query
        // The windows side by side, for the time test that comes before any geometry.
        let starts = selected.map { windows[$0].window!.start }, ends = selected.map { windows[$0].window!.end }

        // Works pairs: every works' lon/lat box grown by half the buffer (and a margin, see
        // MetricFrame.grown); two boxes that meet are a candidate pair when their windows
        // overlap within the query. One self-join over a grid, no query per works.
        let half = boxes.map { frame.grown($0, by: d / 2) }
        let grid = BoxGrid(half)
        struct Candidate: Sendable, Comparable {
            var a: Int32, b: Int32
            static func < (l: Candidate, r: Candidate) -> Bool { (l.a, l.b) < (r.a, r.b) }
        }
        var candidates: [Candidate] = try parallelMap(grid.rowCount, minimumForTwo: selected.count < 1024 ? Int.max : 2, slicesPerWorker: 4) { rows in
            var found: [Candidate] = []
            grid.forEachOverlappingPair(rows: rows) { i, j in
                guard starts[i] < ends[j] && starts[j] < ends[i],
                      query.matches(TimeWindow(start: max(starts[i], starts[j]), end: min(ends[i], ends[j]))) else { return }
                found.append(Candidate(a: Int32(i), b: Int32(j)))
            }
            return found
        }
        candidates.sort()
        // Works on repairs: each works' box against the repairs' boxes grown by the buffer.
        var onRepairs: [Candidate] = []
        if !repairSelected.isEmpty {
            let repairGrid = BoxGrid(repairBoxes.map { frame.grown($0, by: d) })
            var visits = repairGrid.visits()
            for (k, box) in boxes.enumerated() where box.minX.isFinite {
                let wa = TimeWindow(start: starts[k], end: ends[k])
                var near: [Int] = []
                repairGrid.search(minX: box.minX, minY: box.minY, maxX: box.maxX, maxY: box.maxY, visits: &visits) { near.append($0) }
                for r in near.sorted() {
                    guard let overlap = wa.intersection(repairWindows[repairSelected[r]].guaranteed!), query.matches(overlap) else { continue }
                    onRepairs.append(Candidate(a: Int32(k), b: Int32(r)))
                }
            }
        }
        // Only the works and repairs of candidate pairs are projected (flat, once each).
        var shapeOf = [Int32](repeating: -1, count: selected.count), needed: [Int] = []
        for c in candidates { for k in [Int(c.a), Int(c.b)] where shapeOf[k] < 0 { shapeOf[k] = Int32(needed.count); needed.append(selected[k]) } }
        for c in onRepairs where shapeOf[Int(c.a)] < 0 { shapeOf[Int(c.a)] = Int32(needed.count); needed.append(selected[Int(c.a)]) }
        var repairShapeOf = [Int32](repeating: -1, count: repairSelected.count), repairNeeded: [Int] = []
        for c in onRepairs where repairShapeOf[Int(c.b)] < 0 { repairShapeOf[Int(c.b)] = Int32(repairNeeded.count); repairNeeded.append(repairSelected[Int(c.b)]) }
        var positions = 0
        for i in needed { positions += works[i].geometry?.pointCount ?? 0 }
        for i in repairNeeded { positions += repairs[i].geometry?.pointCount ?? 0 }
        if positions >= options.gridFromPositions { try frame.interpolate(through: project) }
        report.method = "\(frame.method); works within \(fixedText(d)) m of each other (GEOS distance, rounded to the millimetre; touching counts) "
            + "whose half-open time windows overlap; shared zone: the intersection of both grown by \(fixedText(d)) m"
        let shapes = try frame.planarShapes(works, needed, through: project), repairShapes = try frame.planarShapes(repairs, repairNeeded, through: project)
        let shapeIndex = shapeOf, repairShapeIndex = repairShapeOf, pairs = candidates, guarantees = onRepairs

        struct Found: Sendable {
            var kind: WorksConflict.Kind
            var a: Int, b: Int
            var period: TimeWindow
            var metres: Double, area: Double, length: Double
            var zone: Geometry?
        }
        // The distances first, on one core (a few microseconds a candidate); then GEOS, the
        // cost of this command, shared evenly between the cores by the pairs that clash only.
        struct Clash: Sendable { var n: Int, metres: Double }
        let clashes: [Clash] = shapes.withViews { shape in repairShapes.withViews { repairShape in
            var clashes: [Clash] = []
            for n in 0 ..< pairs.count + guarantees.count {
                let sk: PlanarShapeView, so: PlanarShapeView
                if n < pairs.count {
                    sk = shape[Int(shapeIndex[Int(pairs[n].a)])]; so = shape[Int(shapeIndex[Int(pairs[n].b)])]
                } else {
                    let g = guarantees[n - pairs.count]
                    sk = shape[Int(shapeIndex[Int(g.a)])]; so = repairShape[Int(repairShapeIndex[Int(g.b)])]
                }
                guard PlanarShapeView.boxGap(sk, so) <= d + 0.001 else { continue }
                let metres = AffectedBuildings.millimetres(PlanarShapeView.distance(sk, so))
                if metres <= d { clashes.append(Clash(n: n, metres: metres)) }
            }
            return clashes
        } }
        let found: [Found?] = try shapes.withViews { shape in try repairShapes.withViews { repairShape in
            try parallelMap(clashes.count, minimumForTwo: 4, slicesPerWorker: 4) { range in
                let geos = GEOSContext()
                // The geometry in metres and in GEOS: its arrays refilled, in order, with its
                // shape's projected positions.
                func built(_ g: Geometry?, _ shape: PlanarShapeView, _ cache: inout [Int: (Geometry, GEOSGeometry)], _ k: Int) throws -> (Geometry, GEOSGeometry)? {
                    if let b = cache[k] { return b }
                    guard let g else { return nil }
                    var next = 0
                    let metric = g.mappingFlat { flat in
                        for i in flat.indices { flat[i] = shape.xy[next + i] }
                        next += flat.count
                    }
                    let b = (metric, try geos.geometry(metric))
                    cache[k] = b
                    return b
                }
                var worksBuilt: [Int: (Geometry, GEOSGeometry)] = [:], repairBuilt: [Int: (Geometry, GEOSGeometry)] = [:]
                return try range.map { c -> Found? in
                    let n = clashes[c].n, metres = clashes[c].metres
                    if n < pairs.count {
                        let k = Int(pairs[n].a), j = Int(pairs[n].b)
                        guard let a = try built(works[selected[k]].geometry, shape[Int(shapeIndex[k])], &worksBuilt, k),
                              let b = try built(works[selected[j]].geometry, shape[Int(shapeIndex[j])], &worksBuilt, j) else { return nil }
                        let period = TimeWindow(start: max(starts[k], starts[j]), end: min(ends[k], ends[j]))
                        let (area, length, zone) = try shared(a.1, a.0, b.1, b.0, d)
                        return Found(kind: .works, a: k, b: j, period: period, metres: metres, area: area, length: length, zone: zone)
                    }
                    let k = Int(guarantees[n - pairs.count].a), r = Int(guarantees[n - pairs.count].b)
                    guard let a = try built(works[selected[k]].geometry, shape[Int(shapeIndex[k])], &worksBuilt, k),
                          let b = try built(repairs[repairSelected[r]].geometry, repairShape[Int(repairShapeIndex[r])], &repairBuilt, r) else { return nil }
                    let period = TimeWindow(start: starts[k], end: ends[k]).intersection(repairWindows[repairSelected[r]].guaranteed!)!
                    let (area, length, zone) = try shared(a.1, a.0, b.1, b.0, d)
                    return Found(kind: .guarantee, a: k, b: r, period: period, metres: metres, area: area, length: length, zone: zone)
                }
            }
        } }
        var conflicts: [WorksConflict] = []
        // The way back: the same PROJ operation, inverted.
        for case let f? in found {
            let i = selected[f.a]
            let j = f.kind == .works ? selected[f.b] : repairSelected[f.b]
            let other = f.kind == .works ? works[j] : repairs[j]
            conflicts.append(WorksConflict(kind: f.kind, first: i, firstID: works[i].id?.description ?? String(i + 1),
                                           second: j, secondID: other.id?.description ?? String(j + 1), period: f.period,
                                           metres: f.metres, areaSquareMetres: f.area, lengthMetres: f.length,
                                           geometry: try f.zone.map { try project.transform($0, inverse: true) }))
        }
        report.conflicts = conflicts
        return report
    }

    /// The shared zone of two features in metres, its area, and the longest stretch of one's
    /// lines inside the other's zone.
    static func shared(_ a: GEOSGeometry, _ av: Geometry, _ b: GEOSGeometry, _ bv: Geometry, _ d: Double) throws -> (Double, Double, Geometry?) {
        let za = d > 0 ? try a.buffer(d) : a, zb = d > 0 ? try b.buffer(d) : b
        let zone = try za.intersection(zb)
        let area = try zone.area()
        var length = 0.0
        if av.isLinear { length = max(length, try a.intersection(zb).linearLength()) }
        if bv.isLinear { length = max(length, try b.intersection(za).linearLength()) }
        return (area, length, zone.isEmpty ? nil : try zone.value())
    }
}

extension Geometry {
    /// Lines (a trench), as opposed to points and areas.
    var isLinear: Bool {
        switch self {
        case .lineString, .multiLineString: true
        default: false
        }
    }
}

extension GEOSGeometry {
    /// The length of the line parts only (a polygon's perimeter does not count).
    func linearLength() throws -> Double {
        func sum(_ g: Geometry) -> Double {
            switch g {
            case .lineString(let l): return Self.length(l.coordinates[...])
            case .multiLineString(let m):
                var total = 0.0
                for (n, start) in m.lineStarts.enumerated() {
                    let end = n + 1 < m.lineStarts.count ? m.lineStarts[n + 1] : m.coordinates.count / 2
                    total += Self.length(m.coordinates[(2 * start) ..< (2 * end)])
                }
                return total
            case .geometryCollection(let members): return members.reduce(0) { $0 + sum($1) }
            default: return 0
            }
        }
        return isEmpty ? 0 : sum(try value())
    }

    private static func length(_ flat: ArraySlice<Double>) -> Double {
        var total = 0.0, k = flat.startIndex
        while k + 3 < flat.endIndex {
            let dx = flat[k + 2] - flat[k], dy = flat[k + 3] - flat[k + 1]
            total += (dx * dx + dy * dy).squareRoot()
            k += 2
        }
        return total
    }
}
