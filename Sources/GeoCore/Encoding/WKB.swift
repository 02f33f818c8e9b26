/// Well-Known Binary (OGC Simple Features, little-endian, 2-D): how geometries travel to and
/// from SpatiaLite (`GeomFromWKB`, `AsBinary`) and, later, PostGIS.
public enum WKB {
    private static let typeCodes: [GeometryKind: UInt32] = [
        .point: 1, .lineString: 2, .polygon: 3, .multiPoint: 4, .multiLineString: 5, .multiPolygon: 6,
        .geometryCollection: 7,
    ]

    /// The WKB bytes of a geometry.
    public static func encode(_ geometry: Geometry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + geometry.pointCount * 16)
        append(geometry, to: &out)
        return out
    }

    public static func append(_ geometry: Geometry, to out: inout [UInt8]) {
        out.append(1)  // little-endian
        appendUInt32(typeCodes[geometry.kind]!, to: &out)
        appendBody(geometry, memberMark: 1, to: &out)
    }

    /// What follows a geometry's type code: the part WKB shares with SpatiaLite's geometry
    /// blob. Each member of a multi-geometry or collection starts with `memberMark` (WKB: its
    /// byte order, 1; SpatiaLite: the entity mark 0x69) and its own type code.
    public static func appendBody(_ geometry: Geometry, memberMark: UInt8, to out: inout [UInt8]) {
        func member(_ code: UInt32) {
            out.append(memberMark)
            appendUInt32(code, to: &out)
        }
        switch geometry {
        case .point(let p):
            appendDouble(p.x, to: &out)
            appendDouble(p.y, to: &out)
        case .lineString(let l):
            appendSequence(l.coordinates[...], to: &out)
        case .polygon(let p):
            appendPolygonBody(p, to: &out)
        case .multiPoint(let m):
            appendUInt32(UInt32(m.pointCount), to: &out)
            var i = 0
            while i + 1 < m.coordinates.count {
                member(1)
                appendDouble(m.coordinates[i], to: &out)
                appendDouble(m.coordinates[i + 1], to: &out)
                i += 2
            }
        case .multiLineString(let m):
            appendUInt32(UInt32(m.lineCount), to: &out)
            for i in 0 ..< m.lineCount {
                member(2)
                appendSequence(m.line(i).coordinates[...], to: &out)
            }
        case .multiPolygon(let m):
            appendUInt32(UInt32(m.polygons.count), to: &out)
            for p in m.polygons {
                member(3)
                appendPolygonBody(p, to: &out)
            }
        case .geometryCollection(let members):
            appendUInt32(UInt32(members.count), to: &out)
            for g in members {
                member(typeCodes[g.kind]!)
                appendBody(g, memberMark: memberMark, to: &out)
            }
        }
    }

    private static func appendPolygonBody(_ p: Polygon, to out: inout [UInt8]) {
        appendUInt32(UInt32(p.ringCount), to: &out)
        for r in 0 ..< p.ringCount { appendSequence(p.ring(r), to: &out) }
    }

    private static func appendSequence(_ flat: ArraySlice<Double>, to out: inout [UInt8]) {
        appendUInt32(UInt32(flat.count / 2), to: &out)
        #if _endian(little)
        flat.withUnsafeBytes { out.append(contentsOf: $0) }  // little-endian doubles, as they lie in memory
        #else
        for v in flat { appendDouble(v, to: &out) }
        #endif
    }

    @inline(__always)
    private static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func appendDouble(_ v: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    /// A malformed WKB input.
    public struct DecodingError: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid WKB at byte \(offset): \(reason)" }
    }

    /// Decodes WKB (either byte order; Z, M and ZM variants, ISO or EWKB-flagged, are read
    /// and their extra ordinates dropped).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodingError) -> Geometry {
        var reader = Reader(bytes: bytes)
        let g = try reader.geometry(depth: 0)
        return g
    }

    /// Decodes what ``appendBody(_:memberMark:to:)`` writes, preceded by the geometry's type
    /// code: `bytes` start at that code, every number is in the given byte order, and each
    /// member starts with `memberMark` and its type code (SpatiaLite's geometry blob between its
    /// header and its end mark). Type codes are ISO's (Z, M and ZM as thousands, dropped); the
    /// geometry must end exactly where `bytes` do.
    public static func decode(typeCodeFirst bytes: UnsafeRawBufferPointer, littleEndian: Bool, memberMark: UInt8) throws(DecodingError) -> Geometry {
        var reader = Reader(bytes: bytes, memberMark: memberMark)
        reader.littleEndian = littleEndian
        let g = try reader.geometry(depth: 0)
        guard reader.offset == bytes.count else { throw DecodingError(offset: reader.offset, reason: "bytes after the geometry") }
        return g
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodingError) -> Geometry {
        let result: Result<Geometry, DecodingError> = bytes.withUnsafeBytes { raw in
            Result { () throws(DecodingError) -> Geometry in try decode(raw) }
        }
        return try result.get()
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        /// nil: every geometry starts with its byte order (WKB); else members start with this
        /// mark and the outermost geometry with its type code, in one byte order throughout.
        let memberMark: UInt8?
        var offset = 0
        var littleEndian = true

        init(bytes: UnsafeRawBufferPointer, memberMark: UInt8? = nil) {
            self.bytes = bytes
            self.memberMark = memberMark
        }

        mutating func need(_ n: Int) throws(DecodingError) {
            guard offset + n <= bytes.count else { throw DecodingError(offset: offset, reason: "truncated") }
        }

        mutating func uint32() throws(DecodingError) -> UInt32 {
            try need(4)
            let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            offset += 4
            return littleEndian ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }

        mutating func double() throws(DecodingError) -> Double {
            try need(8)
            let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
            return Double(bitPattern: littleEndian ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }

        mutating func count(_ perItem: Int) throws(DecodingError) -> Int {
            let n = Int(try uint32())
            guard n <= (bytes.count - offset) / max(perItem, 1) else {
                throw DecodingError(offset: offset, reason: "count \(n) exceeds the data")
            }
            return n
        }

        mutating func sequence(into flat: inout [Double], dims: Int) throws(DecodingError) {
            let n = try count(8 * dims)
            flat.reserveCapacity(flat.count + 2 * n)
            for _ in 0 ..< n {
                flat.append(try double())
                flat.append(try double())
                for _ in 2 ..< dims { _ = try double() }
            }
        }

        mutating func geometry(depth: Int) throws(DecodingError) -> Geometry {
            guard depth < 32 else { throw DecodingError(offset: offset, reason: "nested too deeply") }
            if let memberMark {
                if depth > 0 {
                    try need(1)
                    guard bytes[offset] == memberMark else { throw DecodingError(offset: offset, reason: "no member mark") }
                    offset += 1
                }
            } else {
                try need(1)
                let order = bytes[offset]
                guard order <= 1 else { throw DecodingError(offset: offset, reason: "bad byte order \(order)") }
                littleEndian = order == 1
                offset += 1
            }
            var type = try uint32()
            if memberMark != nil, type >= 4000 { throw DecodingError(offset: offset - 4, reason: "unsupported geometry type \(type)") }
            var dims = 2
            // EWKB flags, then ISO thousands.
            if type & 0x8000_0000 != 0 { dims += 1 }
            if type & 0x4000_0000 != 0 { dims += 1 }
            if type & 0x2000_0000 != 0 { _ = try uint32() }  // SRID
            type &= 0x0FFF_FFFF
            switch type / 1000 {
            case 1, 2: dims += 1
            case 3: dims += 2
            default: break
            }
            type %= 1000
            switch type {
            case 1:
                let x = try double(), y = try double()
                for _ in 2 ..< dims { _ = try double() }
                return .point(Point(x: x, y: y))
            case 2:
                var flat: [Double] = []
                try sequence(into: &flat, dims: dims)
                return .lineString(LineString(coordinates: flat))
            case 3:
                return .polygon(try polygonBody(dims: dims))
            case 4, 5, 6, 7:
                let n = try count(5)
                var parts: [Geometry] = []
                for _ in 0 ..< n { parts.append(try geometry(depth: depth + 1)) }
                switch type {
                case 4:
                    var flat: [Double] = []
                    for case .point(let p) in parts { flat.append(p.x); flat.append(p.y) }
                    guard flat.count == 2 * parts.count else { throw DecodingError(offset: offset, reason: "MultiPoint with a non-point part") }
                    return .multiPoint(MultiPoint(coordinates: flat))
                case 5:
                    var lines: [LineString] = []
                    for case .lineString(let l) in parts { lines.append(l) }
                    guard lines.count == parts.count else { throw DecodingError(offset: offset, reason: "MultiLineString with a non-line part") }
                    return .multiLineString(MultiLineString(lines: lines))
                case 6:
                    var polygons: [Polygon] = []
                    for case .polygon(let p) in parts { polygons.append(p) }
                    guard polygons.count == parts.count else { throw DecodingError(offset: offset, reason: "MultiPolygon with a non-polygon part") }
                    return .multiPolygon(MultiPolygon(polygons: polygons))
                default:
                    return .geometryCollection(parts)
                }
            default:
                throw DecodingError(offset: offset - 4, reason: "unsupported geometry type \(type)")
            }
        }

        mutating func polygonBody(dims: Int) throws(DecodingError) -> Polygon {
            let rings = try count(4)
            var flat: [Double] = []
            var starts: [Int] = []
            for _ in 0 ..< rings {
                starts.append(flat.count / 2)
                try sequence(into: &flat, dims: dims)
            }
            return Polygon(coordinates: flat, ringStarts: starts)
        }
    }
}
