/// The `coordinates` member of a geometry as read, before its `type` is known (RFC 7946 lets
/// members come in any order): all positions flat, plus where each nested list starts.
struct CoordinateTree {
    /// x,y of every position in file order; Z and M are dropped.
    var flat: [Double] = []
    /// Position index where each list of positions (a ring or a line) starts.
    var listStarts: [Int] = []
    /// Where each list of positions starts in the file, for error messages.
    var listLocations: [JSONScanner.Location] = []
    /// Index into `listStarts` where each list of lists (a polygon) starts.
    var groupStarts: [Int] = []
    /// 1 for a single position, 2 for a list of positions, 3 for a list of lists, 4 for a list of those.
    var nesting = 0
    var location: JSONScanner.Location
    var hasZ = false

    var positionCount: Int { flat.count / 2 }

    init(location: JSONScanner.Location) {
        self.location = location
    }

    /// Empties the tree, keeping its capacity for the next geometry.
    mutating func reset(at location: JSONScanner.Location) {
        flat.removeAll(keepingCapacity: true)
        listStarts.removeAll(keepingCapacity: true)
        listLocations.removeAll(keepingCapacity: true)
        groupStarts.removeAll(keepingCapacity: true)
        nesting = 0
        hasZ = false
        self.location = location
    }
}

/// How positions are checked as they are read.
public enum CoordinateCheck: Sendable, Hashable {
    /// Longitude within [-180, 180] and latitude within [-90, 90], unless the file's legacy
    /// `crs` member names another CRS; then as ``projected``.
    case automatic
    /// Always longitude/latitude ranges.
    case wgs84
    /// Only finite and plausible (absolute value at most 1e9, whatever the unit).
    case projected
}

extension JSONScanner {
    /// The largest absolute coordinate accepted in any CRS: beyond it a value is a typo or garbage.
    static let absurdCoordinate = 1e9

    /// Parses a `coordinates` value at `pos` into ``coordinates``, reusing its storage.
    mutating func parseCoordinates(checkLonLat: Bool) throws(GeoJSONError) {
        let c = try peekRequired()
        // Take the scratch tree out of `self` by a swap (no copy, no reference counting: its
        // buffers stay uniquely owned).
        var tree = CoordinateTree(location: location(pos))
        swap(&tree, &coordinates)
        tree.reset(at: location(pos))
        guard c == UInt8(ascii: "[") else {
            throw error("\"coordinates\" must be an array, found \(describeByte(at: pos))")
        }
        defer { coordinates = tree }
        tree.nesting = try parseCoordinateArray(into: &tree, checkLonLat: checkLonLat)
    }

    /// Parses one array of the coordinates tree and returns its nesting level.
    private mutating func parseCoordinateArray(into tree: inout CoordinateTree, checkLonLat: Bool) throws(GeoJSONError) -> Int {
        let arrayLocation = location(pos)
        pos += 1
        try enter()
        defer { leave() }
        let first = try peekRequired()
        if first == UInt8(ascii: "]") {
            throw error("empty coordinates array", at: arrayLocation)
        }
        if first != UInt8(ascii: "[") {
            try parsePosition(into: &tree, checkLonLat: checkLonLat, start: arrayLocation)
            return 1
        }
        let positionsAtStart = tree.positionCount
        let listsAtStart = tree.listStarts.count
        var level = 0
        repeat {
            guard try peekRequired() == UInt8(ascii: "[") else {
                throw error("expected '[' (coordinates must nest evenly), found \(describeByte(at: pos))")
            }
            let childLocation = location(pos)
            let childLevel: Int
            // A position is read here, without a call a level down (most arrays are positions).
            pos += 1
            if try peekRequired() &- 48 < 10 || buffer[pos] == UInt8(ascii: "-") {
                if depth + 1 > maxDepth { throw tooDeep() }
                try parsePosition(into: &tree, checkLonLat: checkLonLat, start: childLocation)
                childLevel = 1
            } else {
                pos -= 1
                childLevel = try parseCoordinateArray(into: &tree, checkLonLat: checkLonLat)
            }
            if level == 0 {
                level = childLevel
            } else if childLevel != level {
                throw error("coordinates nest unevenly: positions and lists of positions mixed", at: childLocation)
            }
        } while try !commaOrClose(UInt8(ascii: "]"))
        switch level {
        case 1:
            tree.listStarts.append(positionsAtStart)
            tree.listLocations.append(arrayLocation)
        case 2:
            tree.groupStarts.append(listsAtStart)
        case 3:
            break
        default:
            throw error("coordinates nested too deeply for any GeoJSON geometry", at: arrayLocation)
        }
        return level + 1
    }

