/// The shape of heat-map cells.
public enum CellShape: String, Sendable, CaseIterable {
    case hex, square
}

/// A regular grid of cells in a metric CRS, indexed by column `i` and row `j`.
///
/// **Hexagons** are flat-topped with edge `size`, laid out like PostGIS's `ST_HexagonGrid`
/// from the origin (0, 0): column i's centres at x = 1.5·size·i, rows √3·size apart, odd
/// columns half a row higher. A point belongs to the hexagon with the nearest centre (ties,
/// on an edge, to the lower column, then the lower row), so it counts exactly once.
/// Neighbours are the 6 hexagons sharing an edge.
///
/// **Squares** have side `size` from the origin; a point on an edge belongs to the cell
/// above and to the right; neighbours are the 8 sharing an edge or a corner.
public struct CellGrid: Sendable, Hashable {
    public let shape: CellShape
    /// Hexagon edge or square side, metres.
    public let size: Double

    public init(shape: CellShape, size: Double) {
        self.shape = shape
        self.size = size
    }

    private var rowHeight: Double { shape == .hex ? size * 3.0.squareRoot() : size }
    private var columnWidth: Double { shape == .hex ? 1.5 * size : size }

    /// The cell holding a point.
    @inline(__always)
    public func cell(x: Double, y: Double) -> GridCell {
        switch shape {
        case .square:
            return GridCell(i: Int32((x / size).rounded(.down)), j: Int32((y / size).rounded(.down)))
        case .hex:
            let w = columnWidth, h = rowHeight
            let i0 = Int((x / w).rounded(.down))
            var best = GridCell(i: 0, j: 0), bestD = Double.infinity
            for i in i0 ... i0 + 1 {
                let shift = i & 1 == 0 ? 0 : h / 2
                let j = Int(((y - shift) / h).rounded(.toNearestOrEven))
                for jj in j - 1 ... j + 1 {
                    let dx = x - w * Double(i), dy = y - (h * Double(jj) + shift)
                    let d = dx * dx + dy * dy
                    if d < bestD { bestD = d; best = GridCell(i: Int32(i), j: Int32(jj)) }
                }
            }
            return best
        }
    }

    /// The centre of a cell.
    public func centre(_ c: GridCell) -> (x: Double, y: Double) {
        switch shape {
        case .square: return ((Double(c.i) + 0.5) * size, (Double(c.j) + 0.5) * size)
        case .hex: return (columnWidth * Double(c.i), rowHeight * Double(c.j) + (c.i & 1 == 0 ? 0 : rowHeight / 2))
        }
    }

    /// The cell's outline, closed, counter-clockwise, as flat x,y.
    public func ring(_ c: GridCell) -> [Double] {
        let (cx, cy) = centre(c)
        switch shape {
        case .square:
            let h = size / 2
            return [cx - h, cy - h, cx + h, cy - h, cx + h, cy + h, cx - h, cy + h, cx - h, cy - h]
        case .hex:
            let h = rowHeight / 2
            return [cx + size, cy, cx + size / 2, cy + h, cx - size / 2, cy + h, cx - size, cy,
                    cx - size / 2, cy - h, cx + size / 2, cy - h, cx + size, cy]
        }
    }

    /// The cells sharing an edge (hexagons) or an edge or corner (squares).
    public func neighbours(_ c: GridCell) -> [GridCell] {
        let i = c.i, j = c.j
        switch shape {
        case .square:
            var out: [GridCell] = []
            for di in Int32(-1) ... 1 { for dj in Int32(-1) ... 1 where di != 0 || dj != 0 { out.append(GridCell(i: i + di, j: j + dj)) } }
            return out
        case .hex:
            let d: Int32 = i & 1 == 0 ? -1 : 1
            return [GridCell(i: i, j: j - 1), GridCell(i: i, j: j + 1),
                    GridCell(i: i - 1, j: j), GridCell(i: i - 1, j: j + d),
                    GridCell(i: i + 1, j: j), GridCell(i: i + 1, j: j + d)]
        }
    }

    /// The cell's area, square metres.
    public var cellArea: Double { shape == .hex ? 1.5 * 3.0.squareRoot() * size * size : size * size }

    /// Distance from a cell's centre to its farthest corner.
    public var circumradius: Double { shape == .hex ? size : size / 2.0.squareRoot() }
}

/// A cell of a ``CellGrid``.
public struct GridCell: Sendable, Hashable, Comparable {
    public var i: Int32
    public var j: Int32
    public init(i: Int32, j: Int32) { self.i = i; self.j = j }
    public static func < (a: GridCell, b: GridCell) -> Bool { (a.i, a.j) < (b.i, b.j) }
}
