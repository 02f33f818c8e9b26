/// An axis-aligned box `[minX, maxX] × [minY, maxY]`; boundaries belong to the box.
public struct BoundingBox: Sendable, Hashable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The box that holds nothing; extending it by a position gives that position's box.
    public static let empty = BoundingBox(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    public var isEmpty: Bool { minX > maxX || minY > maxY }
    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Point { Point(x: (minX + maxX) / 2, y: (minY + maxY) / 2) }

    public mutating func extend(x: Double, y: Double) {
        if x < minX { minX = x }
        if x > maxX { maxX = x }
        if y < minY { minY = y }
        if y > maxY { maxY = y }
    }

    public mutating func extend(_ other: BoundingBox) {
        guard !other.isEmpty else { return }
        minX = Swift.min(minX, other.minX)
        minY = Swift.min(minY, other.minY)
        maxX = Swift.max(maxX, other.maxX)
        maxY = Swift.max(maxY, other.maxY)
    }

    /// Extends the box by every position of a flat x,y array.
    public mutating func extend(flat coordinates: [Double]) {
        coordinates.withUnsafeBufferPointer { c in
            var i = 0
            while i + 1 < c.count {
                extend(x: c[i], y: c[i + 1])
                i += 2
            }
        }
    }

    /// The box grown by `margin` on every side.
    public func expanded(by margin: Double) -> BoundingBox {
        BoundingBox(minX: minX - margin, minY: minY - margin, maxX: maxX + margin, maxY: maxY + margin)
    }

    public func contains(x: Double, y: Double) -> Bool {
        x >= minX && x <= maxX && y >= minY && y <= maxY
    }

    public func intersects(_ other: BoundingBox) -> Bool {
        !(other.minX > maxX || other.maxX < minX || other.minY > maxY || other.maxY < minY)
    }

    /// The box as a geometry: a Polygon, or a Point or LineString when it is degenerate.
    public var geometry: Geometry {
        if width == 0 && height == 0 { return .point(Point(x: minX, y: minY)) }
        if width == 0 || height == 0 { return .lineString(LineString(coordinates: [minX, minY, maxX, maxY])) }
        return .polygon(Polygon(rings: [[minX, minY, maxX, minY, maxX, maxY, minX, maxY, minX, minY]]))
    }

    /// `W,S,E,N`, the order of GeoJSON's `bbox` member and of `--bbox`.
    public var description: String { "\(minX),\(minY),\(maxX),\(maxY)" }
}
