/// Well-Known Text output (for CSV exports and messages); reading WKT is not needed.
public enum WKT {
    /// The geometry as WKT, coordinates with up to `precision` decimals (nil: every digit).
    public static func text(of geometry: Geometry, precision: Int? = 7) -> String {
        var out: [UInt8] = []
        append(geometry, precision: precision, tagged: true, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func number(_ v: Double, _ precision: Int?, _ out: inout [UInt8]) {
        if let precision { JSONText.appendFixed(v, decimals: precision, to: &out) } else { JSONText.appendNumber(v, to: &out) }
    }

    private static func sequence(_ flat: ArraySlice<Double>, _ precision: Int?, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "("))
        var i = flat.startIndex
        while i + 1 < flat.endIndex {
            if i > flat.startIndex { out.append(contentsOf: ", ".utf8) }
            number(flat[i], precision, &out)
            out.append(UInt8(ascii: " "))
            number(flat[i + 1], precision, &out)
            i += 2
        }
        out.append(UInt8(ascii: ")"))
    }

    private static func polygon(_ p: Polygon, _ precision: Int?, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "("))
        for r in 0 ..< p.ringCount {
            if r > 0 { out.append(contentsOf: ", ".utf8) }
            sequence(p.ring(r), precision, &out)
        }
        out.append(UInt8(ascii: ")"))
    }

    private static func append(_ g: Geometry, precision: Int?, tagged: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: g.kind.rawValue.uppercased().utf8)
        out.append(UInt8(ascii: " "))
        switch g {
        case .point(let p): sequence([p.x, p.y][...], precision, &out)
        case .lineString(let l): sequence(l.coordinates[...], precision, &out)
        case .polygon(let p): polygon(p, precision, &out)
        case .multiPoint(let m):
            out.append(UInt8(ascii: "("))
            var i = 0
            while i + 1 < m.coordinates.count {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                sequence(m.coordinates[i ..< i + 2], precision, &out)
                i += 2
            }
            out.append(UInt8(ascii: ")"))
        case .multiLineString(let m):
            out.append(UInt8(ascii: "("))
            for i in 0 ..< m.lineCount {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                sequence(m.line(i).coordinates[...], precision, &out)
            }
            out.append(UInt8(ascii: ")"))
        case .multiPolygon(let m):
            out.append(UInt8(ascii: "("))
            for (i, p) in m.polygons.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                polygon(p, precision, &out)
            }
            out.append(UInt8(ascii: ")"))
        case .geometryCollection(let members):
            if members.isEmpty { out.append(contentsOf: "EMPTY".utf8); return }
            out.append(UInt8(ascii: "("))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                append(m, precision: precision, tagged: true, to: &out)
            }
            out.append(UInt8(ascii: ")"))
        }
    }
}
