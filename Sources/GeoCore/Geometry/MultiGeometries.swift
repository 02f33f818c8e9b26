/// Several points, stored flat as `x0, y0, x1, y1, …`.
public struct MultiPoint: Sendable, Hashable {
    public var coordinates: [Double]

    public init(coordinates: [Double]) {
        precondition(coordinates.count % 2 == 0, "flat coordinates must hold x,y pairs")
        self.coordinates = coordinates
    }

    public var pointCount: Int { coordinates.count / 2 }
}

/// Several line strings stored flat in one array; line `i` starts at position `lineStarts[i]`.
public struct MultiLineString: Sendable, Hashable {
    public var coordinates: [Double]
    public var lineStarts: [Int]

    public init(coordinates: [Double], lineStarts: [Int]) {
        precondition(coordinates.count % 2 == 0, "flat coordinates must hold x,y pairs")
        self.coordinates = coordinates
        self.lineStarts = lineStarts
    }

    public init(lines: [LineString]) {
        var coordinates: [Double] = []
        var starts: [Int] = []
        for line in lines {
            starts.append(coordinates.count / 2)
            coordinates.append(contentsOf: line.coordinates)
        }
        self.init(coordinates: coordinates, lineStarts: starts)
    }

    public var lineCount: Int { lineStarts.count }

    public func line(_ i: Int) -> LineString {
        let start = lineStarts[i]
        let end = i + 1 < lineStarts.count ? lineStarts[i + 1] : coordinates.count / 2
        return LineString(coordinates: Array(coordinates[(2 * start) ..< (2 * end)]))
    }
}

/// Several polygons; each keeps its own flat ring storage.
public struct MultiPolygon: Sendable, Hashable {
    public var polygons: [Polygon]

    public init(polygons: [Polygon]) {
        self.polygons = polygons
    }
}