    /// Parses a position `[x, y]`, `[x, y, z]` or `[x, y, z, m]` whose `[` is already consumed.
    @inline(__always)
    private mutating func parsePosition(into tree: inout CoordinateTree, checkLonLat: Bool, start: Location) throws(GeoJSONError) {
        var count = 0
        var x = 0.0
        var y = 0.0
        repeat {
            let c = try peekRequired()
            guard c == UInt8(ascii: "-") || c &- 48 < 10 else {
                if c == UInt8(ascii: "N") || c == UInt8(ascii: "I") { throw unexpectedValueStart() }
                throw error("a position must hold numbers, found \(describeByte(at: pos))")
            }
            let numberStart = pos
            let n = try scanCoordinate()
            if abs(n) > Self.absurdCoordinate {
                throw error("coordinate \(n) is implausibly large for any coordinate system", at: numberStart)
            }
            switch count {
            case 0: x = n
            case 1: y = n
            default: tree.hasZ = true
            }
            count += 1
        } while try !commaOrClose(UInt8(ascii: "]"))
        guard count >= 2 else { throw error("a position needs at least 2 numbers (x, y), found \(count)", at: start) }
        guard count <= 4 else { throw error("a position has \(count) numbers; at most 4 (x, y, z, m) are accepted", at: start) }
        if checkLonLat {
            if x < -180 || x > 180 {
                var e = error("longitude \(x) is outside [-180, 180]; if the file is not WGS84 lon/lat, name its CRS", at: start)
                e.outsideLonLat = true
                throw e
            }
            if y < -90 || y > 90 {
                var e = error("latitude \(y) is outside [-90, 90]; if the file is not WGS84 lon/lat, name its CRS", at: start)
                e.outsideLonLat = true
                throw e
            }
        }
        tree.flat.append(x)
        tree.flat.append(y)
    }
}

