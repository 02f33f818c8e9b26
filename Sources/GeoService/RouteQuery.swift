/// The `lon`, `lat` and `category` of a `GET /route?…` request target, read from its bytes
/// for ``RouteFastPath`` with the meaning Hummingbird's `URI.queryParameters` gives them:
/// parameters split at `&`, the name before the first `=` taken as written, the value
/// percent-decoded, other parameters ignored.
///
/// Anything this reader is not sure to read the same way gives nil, and the request goes on
/// to Hummingbird, which answers it: a byte outside RFC 3986's query characters, a `%` not
/// followed by two hex digits, `+`, a value that is not UTF-8 once decoded, or one of the
/// three parameters given twice or missing.
struct RouteQuery {
    var lon: Double
    var lat: Double
    /// The category id's UTF-8 bytes, decoded.
    var category: [UInt8]

    private init(lon: Double, lat: Double, category: [UInt8]) {
        self.lon = lon
        self.lat = lat
        self.category = category
    }

    init?(target: String) {
        var target = target
        guard let parsed = target.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> RouteQuery? {
        let prefix: StaticString = "/route?"
        let head = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        guard bytes.count > head.count, bytes.prefix(head.count).elementsEqual(head) else { return nil }
        var lon: Double?, lat: Double?, category: [UInt8]?
        var start = prefix.utf8CodeUnitCount
        while start <= bytes.count {
            var end = start
            var equals = -1
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") {
                let b = bytes[end]
                guard Self.isQueryByte(b) else { return nil }
                if b == UInt8(ascii: "=") && equals < 0 { equals = end }
                end += 1
            }
            if end > start {
                let nameEnd = equals < 0 ? end : equals
                let name = UnsafeBufferPointer(rebasing: bytes[start ..< nameEnd])
                if let which = Self.parameter(name) {
                    guard equals >= 0, let value = Self.percentDecoded(bytes[(equals + 1) ..< end]) else { return nil }
                    switch which {
                    case 0:
                        guard lon == nil, let v = Self.number(value) else { return nil }
                        lon = v
                    case 1:
                        guard lat == nil, let v = Self.number(value) else { return nil }
                        lat = v
                    default:
                        guard category == nil else { return nil }
                        category = value
                    }
                }
            }
            start = end + 1
        }
        guard let lon, let lat, let category else { return nil }
        return RouteQuery(lon: lon, lat: lat, category: category)
    }

    /// 0 for `lon`, 1 for `lat`, 2 for `category`, nil for any other name.
    private static func parameter(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
        if name.elementsEqual("lon".utf8) { return 0 }
        if name.elementsEqual("lat".utf8) { return 1 }
        if name.elementsEqual("category".utf8) { return 2 }
        return nil
    }

    /// RFC 3986 `query` characters (unreserved, sub-delims, `:`, `@`, `/`, `?`, `%`), less `+`,
    /// which some clients mean as a space and Hummingbird does not.
    private static func isQueryByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "*"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"),
             UInt8(ascii: "/"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    private static func percentDecoded(_ value: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var i = value.startIndex
        while i < value.endIndex {
            let b = value[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < value.endIndex, let high = hex(value[i + 1]), let low = hex(value[i + 2]) else { return nil }
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(b)
                i += 1
            }
        }
        // Hummingbird keeps the raw text when the decoded bytes are not UTF-8; leave that to it.
        guard String(validating: out, as: UTF8.self) != nil else { return nil }
        return out
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The number as `Double(_: Substring)` reads it for the Hummingbird route.
    private static func number(_ bytes: [UInt8]) -> Double? {
        guard !bytes.isEmpty else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }
}
