import GeoCore
import Layers

/// Encodes features as binary COPY rows into the sink's buffer: no SQL per feature.
final class PostGISLayerWriter: LayerWriter {
    private let sink: PGCopySink
    private let columns: [PropertyColumn]
    private let columnType: String
    private var scratch: [UInt8] = []
    private var json: [UInt8] = []
    private(set) var count = 0
    private let fieldCount: Int16

    init(sink: PGCopySink, columns: [PropertyColumn], columnType: String) {
        self.sink = sink
        self.columns = columns
        self.columnType = columnType
        fieldCount = Int16(6 + columns.count)
        sink.buffer.append(contentsOf: BinaryCopy.header)
    }

    func insert(_ feature: Feature) throws {
        count += 1
        BinaryCopy.appendInt16(fieldCount, to: &sink.buffer)
        BinaryCopy.appendBigint(Int64(count), to: &sink.buffer)
        switch feature.id {
        case .string(let s)?: BinaryCopy.appendJSONB(to: &sink.buffer) { JSONText.appendString(s, to: &$0) }
        case .integer(let n)?: BinaryCopy.appendJSONB(to: &sink.buffer) { JSONText.appendInteger(n, to: &$0) }
        case .number(let d)?: BinaryCopy.appendJSONB(to: &sink.buffer) { JSONText.appendNumber(d, to: &$0) }
        case nil: BinaryCopy.appendNull(to: &sink.buffer)
        }
        if let g = feature.geometry { BinaryCopy.appendText(g.kind.rawValue, to: &sink.buffer) } else { BinaryCopy.appendNull(to: &sink.buffer) }
        // The properties once as JSON text, sent twice: as jsonb and as text in source order.
        json.removeAll(keepingCapacity: true)
        JSONText.appendObject(feature.properties, to: &json)
        BinaryCopy.appendJSONB(to: &sink.buffer) { $0.append(contentsOf: json) }
        BinaryCopy.appendField(to: &sink.buffer) { $0.append(contentsOf: json) }
        for c in columns { Self.append(feature.properties[c.property], as: c.type, to: &sink.buffer) }
        if let g = feature.geometry {
            BinaryCopy.appendEWKB(GeometryPromotion.promote(g, toColumn: columnType), scratch: &scratch, to: &sink.buffer)
        } else {
            BinaryCopy.appendNull(to: &sink.buffer)
        }
        try sink.flushIfFull()
    }

    /// A property's value in its typed column: as the SpatiaLite store converts it.
    static func append(_ v: JSONValue?, as type: ColumnType, to out: inout [UInt8]) {
        switch (v, type) {
        case (nil, _), (.null?, _): BinaryCopy.appendNull(to: &out)
        case (.integer(let n)?, .integer): BinaryCopy.appendBigint(n, to: &out)
        case (.integer(let n)?, .real): BinaryCopy.appendDouble(Double(n), to: &out)
        case (.number(let d)?, .real): BinaryCopy.appendDouble(d, to: &out)
        case (.bool(let b)?, .boolean): BinaryCopy.appendBool(b, to: &out)
        case (let other?, .text):
            if case .string(let s) = other { BinaryCopy.appendText(s, to: &out) } else if let t = other.plainText { BinaryCopy.appendText(t, to: &out) } else { BinaryCopy.appendNull(to: &out) }
        default:
            // A value the column's type cannot hold (the schema says it does not happen);
            // the properties column keeps it either way.
            BinaryCopy.appendNull(to: &out)
        }
    }
}

/// PostgreSQL cuts names at 63 bytes; typed columns get names that fit and stay distinct.
enum PGColumnNames {
    static let reserved: Set<String> = ["fid", "feature_id", "geoctl_kind", "properties", "geoctl_properties", "geom"]

    static func assign(_ columns: [PropertyColumn]) -> [PropertyColumn] {
        var taken = reserved
        return columns.map { c in
            var out = c
            var name = c.column
            if name.utf8.count > 63 || taken.contains(name.lowercased()) {
                let base = prefix(name, bytes: 56)
                var n = 2
                repeat { name = "\(base)_\(n)"; n += 1 } while taken.contains(name.lowercased())
            }
            taken.insert(name.lowercased())
            out.column = name
            return out
        }
    }

    /// The longest prefix of whole characters within `bytes` UTF-8 bytes.
    static func prefix(_ s: String, bytes: Int) -> String {
        var out = ""
        var used = 0
        for ch in s {
            let n = String(ch).utf8.count
            if used + n > bytes { break }
            out.append(ch)
            used += n
        }
        return out
    }
}

/// PostGIS sends geometries as EWKB: WKB with an SRID after the type when its flag is set.
enum EWKB {
    static func decode(_ raw: UnsafeRawBufferPointer, scratch: inout [UInt8]) throws -> Geometry {
        guard raw.count >= 5 else { throw StoreError.corrupt("a geometry of \(raw.count) bytes") }
        let little = raw[0] == 1
        let flagByte = little ? 4 : 1
        if raw[flagByte] & 0x20 == 0 { return try WKB.decode(raw) }
        guard raw.count >= 9 else { throw StoreError.corrupt("a geometry of \(raw.count) bytes") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: raw[0..<5])
        scratch[flagByte] &= ~0x20
        scratch.append(contentsOf: raw[9...])
        return try scratch.withUnsafeBytes { b in try WKB.decode(b) }
    }
}
