import GeoCore

/// PostgreSQL's binary COPY format: a header, then per row a field count and each field as
/// a length and its bytes in the type's binary form (big-endian integers and floats, jsonb
/// as version 1 + text, geometry as EWKB). No SQL function runs per row on the server.
enum BinaryCopy {
    static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    static let trailer: [UInt8] = [0xFF, 0xFF]

    static func appendInt16(_ v: Int16, to out: inout [UInt8]) {
        let u = UInt16(bitPattern: v)
        out.append(UInt8(u >> 8)); out.append(UInt8(u & 0xFF))
    }

    static func appendInt32(_ v: Int32, to out: inout [UInt8]) {
        let u = UInt32(bitPattern: v)
        out.append(UInt8(u >> 24)); out.append(UInt8((u >> 16) & 0xFF)); out.append(UInt8((u >> 8) & 0xFF)); out.append(UInt8(u & 0xFF))
    }

    static func appendInt64(_ v: Int64, to out: inout [UInt8]) {
        let u = UInt64(bitPattern: v)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((u >> UInt64(shift)) & 0xFF)) }
    }

    static func appendNull(to out: inout [UInt8]) { appendInt32(-1, to: &out) }

    static func appendBigint(_ v: Int64, to out: inout [UInt8]) {
        appendInt32(8, to: &out)
        appendInt64(v, to: &out)
    }

    static func appendDouble(_ v: Double, to out: inout [UInt8]) {
        appendInt32(8, to: &out)
        appendInt64(Int64(bitPattern: v.bitPattern), to: &out)
    }

    static func appendBool(_ v: Bool, to out: inout [UInt8]) {
        appendInt32(1, to: &out)
        out.append(v ? 1 : 0)
    }

    static func appendText(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            appendInt32(Int32(u.count), to: &out)
            out.append(contentsOf: u)
        }
    }

    /// A field whose bytes are written by `body` (the length is patched in afterwards).
    static func appendField(to out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        let start = out.count
        appendInt32(0, to: &out)
        body(&out)
        let length = UInt32(out.count - start - 4)
        out[start] = UInt8(length >> 24); out[start + 1] = UInt8((length >> 16) & 0xFF)
        out[start + 2] = UInt8((length >> 8) & 0xFF); out[start + 3] = UInt8(length & 0xFF)
    }

    /// jsonb's binary form: version byte 1, then the JSON text.
    static func appendJSONB(to out: inout [UInt8], _ body: (inout [UInt8]) -> Void) {
        appendField(to: &out) { o in
            o.append(1)
            body(&o)
        }
    }

    /// EWKB with SRID 4326, which PostGIS's geometry_recv takes as it is: the WKB of the
    /// geometry with the SRID flag set on its type and the SRID after it.
    static func appendEWKB(_ g: Geometry, scratch: inout [UInt8], to out: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        WKB.append(g, to: &scratch)  // little-endian: [1][type u32 LE][body…]
        appendInt32(Int32(scratch.count + 4), to: &out)
        out.append(scratch[0])
        out.append(scratch[1]); out.append(scratch[2]); out.append(scratch[3]); out.append(scratch[4] | 0x20)
        out.append(0xE6); out.append(0x10); out.append(0); out.append(0)  // 4326, little-endian
        out.append(contentsOf: scratch[5...])
    }
}

/// Reads the rows of a binary `COPY … TO STDOUT`, one `PQgetCopyData` buffer at a time.
struct BinaryCopyReader {
    private var sawHeader = false

    /// The fields of a row (nil for NULL), or nil for the trailer.
    mutating func fields(of data: UnsafeRawBufferPointer, into fields: inout [UnsafeRawBufferPointer?]) throws -> Bool {
        var p = 0
        func int32(_ at: Int) -> Int32 {
            Int32(bitPattern: UInt32(data[at]) << 24 | UInt32(data[at + 1]) << 16 | UInt32(data[at + 2]) << 8 | UInt32(data[at + 3]))
        }
        if !sawHeader {
            guard data.count >= 19, data[0] == UInt8(ascii: "P") else { throw BinaryCopyError.malformed("no COPY header") }
            p = 19 + Int(int32(15))
            sawHeader = true
        }
        guard data.count >= p + 2 else { throw BinaryCopyError.malformed("short row") }
        let count = Int16(bitPattern: UInt16(data[p]) << 8 | UInt16(data[p + 1]))
        p += 2
        if count == -1 { return false }
        fields.removeAll(keepingCapacity: true)
        for _ in 0..<Int(count) {
            guard data.count >= p + 4 else { throw BinaryCopyError.malformed("short field") }
            let n = Int(int32(p))
            p += 4
            if n < 0 { fields.append(nil); continue }
            guard data.count >= p + n else { throw BinaryCopyError.malformed("short field") }
            fields.append(UnsafeRawBufferPointer(rebasing: data[p..<p + n]))
            p += n
        }
        return true
    }
}

enum BinaryCopyError: Error, CustomStringConvertible {
    case malformed(String)
    var description: String {
        switch self { case .malformed(let what): "unexpected binary COPY data from the server: \(what)" }
    }
}
