#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `lon`, `lat` and `category` of a `GET /route?…` request target, read from its bytes
/// for ``RouteFastPath`` with the meaning Hummingbird's `URI.queryParameters` gives them:
/// parameters split at `&`, the name before the first `=` taken as written, the value
/// percent-decoded, other parameters ignored.
///
/// Anything this reader is not sure to read the same way is refused, and the request goes on
/// to Hummingbird, which answers it: a byte outside RFC 3986's query characters, a `%` not
/// followed by two hex digits, `+`, or one of the three parameters given twice or missing.
/// The category's bytes are not checked for UTF-8 here: they are only ever compared with the
/// ids of the rules' categories, so bytes that are not UTF-8 match none and go on too.
///
/// One value per connection: the category's storage is reused from one request to the next.
struct RouteQuery {
    private(set) var lon = 0.0
    private(set) var lat = 0.0
    /// The category id's UTF-8 bytes, decoded.
    private(set) var category: [UInt8] = []
    /// A decoded coordinate's bytes, when it had escapes (rare).
    private var scratch: [UInt8] = []

    /// Reads `target`; false when it is not a `/route?` target this reader reads exactly as
    /// Hummingbird does (the values are then meaningless).
    mutating func read(target: String) -> Bool {
        var target = target
        return target.withUTF8 { read($0) }
    }

    private mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix: StaticString = "/route?"
        let head = prefix.utf8CodeUnitCount
        guard bytes.count > head, let base = bytes.baseAddress, memcmp(base, prefix.utf8Start, head) == 0 else { return false }
        /// The position of the first `byte` in `from ..< to`, found by memchr.
        func find(_ byte: UInt8, from: Int, to: Int) -> Int? {
            guard to > from, let p = memchr(base + from, Int32(byte), to - from) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
        }
        var seen = (lon: false, lat: false, category: false)
        var start = head
        while start <= bytes.count {
            // The parameter runs to the next `&`, its name to the first `=` in it.
            let end = find(UInt8(ascii: "&"), from: start, to: bytes.count) ?? bytes.count
            if end > start {
                // Every byte checked, without a branch per byte.
                var valid: UInt64 = 1, escaped: UInt8 = 0
                var p = base + start
                let stop = base + end
                while p < stop {
                    let b = p.pointee
                    valid &= Self.queryByteBit(b)
                    escaped |= b == UInt8(ascii: "%") ? 1 : 0
                    p += 1
                }
                guard valid == 1 else { return false }
                let equals = find(UInt8(ascii: "="), from: start, to: end) ?? -1
                let nameEnd = equals < 0 ? end : equals
                let which = Self.parameter(UnsafeBufferPointer(start: base + start, count: nameEnd - start))
                if which >= 0 {
                    guard equals >= 0 else { return false }
                    let value = UnsafeBufferPointer(start: base + equals + 1, count: end - equals - 1)
                    switch which {
                    case 0:
                        guard !seen.lon, let v = number(value, escaped: escaped != 0) else { return false }
                        lon = v
                        seen.lon = true
                    case 1:
                        guard !seen.lat, let v = number(value, escaped: escaped != 0) else { return false }
                        lat = v
                        seen.lat = true
                    default:
                        guard !seen.category, Self.percentDecode(value, into: &category) else { return false }
                        seen.category = true
                    }
                }
            }
            start = end + 1
        }
        return seen.lon && seen.lat && seen.category
    }

    /// 0 for `lon`, 1 for `lat`, 2 for `category`, -1 for any other name.
    private static func parameter(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        switch name.count {
        case 3:
            guard name[0] == UInt8(ascii: "l"), name[1] == UInt8(ascii: "a") || name[1] == UInt8(ascii: "o") else { return -1 }
            if name[1] == UInt8(ascii: "o") && name[2] == UInt8(ascii: "n") { return 0 }
            if name[1] == UInt8(ascii: "a") && name[2] == UInt8(ascii: "t") { return 1 }
            return -1
        case 8:
            let word: StaticString = "category"
            return memcmp(name.baseAddress!, word.utf8Start, 8) == 0 ? 2 : -1
        default:
            return -1
        }
    }

    /// 1 for an RFC 3986 `query` character (unreserved, sub-delims, `:`, `@`, `/`, `?`, `%`),
    /// less `+`, which some clients mean as a space and Hummingbird does not; 0 for any other
    /// byte. One bit per ASCII byte: `A-Za-z0-9-._~%!$&'()*,;=:@/?` (a test checks the masks
    /// against that list).
    @inline(__always)
    static func queryByteBit(_ b: UInt8) -> UInt64 {
        let low: UInt64 = 0xAFFF_F7F2_0000_0000, high: UInt64 = 0x47FF_FFFE_87FF_FFFF
        let word = b < 64 ? low : high
        return (word >> UInt64(b & 63)) & UInt64(b >> 7 ^ 1)
    }

    /// Replaces `out` with the value's bytes, `%XX` decoded; false for a `%` without two hex
    /// digits. Decoded on the stack, then copied in once.
    private static func percentDecode(_ value: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(value.count, 1)) { decoded in
            var n = 0, i = 0
            while i < value.count {
                let b = value[i]
                if b == UInt8(ascii: "%") {
                    guard i + 2 < value.count, let high = hex(value[i + 1]), let low = hex(value[i + 2]) else { return false }
                    decoded[n] = high << 4 | low
                    i += 3
                } else {
                    decoded[n] = b
                    i += 1
                }
                n += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: decoded[..<n]))
            return true
        }
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
    private mutating func number(_ value: UnsafeBufferPointer<UInt8>, escaped: Bool) -> Double? {
        guard !escaped else {
            guard Self.percentDecode(value, into: &scratch) else { return nil }
            return scratch.withUnsafeBufferPointer { Self.number($0) }
        }
        return Self.number(value)
    }

    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !bytes.isEmpty else { return nil }
        return shortDecimal(bytes) ?? Double(String(decoding: bytes, as: UTF8.self))
    }

    /// `-?digits.digits` with at most 15 digits in all, read exactly: the digits as an integer
    /// below 2^53 and a power of ten up to 10^22 are both exact, so one division rounds the
    /// quotient correctly, as `strtod` does. Nil for anything else (the general reader takes it).
    static func shortDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var point = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                mantissa = mantissa &* 10 &+ UInt64(b &- UInt8(ascii: "0"))
                digits += 1
                if point { fraction += 1 }
            } else if b == UInt8(ascii: ".") && !point {
                point = true
                guard digits > 0 else { return nil }
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, digits <= 15, !point || fraction > 0 else { return nil }
        let magnitude = Double(mantissa) / powersOfTen[fraction]
        return negative ? -magnitude : magnitude
    }

    private static let powersOfTen: [Double] = (0 ... 22).map { k in (0 ..< k).reduce(1.0) { acc, _ in acc * 10 } }
}
