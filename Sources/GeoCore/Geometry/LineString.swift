/// A connected sequence of at least two positions, stored flat as `x0, y0, x1, y1, …`.
public struct LineString: Sendable, Hashable {
    /// Interleaved x,y pairs.
    public var coordinates: [Double]

    public init(coordinates: [Double]) {
        precondition(coordinates.count % 2 == 0, "flat coordinates must hold x,y pairs")
        self.coordinates = coordinates
    }

    public init(points: [Point]) {
        self.init(coordinates: points.flatMap { [$0.x, $0.y] })
    }

    public var pointCount: Int { coordinates.count / 2 }

    public func point(at index: Int) -> Point {
        Point(x: coordinates[2 * index], y: coordinates[2 * index + 1])
    }
}
