/// The coordinate reference system named by a file's legacy `crs` member (GeoJSON 2008;
/// RFC 7946 dropped it, but ogr2ogr and many desktop tools still write it).
public enum LegacyCRS: Sendable, Hashable, CustomStringConvertible {
    /// OGC CRS84: WGS84 longitude/latitude, the RFC 7946 default.
    case crs84
    /// An EPSG code (`EPSG:N`, `urn:ogc:def:crs:EPSG::N`, `http://www.opengis.net/def/crs/EPSG/0/N`).
    case epsg(Int)
    /// Any other name, kept as written, for PROJ to interpret.
    case other(String)

    /// Parses a CRS name as found in `crs.properties.name`.
    public init(name: String) {
        let trimmed = name.trimmingWhitespace()
        let upper = trimmed.uppercased()
        if upper.hasSuffix("CRS84") || upper.hasSuffix("CRS:84") {
            self = .crs84
            return
        }
        let prefixes = ["EPSG:", "URN:OGC:DEF:CRS:EPSG:", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/", "HTTPS://WWW.OPENGIS.NET/DEF/CRS/EPSG/"]
        for prefix in prefixes where upper.hasPrefix(prefix) {
            // The code is the last run of digits: `EPSG::4326`, `EPSG:6.6:4326`, `EPSG/0/4326`.
            let tail = upper.dropFirst(prefix.count)
            let digits = tail.reversed().prefix { $0.isASCII && $0.isNumber }.reversed()
            let separator = tail.dropLast(digits.count).last
            if !digits.isEmpty, separator == nil || separator == ":" || separator == "/", let code = Int(String(digits)) {
                self = code == 4326 ? .epsg(4326) : .epsg(code)
                return
            }
        }
        self = .other(trimmed)
    }

    /// True for WGS84 longitude/latitude (CRS84 or EPSG:4326, read in lon/lat order).
    public var isWGS84: Bool {
        switch self {
        case .crs84: true
        case .epsg(let code): code == 4326
        case .other: false
        }
    }

    /// The name PROJ understands: `OGC:CRS84`, `EPSG:N`, or the text as written.
    public var projName: String {
        switch self {
        case .crs84: "OGC:CRS84"
        case .epsg(let code): "EPSG:\(code)"
        case .other(let s): s
        }
    }

    public var description: String { projName }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first ... last])
    }
}
