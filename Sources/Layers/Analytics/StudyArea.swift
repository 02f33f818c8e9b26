import GeoCore

/// The cells an analysis covers: those of a ``CellGrid`` that meet the study area, which is a
/// boundary layer's polygons, or else the convex hull of the appeals. Cells are numbered
/// 0 ..< count in column-then-row order; cells with no appeal are included.
public struct StudyArea: Sendable {
    public let grid: CellGrid
    public let cells: [GridCell]
    /// The metric CRS the grid lives in.
    public let crs: String
    /// What the area is, for the output.
    public let description: String
    /// Cell numbers over the cells' i × j bounding range (-1: not in the area), row by row of i.
    private let table: [Int32]
    private let minI: Int32, minJ: Int32, spanI: Int, spanJ: Int

    /// The number of a cell, or nil when it lies outside the study area.
    @inline(__always)
    public func number(of cell: GridCell) -> Int? {
        let di = Int(cell.i) - Int(minI), dj = Int(cell.j) - Int(minJ)
        guard UInt(bitPattern: di) < UInt(spanI), UInt(bitPattern: dj) < UInt(spanJ) else { return nil }
        let k = table[di * spanJ + dj]
        return k < 0 ? nil : Int(k)
    }

    public var count: Int { cells.count }

    init(grid: CellGrid, cells: [GridCell], crs: String, description: String) {
        self.grid = grid
        let sorted = cells.sorted()
        self.cells = sorted
        self.crs = crs
        self.description = description
        // A plain table over the cells' bounding range: a study area is compact, so the table
        // is a small multiple of the cells, and a lookup is one load (no hashing).
        minI = sorted.map(\.i).min() ?? 0
        minJ = sorted.map(\.j).min() ?? 0
        spanI = sorted.isEmpty ? 0 : Int(sorted.map(\.i).max()!) - Int(minI) + 1
        spanJ = sorted.isEmpty ? 0 : Int(sorted.map(\.j).max()!) - Int(minJ) + 1
        var table = [Int32](repeating: -1, count: spanI * spanJ)
        for (k, c) in sorted.enumerated() { table[(Int(c.i) - Int(minI)) * spanJ + Int(c.j) - Int(minJ)] = Int32(k) }
        self.table = table
    }

    /// Cells meeting any of `boundary`'s polygons (WGS84), projected into the appeals' CRS.
    public static func boundary(_ features: [Feature], layer: String, grid: CellGrid, crs: String) throws -> StudyArea {
        let project = try CoordinateTransformer(from: "EPSG:4326", to: crs)
        let geos = GEOSContext()
        var prepared: [PreparedGeometry] = []
        var extent = BoundingBox.empty
        for f in features {
            guard let g = f.geometry, !g.polygons.isEmpty else { continue }
            let metric = try project.transform(g)
            if let b = metric.boundingBox { extent.extend(b) }
            prepared.append(try geos.geometry(metric).prepared())
        }
        guard !prepared.isEmpty else { throw AppealAnalyticsError.input("\(layer): no polygon to use as the study area") }
        return try cells(meeting: prepared, extent: extent, grid: grid, geos: geos, crs: crs,
                         description: "cells meeting the polygons of \(layer)", always: [])
    }

    /// Cells meeting the convex hull of the points (metres), and every cell holding one.
    public static func hull(x: [Double], y: [Double], grid: CellGrid, crs: String) throws -> StudyArea {
        let ring = convexHull(x: x, y: y)
        let always = Set(zip(x, y).map { grid.cell(x: $0, y: $1) })
        guard ring.count >= 8 else {
            return StudyArea(grid: grid, cells: Array(always), crs: crs, description: "the cells of the appeals (too few for a hull)")
        }
        let geos = GEOSContext()
        var extent = BoundingBox.empty
        extent.extend(flat: ring)
        let hull = try geos.geometry(.polygon(Polygon(rings: [ring]))).prepared()
        return try cells(meeting: [hull], extent: extent, grid: grid, geos: geos, crs: crs,
                         description: "cells meeting the convex hull of the appeals", always: always)
    }

    private static func cells(meeting areas: [PreparedGeometry], extent: BoundingBox, grid: CellGrid, geos: GEOSContext,
                              crs: String, description: String, always: Set<GridCell>) throws -> StudyArea {
        let low = grid.cell(x: extent.minX, y: extent.minY), high = grid.cell(x: extent.maxX, y: extent.maxY)
        var found = always
        for i in (low.i - 1) ... (high.i + 1) {
            for j in (low.j - 1) ... (high.j + 1) {
                let c = GridCell(i: i, j: j)
                if found.contains(c) { continue }
                let cell = try geos.geometry(.polygon(Polygon(rings: [grid.ring(c)])))
                for a in areas where try a.intersects(cell) {
                    found.insert(c)
                    break
                }
            }
        }
        return StudyArea(grid: grid, cells: Array(found), crs: crs, description: description)
    }

    /// Andrew's monotone chain: the hull as a closed counter-clockwise ring of flat x,y.
    static func convexHull(x: [Double], y: [Double]) -> [Double] {
        var pts = Array(Set(zip(x, y).map { SIMD2<Double>($0, $1) }))
        pts.sort { ($0.x, $0.y) < ($1.x, $1.y) }
        guard pts.count >= 3 else { return [] }
        func cross(_ o: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [SIMD2<Double>] = [], upper: [SIMD2<Double>] = []
        for p in pts {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in pts.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        let hull = Array(lower.dropLast()) + Array(upper.dropLast())
        guard hull.count >= 3 else { return [] }
        var ring: [Double] = []
        for p in hull + [hull[0]] { ring += [p.x, p.y] }
        return ring
    }

    /// The cell numbers of each of `neighbours` of cell `k` that lie in the area.
    public func neighbours(of k: Int) -> [Int] {
        grid.neighbours(cells[k]).compactMap { number(of: $0) }
    }
}

/// Appeal counts per cell of a study area, overall and per period.
public struct HeatMap: Sendable {
    public let area: StudyArea
    /// Appeals per cell.
    public var counts: [Int]
    /// The cell number of each appeal, or -1 outside the area.
    public var cellOfAppeal: [Int32]
    /// Appeals outside every cell of the area.
    public var outside: Int

    public init(_ appeals: AppealSet, area: StudyArea) {
        self.area = area
        var counts = [Int](repeating: 0, count: area.count)
        var cellOf = [Int32](repeating: -1, count: appeals.count)
        var outside = 0
        for i in 0 ..< appeals.count {
            if let k = area.number(of: area.grid.cell(x: appeals.x[i], y: appeals.y[i])) {
                counts[k] += 1
                cellOf[i] = Int32(k)
            } else {
                outside += 1
            }
        }
        self.counts = counts
        cellOfAppeal = cellOf
        self.outside = outside
    }

    /// Counts per period key (``AppealPeriod/key(local:)``) and cell.
    public func countsByPeriod(_ appeals: AppealSet, period: AppealPeriod) -> [(key: Int, counts: [Int])] {
        var byKey: [Int: [Int]] = [:]
        for i in 0 ..< appeals.count where cellOfAppeal[i] >= 0 {
            let p = period.key(local: appeals.zone.local(appeals.created[i]))
            byKey[p, default: [Int](repeating: 0, count: area.count)][Int(cellOfAppeal[i])] += 1
        }
        return byKey.keys.sorted().map { ($0, byKey[$0]!) }
    }
}
