/// Writes JSON text into a byte buffer: the one place that escapes strings and formats numbers.
public enum JSONText {
    /// Appends fixed text (a member name and its punctuation, say) in one copy.
    @inlinable
    public static func appendRaw(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `value` as compact JSON.
    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): appendInteger(i, to: &out)
        case .number(let d):
            // A fractional number that happens to be whole stays fractional on the way back
            // (`56.0`, not `56`, which reads as an integer). Found by the fuzzer.
            let start = out.count
            appendNumber(d, to: &out)
            if d.isFinite, !out[start...].contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
                out.append(contentsOf: ".0".utf8)
            }
        case .string(let s): appendString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            appendObject(object, to: &out)
        }
    }

    public static func appendObject(_ object: JSONObject, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, member) in object.members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(member.key, to: &out)
            out.append(UInt8(ascii: ":"))
            append(member.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends a quoted JSON string; non-ASCII characters are written as UTF-8, control
    /// characters, quotes and backslashes escaped.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escape: their bytes are copied in one go.
        var text = s
        let copied = text.withUTF8 { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(UInt8(ascii: "\""))
            return
        }
        appendEscaped(s.utf8, to: &out)
        out.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text escaped as a JSON string's content (no quotes): `"` and `\\`, the
    /// short escapes for newline, return and tab, `\\u00XX` for the other control characters.
    @inlinable
    public static func appendEscaped(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0 ..< 0x20:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
    }

    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(48); return }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, width: 0, to: &out)
    }

    /// Appends the decimal digits of `n`, left-padded with zeros to `width`, from a buffer on
    /// the stack (no array per number: this runs for every coordinate written), byte by byte:
    /// appending a slice of the raw buffer went through the generic path, about a thousand
    /// instructions per number.
    @inline(__always)
    public static func appendDigits(_ n: UInt64, width: Int, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: UInt64.max has 20 digits
        withUnsafeMutableBytes(of: &buffer) { digits in
            var i = 24, v = n
            repeat {
                i -= 1
                digits[i] = UInt8(48 + v % 10)
                v /= 10
            } while v > 0 || 24 - i < width
            for k in i ..< 24 { out.append(digits[k]) }
        }
    }

    /// Appends the shortest text that reads back as exactly `value` (integral values without
    /// a fraction). Non-finite values, which JSON cannot express, are written as `null`.
    public static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else { out.append(contentsOf: "null".utf8); return }
        if value == value.rounded(), abs(value) < 1e15 {
            if value == 0 && value.sign == .minus { out.append(contentsOf: "-0".utf8); return }
            appendInteger(Int64(value), to: &out)
            return
        }
        if appendShortDecimal(value, to: &out) { return }
        out.append(contentsOf: value.description.utf8)
    }

    /// Appends `value` rounded to `decimals` digits after the point, trailing zeros trimmed.
    /// Falls back to the shortest exact text when the scaled value is too large to round
    /// exactly in a 64-bit integer.
    public static func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        let scale = powersOfTen[decimals]
        let scaled = (value * scale).rounded()
        guard value.isFinite, abs(scaled) < 9.0e15 else { appendNumber(value, to: &out); return }
        var n = Int64(scaled)
        if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
        let unit = Int64(scale)
        appendInteger(n / unit, to: &out)
        var fraction = n % unit
        guard fraction != 0 else { return }
        var width = decimals
        while fraction % 10 == 0 { fraction /= 10; width -= 1 }
        out.append(UInt8(ascii: "."))
        appendDigits(UInt64(fraction), width: width, to: &out)
    }

    static let powersOfTen: [Double] = (0 ... 22).map { p in (0 ..< p).reduce(1.0) { r, _ in r * 10 } }
}