extension JSONScanner {
    /// Reads the number at `pos` as a coordinate's Double. The usual shape, `-?D.F` with 1–7
    /// integer digits and 1–7 fraction digits well inside the buffer, is read by two word
    /// loads and one correctly rounded division (both operands exact: at most 14 digits);
    /// anything else, and every malformed number, goes to ``scanNumber()``.
    @inline(__always)
    mutating func scanCoordinate() throws(GeoJSONError) -> Double {
        var i = pos
        if i + 24 <= end {
            let negative = buffer[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            let integerWord = UnsafeRawPointer(buffer + i).loadUnaligned(as: UInt64.self)
            let integerDigits = Self.leadingDigitCount(integerWord)
            if integerDigits >= 1 && integerDigits < 8 && buffer[i + integerDigits] == UInt8(ascii: ".")
                && (integerDigits == 1 || buffer[i] != UInt8(ascii: "0")) {
                let f = i + integerDigits + 1
                let fractionWord = UnsafeRawPointer(buffer + f).loadUnaligned(as: UInt64.self)
                let fractionDigits = Self.leadingDigitCount(fractionWord)
                let next = buffer[f + fractionDigits] | 0x20
                // Not an exponent, a letter or a second point: those are the general reader's.
                if fractionDigits >= 1 && fractionDigits < 8 && (next < UInt8(ascii: "a") || next > UInt8(ascii: "z"))
                    && next != UInt8(ascii: ".") | 0x20 {
                    let mantissa = Self.leadingDigits(integerWord, count: integerDigits) &* Self.powerOfTen(fractionDigits)
                        &+ Self.leadingDigits(fractionWord, count: fractionDigits)
                    let value = Double(mantissa) / Self.exactPowerOfTen(fractionDigits)
                    pos = f + fractionDigits
                    return negative ? -value : value
                }
            }
        }
        return try scanNumber().value
    }

    /// 10^n as a Double for 0 ≤ n ≤ 15 (every one exact).
    @inline(__always)
    static func exactPowerOfTen(_ n: Int) -> Double {
        exactPowersOfTen[n & 15]
    }

    private static let exactPowersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
}

extension CoordinateTree {
    /// The geometry of kind `kind` these coordinates describe, validated: rings closed with at
    /// least 4 positions, lines with at least 2.
    func geometry(_ kind: GeometryKind, scanner: borrowing JSONScanner) throws(GeoJSONError) -> Geometry {
        let expected: Int
        switch kind {
        case .point: expected = 1
        case .multiPoint, .lineString: expected = 2
        case .multiLineString, .polygon: expected = 3
        case .multiPolygon: expected = 4
        case .geometryCollection:
            throw scanner.error("a GeometryCollection has \"geometries\", not \"coordinates\"", at: location)
        }
        guard nesting == expected else {
            let shapes = [1: "a position", 2: "an array of positions", 3: "an array of arrays of positions",
                          4: "an array of polygons' rings"]
            throw scanner.error("\(kind.rawValue) coordinates must be \(shapes[expected]!); found \(shapes[nesting] ?? "deeper nesting")", at: location)
        }
        switch kind {
        case .point:
            return .point(Point(x: flat[0], y: flat[1]))
        case .multiPoint:
            return .multiPoint(MultiPoint(coordinates: Array(flat[...])))
        case .lineString:
            guard positionCount >= 2 else {
                throw scanner.error("a LineString needs at least 2 positions, found \(positionCount)", at: location)
            }
            return .lineString(LineString(coordinates: Array(flat[...])))
        case .multiLineString:
            for i in listStarts.indices where listEnd(i) - listStarts[i] < 2 {
                throw scanner.error("line \(i) of a MultiLineString needs at least 2 positions, found \(listEnd(i) - listStarts[i])", at: listLocations[i])
            }
            return .multiLineString(MultiLineString(coordinates: Array(flat[...]), lineStarts: Array(listStarts[...])))
        case .polygon:
            try checkRings(0 ..< listStarts.count, polygon: nil, scanner: scanner)
            return .polygon(Polygon(coordinates: Array(flat[...]), ringStarts: Array(listStarts[...])))
        case .multiPolygon:
            var polygons: [Polygon] = []
            polygons.reserveCapacity(groupStarts.count)
            for g in groupStarts.indices {
                let lists = groupStarts[g] ..< (g + 1 < groupStarts.count ? groupStarts[g + 1] : listStarts.count)
                try checkRings(lists, polygon: g, scanner: scanner)
                let first = listStarts[lists.lowerBound]
                let last = listEnd(lists.upperBound - 1)
                polygons.append(Polygon(coordinates: Array(flat[(2 * first) ..< (2 * last)]),
                                        ringStarts: listStarts[lists].map { $0 - first }))
            }
            return .multiPolygon(MultiPolygon(polygons: polygons))
        case .geometryCollection:
            fatalError("unreachable")
        }
    }

    private func listEnd(_ i: Int) -> Int {
        i + 1 < listStarts.count ? listStarts[i + 1] : positionCount
    }

    private func checkRings(_ lists: Range<Int>, polygon: Int?, scanner: borrowing JSONScanner) throws(GeoJSONError) {
        for i in lists {
            let start = listStarts[i]
            let end = listEnd(i)
            // Named only for an error: a string per ring cost 1 % of a buildings parse.
            var ringName: String { polygon.map { "ring \(i - lists.lowerBound) of polygon \($0)" } ?? "ring \(i)" }
            guard end - start >= 4 else {
                throw scanner.error("\(ringName) has \(end - start) positions; a linear ring needs at least 4", at: listLocations[i])
            }
            let fx = flat[2 * start], fy = flat[2 * start + 1]
            let lx = flat[2 * end - 2], ly = flat[2 * end - 1]
            guard fx == lx && fy == ly else {
                throw scanner.error("\(ringName) is not closed: first position [\(fx), \(fy)] differs from last [\(lx), \(ly)]", at: listLocations[i])
            }
        }
    }
}
