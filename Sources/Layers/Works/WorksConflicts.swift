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
        let (windows, problems) = FeatureWindows.read(works, layer: options.layer, fields: options.fields)
        var report = ConflictReport(crs: "", method: "")
        report.problems = problems
        let selected = works.indices.filter { i in windows[i].window.map { options.query.matches($0) } ?? false }
        let (repairWindows, repairProblems) = repairs.map { FeatureWindows.read($0, layer: options.repairsLayer, fields: options.repairFields) } ?? ([], [])
        report.problems += repairProblems
        let repairSelected = repairWindows.indices.filter { repairWindows[$0].guaranteed != nil }
        var extent = try MetricFrame.extent(works, selected)
        extent.extend(try MetricFrame.extent(repairs ?? [], repairSelected))
        let frame = try MetricFrame(extent: extent, crs: options.crs)
        report.crs = frame.crs
        let d = options.bufferMetres
        report.method = "\(frame.method); works within \(fixedText(d)) m of each other (GEOS distance, rounded to the millimetre; touching counts) "
            + "whose half-open time windows overlap; shared zone: the intersection of both grown by \(fixedText(d)) m"
        // Every selected works (and repair) once in metres, flat, with its box there.
        let shapes = try frame.planarShapes(works, selected)
        let boxes = (0 ..< shapes.count).map { shapes.box($0) }
        // Grids, not trees: ten thousand small queries each look at a few cells.
        let grid = BoxGrid(boxes)
        let repairShapes = try frame.planarShapes(repairs ?? [], repairSelected)
        let repairGrid = BoxGrid((0 ..< repairShapes.count).map { repairShapes.box($0) })
        let back = frame.crs
        // The windows side by side, for the time test that comes before any geometry.
        let starts = selected.map { windows[$0].window!.start }, ends = selected.map { windows[$0].window!.end }

        struct Found: Sendable {
            var kind: WorksConflict.Kind
            var a: Int, b: Int
            var period: TimeWindow
            var metres: Double, area: Double, length: Double
            var zone: Geometry?
        }
        let query = options.query
        let found: [[Found]] = try shapes.withViews { shape in try repairShapes.withViews { repairShape in
          try parallelMap(selected.count, minimumForTwo: 256) { range in
            let geos = GEOSContext()
            var project = frame.projector()
            // GEOS (and the geometry in metres) only for the pairs that clash.
            func built(_ g: Geometry?, _ cache: inout [Int: (Geometry, GEOSGeometry)], _ k: Int) throws -> (Geometry, GEOSGeometry)? {
                if let b = cache[k] { return b }
                guard let g else { return nil }
                let metric = try g.mappingFlat { try project.transform(&$0) }
                let b = (metric, try geos.geometry(metric))
                cache[k] = b
                return b
            }
            var worksBuilt: [Int: (Geometry, GEOSGeometry)] = [:], repairBuilt: [Int: (Geometry, GEOSGeometry)] = [:]
            var candidates: [Int] = [], near: [Int] = []
            var visits = grid.visits(), repairVisits = repairGrid.visits()
            return try range.map { k -> [Found] in
                guard !shape[k].isEmpty else { return [] }
                let box = boxes[k], s0 = starts[k], e0 = ends[k]
                candidates.removeAll(keepingCapacity: true)
                // Time first: only later works whose half-open window overlaps this one's.
                grid.search(minX: box.minX - d, minY: box.minY - d, maxX: box.maxX + d, maxY: box.maxY + d, visits: &visits) { j in
                    if j > k && starts[j] < e0 && s0 < ends[j] { candidates.append(j) }
                }
                near.removeAll(keepingCapacity: true)
                if repairShapes.count > 0 {
                    repairGrid.search(minX: box.minX - d, minY: box.minY - d, maxX: box.maxX + d, maxY: box.maxY + d, visits: &repairVisits) { near.append($0) }
                }
                guard !candidates.isEmpty || !near.isEmpty else { return [] }
                let wa = TimeWindow(start: s0, end: e0)
                var out: [Found] = []
                for j in candidates.sorted() {
                    guard let overlap = wa.intersection(TimeWindow(start: starts[j], end: ends[j])), query.matches(overlap) else { continue }
                    guard !shape[j].isEmpty, PlanarShapeView.boxGap(shape[k], shape[j]) <= d + 0.001 else { continue }
                    let metres = AffectedBuildings.millimetres(PlanarShapeView.distance(shape[k], shape[j]))
                    guard metres <= d, let a = try built(works[selected[k]].geometry, &worksBuilt, k),
                          let b = try built(works[selected[j]].geometry, &worksBuilt, j) else { continue }
                    let (area, length, zone) = try shared(a.1, a.0, b.1, b.0, d)
                    out.append(Found(kind: .works, a: k, b: j, period: overlap, metres: metres, area: area, length: length, zone: zone))
                }
                for r in near.sorted() {
                    guard let guaranteed = repairWindows[repairSelected[r]].guaranteed,
                          let overlap = wa.intersection(guaranteed), query.matches(overlap) else { continue }
                    guard !repairShape[r].isEmpty, PlanarShapeView.boxGap(shape[k], repairShape[r]) <= d + 0.001 else { continue }
                    let metres = AffectedBuildings.millimetres(PlanarShapeView.distance(shape[k], repairShape[r]))
                    guard metres <= d, let a = try built(works[selected[k]].geometry, &worksBuilt, k),
                          let b = try built(repairs![repairSelected[r]].geometry, &repairBuilt, r) else { continue }
                    let (area, length, zone) = try shared(a.1, a.0, b.1, b.0, d)
                    out.append(Found(kind: .guarantee, a: k, b: r, period: overlap, metres: metres, area: area, length: length, zone: zone))
                }
                return out
            }
          }
        } }
        let unproject = try CoordinateTransformer(from: back, to: "EPSG:4326")
        var pairs: [WorksConflict] = [], guarantees: [WorksConflict] = []
        for f in found.joined() {
            let i = selected[f.a]
            let j = f.kind == .works ? selected[f.b] : repairSelected[f.b]
            let other = f.kind == .works ? works[j] : repairs![j]
            let c = WorksConflict(kind: f.kind, first: i, firstID: works[i].id?.description ?? String(i + 1),
                                  second: j, secondID: other.id?.description ?? String(j + 1), period: f.period,
                                  metres: f.metres, areaSquareMetres: f.area, lengthMetres: f.length,
                                  geometry: try f.zone.map { try unproject.transform($0) })
            if f.kind == .works { pairs.append(c) } else { guarantees.append(c) }
        }
        report.conflicts = pairs + guarantees
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
