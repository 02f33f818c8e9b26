import GeoCore

/// SpatiaLite's own geometry BLOB, written straight from Swift so that an import binds each
/// geometry as bytes instead of calling `GeomFromWKB` once per row.
///
/// The layout is SpatiaLite's documented "BLOB-Geometry" (little-endian): `0x00`, `0x01`
/// (endian), SRID (int32), MBR (min x, min y, max x, max y as doubles), `0x7C`, class type
/// (int32), the coordinates, `0xFE`. Points, linestrings and polygons carry their counts and
/// coordinates as in WKB; each member of a Multi geometry starts with `0x69` and its class type.
///
/// Only geometries SpatiaLite would encode the same way are written here: the six simple
/// kinds with at least one position in every part. ``encode(_:srid:into:)`` returns false for
/// the rest (geometry collections, which SpatiaLite flattens and reorders, and empty
/// geometries, which it stores as NULL); their rows go through `GeomFromWKB` as before.
/// `SpatiaLiteBlobTests` compares these bytes with SpatiaLite's for every kind.
enum SpatiaLiteBlob {
    private static let classCodes: [GeometryKind: UInt32] = [
        .point: 1, .lineString: 2, .polygon: 3, .multiPoint: 4, .multiLineString: 5, .multiPolygon: 6,
    ]

    /// Replaces `out` with the blob of `geometry` and returns its bounding box, or returns
    /// nil (leaving `out` unspecified) when SpatiaLite encodes the geometry differently.
    static func encode(_ geometry: Geometry, srid: Int32, into out: inout [UInt8]) -> BoundingBox? {
        guard let code = classCodes[geometry.kind], let box = boxIfEveryPartHasPositions(geometry) else { return nil }
        out.removeAll(keepingCapacity: true)
        out.append(0x00)
        out.append(0x01)
        appendUInt32(UInt32(bitPattern: srid), to: &out)
        appendDouble(box.minX, to: &out)
        appendDouble(box.minY, to: &out)
        appendDouble(box.maxX, to: &out)
        appendDouble(box.maxY, to: &out)
        out.append(0x7C)
        appendUInt32(code, to: &out)
        WKB.appendBody(geometry, memberMark: 0x69, to: &out)  // the body is WKB's, with entity marks
        out.append(0xFE)
        return box
    }

    /// The MBR SpatiaLite records, or nil when the geometry or any of its parts (line, ring, polygon)
    /// has no position.
    private static func boxIfEveryPartHasPositions(_ g: Geometry) -> BoundingBox? {
        var box = BoundingBox.empty
        switch g {
        case .point(let p):
            return BoundingBox(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)
        case .lineString(let l):
            guard !l.coordinates.isEmpty else { return nil }
            box.extend(flat: l.coordinates)
        case .multiPoint(let m):
            guard !m.coordinates.isEmpty else { return nil }
            box.extend(flat: m.coordinates)
        case .multiLineString(let m):
            guard m.lineCount > 0 else { return nil }
            for i in 0 ..< m.lineCount {
                let start = m.lineStarts[i]
                let end = i + 1 < m.lineCount ? m.lineStarts[i + 1] : m.coordinates.count / 2
                if end <= start { return nil }
            }
            box.extend(flat: m.coordinates)
        case .polygon(let p):
            guard polygonHasPositions(p) else { return nil }
            extend(&box, exteriorOf: p)
        case .multiPolygon(let m):
            guard !m.polygons.isEmpty else { return nil }
            for p in m.polygons {
                guard polygonHasPositions(p) else { return nil }
                extend(&box, exteriorOf: p)
            }
        case .geometryCollection:
            return nil
        }
        return box.isEmpty ? nil : box
    }

    /// SpatiaLite's MBR of a polygon is that of its exterior ring.
    private static func extend(_ box: inout BoundingBox, exteriorOf p: Polygon) {
        let r = p.ringRange(0)
        p.coordinates.withUnsafeBufferPointer { c in
            for k in r { box.extend(x: c[2 * k], y: c[2 * k + 1]) }
        }
    }

    private static func polygonHasPositions(_ p: Polygon) -> Bool {
        guard p.ringCount > 0 else { return false }
        for r in 0 ..< p.ringCount where p.ringRange(r).isEmpty { return false }
        return true
    }

    @inline(__always)
    private static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func appendDouble(_ v: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// Reading the blob directly (no SQL function per row, and no SpatiaLite loaded for it).
extension SpatiaLiteBlob {
    /// The geometry of a blob as SpatiaLite's `AsBinary` gives it (Z and M dropped), or nil
    /// for what only SpatiaLite reads: compressed classes, geometry collections (SpatiaLite
    /// writes their members grouped by kind), a malformed blob.
    static func geometry(_ b: UnsafeRawBufferPointer) -> Geometry? {
        guard b.count >= 44, b[0] == 0x00, b[1] <= 0x01, b[38] == 0x7C, b[b.count - 1] == 0xFE else { return nil }
        let little = b[1] == 0x01
        let raw = b.loadUnaligned(fromByteOffset: 39, as: UInt32.self)
        let code = little ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw)
        guard code < 4000, (1 ... 6).contains(code % 1000) else { return nil }
        return try? WKB.decode(typeCodeFirst: UnsafeRawBufferPointer(rebasing: b[39 ..< b.count - 1]), littleEndian: little, memberMark: 0x69)
    }

    /// X and Y of a POINT blob: 0x00, endianness (0x01 little, 0x00 big), SRID (4 bytes), MBR
    /// (4 doubles), 0x7C, class (4 bytes: 1 XY, 1001 XYZ, 2001 XYM, 3001 XYZM), X, Y, …, 0xFE.
    /// Nil for any other class or a malformed blob, as SpatiaLite's X()/Y() give NULL.
    static func point(_ b: UnsafeRawBufferPointer) -> (x: Double, y: Double)? {
        guard b.count >= 60, b[0] == 0x00, b[38] == 0x7C, b[b.count - 1] == 0xFE else { return nil }
        let little = b[1] == 0x01
        guard little || b[1] == 0x00 else { return nil }
        func u32(_ o: Int) -> UInt32 {
            let v = b.loadUnaligned(fromByteOffset: o, as: UInt32.self)
            return little ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
        }
        func f64(_ o: Int) -> Double {
            let v = b.loadUnaligned(fromByteOffset: o, as: UInt64.self)
            return Double(bitPattern: little ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
        }
        switch u32(39) {
        case 1: guard b.count == 60 else { return nil }
        case 1001, 2001: guard b.count == 68 else { return nil }
        case 3001: guard b.count == 76 else { return nil }
        default: return nil
        }
        return (f64(43), f64(51))
    }
}
