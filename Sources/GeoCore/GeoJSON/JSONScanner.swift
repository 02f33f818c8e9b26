#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte-level JSON tokenizer under ``GeoJSONReader``.
///
/// It reads a file descriptor (or an in-memory copy) through one growable buffer, so memory
/// stays at the buffer size (1 MiB) plus the largest single token, however long the input.
/// It keeps the current line for error messages by counting newlines as it skips whitespace
/// (JSON allows raw newlines nowhere else). It is a struct so that its hot loops run on
/// statically-checked `inout` state; ``GeoJSONReader`` owns its buffer.
struct JSONScanner {
    var buffer: UnsafeMutablePointer<UInt8>
    var capacity: Int
    /// Index of the next unread byte in `buffer`.
    var pos = 0
    /// Number of valid bytes in `buffer`.
    var end = 0
    /// File descriptor to read more from, or -1 when the buffer holds the whole input.
    let fd: Int32
    var atEOF: Bool
    /// Absolute offset of `buffer[0]` in the input.
    var bufferBase = 0
    /// 1-based current line and the absolute offset of its first byte.
    var line = 1
    var lineStart = 0

    let source: String
    /// The 0-based feature being read, for error messages.
    var featureIndex: Int?
    var depth = 0
    let maxDepth: Int
    /// Bytes of decoded strings with escapes, reused.
    var scratch: [UInt8] = []
    /// Signatures of the member names of the objects being parsed, innermost last: each
    /// ``parseObject()`` pushes its own and truncates back on return (no array per object).
    var nameSignatures: [UInt64] = []
    /// Short strings seen recently, reused instead of decoded again; a streaming reader has
    /// one, a one-off small document does without (the cache costs more than it saves there).
    let strings: StringCache?
    /// The last `coordinates` member read; its storage is reused from geometry to geometry.
    var coordinates = CoordinateTree(location: Location(line: 0, column: 0, offset: 0))

    init(buffer: UnsafeMutablePointer<UInt8>, capacity: Int, filled: Int, fd: Int32, source: String, maxDepth: Int,
         cachingStrings: Bool = true) {
        strings = cachingStrings ? StringCache() : nil
        self.buffer = buffer
        self.capacity = capacity
        self.end = filled
        self.fd = fd
        self.atEOF = fd < 0
        self.source = source
        self.maxDepth = maxDepth
    }

    // MARK: Errors and positions

    /// The absolute byte offset of buffer index `i`.
    @inline(__always) func offset(_ i: Int) -> Int { bufferBase + i }

    /// A location that can be reported later even after the buffer moved on.
    struct Location {
        var line: Int
        var column: Int
        var offset: Int
    }

    /// The location of buffer index `i` (which must be on the current line).
    func location(_ i: Int) -> Location {
        let abs = offset(i)
        return Location(line: line, column: abs - lineStart + 1, offset: abs)
    }

    func error(_ reason: String, at i: Int? = nil) -> GeoJSONError {
        error(reason, at: location(i ?? pos))
    }

    func error(_ reason: String, at location: Location) -> GeoJSONError {
        GeoJSONError(source: source, featureIndex: featureIndex, line: location.line, column: location.column,
                     byteOffset: location.offset, reason: reason)
    }

    func unexpectedEnd() -> GeoJSONError {
        error("unexpected end of input: the file is truncated or a bracket is not closed")
    }

    /// Describes the byte at `i` for an "unexpected" message.
    func describeByte(at i: Int) -> String {
        let c = buffer[i]
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x\(String(c, radix: 16, uppercase: true))"
    }

    // MARK: Buffer

    /// Reads more input, keeping `buffer[keep...]`. Returns how far indices moved down
    /// (subtract it from any index you hold), or nil at end of input.
    mutating func refill(keeping keep: Int) throws(GeoJSONError) -> Int? {
        if atEOF { return nil }
        let shift = keep
        if shift > 0 {
            if end > shift { memmove(buffer, buffer + shift, end - shift) }
            end -= shift
            pos -= shift
            bufferBase += shift
        }
        if end == capacity {
            // One token fills the buffer: grow it.
            let newCapacity = capacity * 2
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        while true {
            let n = read(fd, buffer + end, capacity - end)
            if n > 0 {
                end += n
                return shift
            }
            if n == 0 {
                atEOF = true
                return shift == 0 && end == pos ? nil : shift
            }
            if errno == EINTR { continue }
            // An I/O failure, not a fault of the text: line 0 says so (as for "cannot open").
            throw GeoJSONError(source: source, featureIndex: nil, line: 0, column: 0, byteOffset: 0,
                               reason: "cannot read: \(String(cString: strerror(errno)))")
        }
    }

    /// Skips whitespace and returns the next byte without consuming it, or nil at end of input.
    @inline(__always)
    mutating func peek() throws(GeoJSONError) -> UInt8? {
        while true {
            if pos == end {
                guard try refill(keeping: pos) != nil, pos < end else { return nil }
            }
            let c = buffer[pos]
            if c > 0x20 { return c }
            switch c {
            case 0x20, 0x09, 0x0D: pos += 1
            case 0x0A:
                pos += 1
                line += 1
                lineStart = offset(pos)
            default: return c
            }
        }
    }

    /// Skips whitespace and returns the next byte, failing at end of input.
    @inline(__always)
    mutating func peekRequired() throws(GeoJSONError) -> UInt8 {
        guard let c = try peek() else { throw unexpectedEnd() }
        return c
    }

    /// Consumes `expected` after optional whitespace.
    @inline(__always)
    mutating func expect(_ expected: UInt8, _ what: String) throws(GeoJSONError) {
        let c = try peekRequired()
        guard c == expected else { throw error("expected \(what), found \(describeByte(at: pos))") }
        pos += 1
    }

    /// Consumes `,` or the closing bracket after a member or element; returns true on the close.
    @inline(__always)
    mutating func commaOrClose(_ close: UInt8) throws(GeoJSONError) -> Bool {
        let c = try peekRequired()
        pos += 1
        if c == UInt8(ascii: ",") { return false }
        if c == close { return true }
        pos -= 1
        let closeName = close == UInt8(ascii: "]") ? "']'" : "'}'"
        throw error("expected ',' or \(closeName), found \(describeByte(at: pos))")
    }

    @inline(__always)
    mutating func enter() throws(GeoJSONError) {
        depth += 1
        if depth > maxDepth { throw tooDeep() }
    }

    func tooDeep() -> GeoJSONError {
        error("nesting deeper than \(maxDepth) levels")
    }

    @inline(__always) mutating func leave() { depth -= 1 }

    // MARK: Strings

    /// The raw bytes of a string token: `buffer[start ..< end]` between the quotes.
    struct RawString {
        var start: Int
        var end: Int
        var hasEscapes: Bool
        var isASCII: Bool
    }

    /// Scans a string at `pos` (which must be `"`) and leaves `pos` after the closing quote.
    /// With `validate`, invalid UTF-8 is an error here; without, ``decode(_:)`` must follow
    /// (it validates while building the String). The range is valid until the next refill.
    mutating func scanRawString(validate: Bool = true) throws(GeoJSONError) -> RawString {
        var open = pos
        var i = pos + 1
        var hasEscapes = false
        var nonASCII = false
        while true {
            if i >= end {
                guard let shift = try refill(keeping: open) else { throw error("unexpected end of input inside a string: the file is truncated or a quote is missing", at: open) }
                open -= shift
                i -= shift
                if i >= end { throw error("unexpected end of input inside a string: the file is truncated or a quote is missing", at: open) }
                continue
            }
            // Eight bytes at a time while none of them is a quote, a backslash or a control
            // character (SWAR: the classic "has zero byte" bit trick on each condition).
            while i + 8 <= end {
                let w = UnsafeRawPointer(buffer + i).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let q = w ^ (ones &* 0x22)
                let b = w ^ (ones &* 0x5C)
                let stops = (((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- ones &* 0x20) & ~w)) & highs
                if stops != 0 {
                    // The lowest flagged byte is exact (borrows only reach bytes above it):
                    // step straight to it.
                    let before = UInt64(truncatingIfNeeded: stops.trailingZeroBitCount & ~7)
                    if w & highs & ((1 &<< before) &- 1) != 0 { nonASCII = true }
                    i += Int(before >> 3)
                    break
                }
                if w & highs != 0 { nonASCII = true }
                i += 8
            }
            if i >= end { continue }
            let c = buffer[i]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                hasEscapes = true
                i += 2
                continue
            }
            if c < 0x20 {
                throw error("unescaped control character 0x\(String(c, radix: 16)) in a string", at: i)
            }
            if c >= 0x80 { nonASCII = true }
            i += 1
        }
        let raw = RawString(start: open + 1, end: i, hasEscapes: hasEscapes, isASCII: !nonASCII)
        if validate && nonASCII, let bad = firstInvalidUTF8(from: raw.start, to: raw.end) {
            throw error("invalid UTF-8 in a string", at: bad)
        }
        pos = i + 1
        return raw
    }

    /// Index of the first byte of an invalid UTF-8 sequence in `buffer[from ..< to]`, or nil.
    func firstInvalidUTF8(from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            let c = buffer[i]
            if c < 0x80 { i += 1; continue }
            // Two-byte sequences (Cyrillic, Greek, accented Latin) first: most non-ASCII text.
            if c >= 0xC2 && c <= 0xDF && i + 1 < to && buffer[i + 1] & 0xC0 == 0x80 {
                i += 2
                continue
            }
            var need: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch c {
            case 0xC2 ... 0xDF: need = 1
            case 0xE0: need = 2; lower = 0xA0
            case 0xE1 ... 0xEC, 0xEE ... 0xEF: need = 2
            case 0xED: need = 2; upper = 0x9F
            case 0xF0: need = 3; lower = 0x90
            case 0xF1 ... 0xF3: need = 3
            case 0xF4: need = 3; upper = 0x8F
            default: return i
            }
            if i + need >= to { return i }
            let second = buffer[i + 1]
            if second < lower || second > upper { return i }
            var k = 2
            while k <= need {
                let b = buffer[i + k]
                if b < 0x80 || b > 0xBF { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    /// Decodes a scanned string into a Swift `String`, validating its UTF-8.
    mutating func decode(_ raw: RawString) throws(GeoJSONError) -> String {
        if !raw.hasEscapes {
            let count = raw.end - raw.start
            if count <= StringCache.maxLength, let strings {
                let (slot, cached) = strings.lookup(buffer + raw.start, count)
                if let cached { return cached }
                let string = try validString(raw)
                strings.store(string, bytes: buffer + raw.start, count, slot: slot)
                return string
            }
            return try validString(raw)
        }
        if !raw.isASCII, let bad = firstInvalidUTF8(from: raw.start, to: raw.end) {
            throw error("invalid UTF-8 in a string", at: bad)
        }
        try unescape(raw)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// The string of `raw`'s bytes (no escapes), or an error at its first invalid UTF-8 byte.
    ///
    /// `String(decoding:)` validates as it builds, but repairs instead of failing; any repair
    /// changes the bytes (U+FFFD is written as EF BF BD, which no invalid sequence is), so a
    /// string whose bytes are the input's was valid. That comparison is cheaper than a
    /// validation pass of our own before it. (`String(validating:as:)` is generic and cost a
    /// runtime lookup per call.)
    @inline(__always)
    private func validString(_ raw: RawString) throws(GeoJSONError) -> String {
        let count = raw.end - raw.start
        var string = String(decoding: UnsafeBufferPointer(start: buffer + raw.start, count: count), as: UTF8.self)
        if raw.isASCII { return string }
        let same = string.utf8.count == count && string.withUTF8 { memcmp($0.baseAddress!, buffer + raw.start, count) == 0 }
        if !same, let bad = firstInvalidUTF8(from: raw.start, to: raw.end) {
            throw error("invalid UTF-8 in a string", at: bad)
        }
        return string
    }

    /// Decodes the escapes of `raw` into `scratch`.
    mutating func unescape(_ raw: RawString) throws(GeoJSONError) {
        scratch.removeAll(keepingCapacity: true)
        var i = raw.start
        while i < raw.end {
            let c = buffer[i]
            if c != UInt8(ascii: "\\") {
                scratch.append(c)
                i += 1
                continue
            }
            let e = buffer[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i, limit: raw.end)
                i += 4
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard i + 6 <= raw.end, buffer[i] == UInt8(ascii: "\\"), buffer[i + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true)) in a string", at: i - 6)
                    }
                    let low = try hex4(at: i + 2, limit: raw.end)
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw error("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true)) in a string", at: i - 6)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw error("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true)) in a string", at: i - 6)
                }
                appendUTF8(scalar)
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: i - 2)
            }
        }
    }

    private func hex4(at i: Int, limit: Int) throws(GeoJSONError) -> UInt32 {
        guard i + 4 <= limit else { throw error("incomplete \\u escape in a string", at: i - 2) }
        var value: UInt32 = 0
        for k in 0 ..< 4 {
            let c = buffer[i + k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = UInt32(c - 48)
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = UInt32(c - 87)
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = UInt32(c - 55)
            default: throw error("invalid \\u escape in a string", at: i - 2)
            }
            value = value << 4 | digit
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0 ..< 0x80: scratch.append(UInt8(scalar))
        case 0x80 ..< 0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800 ..< 0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Scans a string and decodes it.
    mutating func scanString() throws(GeoJSONError) -> String {
        let c = try peekRequired()
        guard c == UInt8(ascii: "\"") else { throw error("expected a string, found \(describeByte(at: pos))") }
        let raw = try scanRawString(validate: false)
        return try decode(raw)
    }

    /// Whether a scanned string without escapes equals `literal` (ASCII).
    @inline(__always)
    func rawEquals(_ raw: RawString, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard raw.end - raw.start == n else { return false }
        let a = buffer + raw.start, b = literal.utf8Start
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    // MARK: Numbers

    /// A parsed JSON number: its Double value, and its exact value when it was written as an
    /// integer that fits in 64 bits.
    struct Number {
        var value: Double
        var integer: Int64?
    }

    /// Parses a JSON number at `pos` (RFC 8259 grammar: no leading zeros, no `+`, no bare `.`).
    ///
    /// Up to 19 significant digits convert exactly without the C library: an integer times
    /// 10^0...10^22 by one multiplication (Clinger's fast path), anything else by Eisel–Lemire
    /// (``EiselLemire``); longer numbers, and the rare ones Eisel–Lemire cannot decide, go to
    /// `strtod`. All round to nearest, ties to even. Overflow to infinity is an error.
    @inline(__always)
    mutating func scanNumber() throws(GeoJSONError) -> Number {
        while true {
            if let n = try scanNumberInBuffer() { return n }
            // The number reached the end of the buffer: fetch more and start it again.
            guard let shift = try refill(keeping: pos) else {
                // At end of input: parse what there is.
                atEOF = true
                if let n = try scanNumberInBuffer(allowEnd: true) { return n }
                throw unexpectedEnd()
            }
            _ = shift
        }
    }

    /// Parses the number at `pos`; nil when it runs to the end of the buffer before the input ends.
    ///
    /// Two passes over the short token: first find the digit runs (tight loops), then, when
    /// there are at most 19 digits, accumulate them without overflow checks.
    @inline(__always)
    private mutating func scanNumberInBuffer(allowEnd: Bool = false) throws(GeoJSONError) -> Number? {
        let start = pos
        var i = pos
        let stop = end
        let complete = atEOF || allowEnd
        let negative = i < stop && buffer[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        // One pass: find the digit runs and accumulate them (wrapping past 19 digits, which
        // the count check below sends to strtod).
        var mantissa: UInt64 = 0
        let intStart = i
        accumulateDigits(at: &i, stop: stop, into: &mantissa)
        let intEnd = i
        if intEnd == intStart {
            if i == stop && !complete { return nil }
            throw error("invalid number", at: start)
        }
        if buffer[intStart] == UInt8(ascii: "0") && intEnd - intStart > 1 {
            throw error("numbers must not have leading zeros", at: start)
        }
        var fracStart = i, fracEnd = i
        if i < stop && buffer[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            accumulateDigits(at: &i, stop: stop, into: &mantissa)
            fracEnd = i
            if fracEnd == fracStart {
                if i == stop && !complete { return nil }
                throw error("a number's '.' must be followed by digits", at: start)
            }
        }
        var exponent = 0
        var hasExponent = false
        if i < stop && (buffer[i] | 0x20) == UInt8(ascii: "e") {
            hasExponent = true
            i += 1
            var expNegative = false
            if i < stop && (buffer[i] == UInt8(ascii: "-") || buffer[i] == UInt8(ascii: "+")) {
                expNegative = buffer[i] == UInt8(ascii: "-")
                i += 1
            }
            let expStart = i
            while i < stop {
                let d = buffer[i] &- 48
                if d >= 10 { break }
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                i += 1
            }
            if i == expStart {
                if i == stop && !complete { return nil }
                throw error("a number's exponent must have digits", at: start)
            }
            if expNegative { exponent = -exponent }
        }
        if i == stop && !complete { return nil }
        if i < stop {
            // A number must end at a delimiter: catch `1.5x`, `12abc`, `1.2.3`.
            let next = buffer[i]
            if (next | 0x20) >= UInt8(ascii: "a") && (next | 0x20) <= UInt8(ascii: "z") || next == UInt8(ascii: ".") {
                throw error("invalid number", at: start)
            }
        }
        pos = i

        let intDigits = intEnd - intStart, fracDigits = fracEnd - fracStart
        guard intDigits + fracDigits <= 19 else {
            // Long numbers: the C library rounds them correctly.
            let value = slowParse(start, i, negative: negative)
            if !value.isFinite {
                let text = String(decoding: UnsafeBufferPointer(start: buffer + start, count: i - start), as: UTF8.self)
                throw error("number \(text) is out of the range of a 64-bit float", at: start)
            }
            return Number(value: value, integer: nil)
        }
        exponent -= fracDigits

        var integer: Int64?
        if fracDigits == 0 && !hasExponent {
            if negative {
                if mantissa == UInt64(Int64.max) + 1 { integer = Int64.min } else if mantissa <= UInt64(Int64.max) { integer = -Int64(mantissa) }
            } else if mantissa <= UInt64(Int64.max) {
                integer = Int64(mantissa)
            }
        }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if mantissa <= (1 << 53) && exponent >= 0 && exponent <= 22 {
            // Clinger's fast path: both operands exact, so one rounding, correctly rounded.
            value = Double(mantissa) * JSONText.powersOfTenTable(exponent)
        } else if mantissa <= (1 << 53) && exponent < 0 && exponent >= -22 {
            // The same for a fraction of up to 15 digits (every coordinate): one division of
            // two exact values, correctly rounded, as fast_float does before Eisel–Lemire.
            value = Double(mantissa) / JSONText.powersOfTenTable(-exponent)
        } else if let converted = EiselLemire.double(mantissa, exponent), converted.isFinite {
            // Fractions and large exponents: multiplications by a 128-bit power of five, no
            // division; exact whenever it answers (else strtod, below).
            value = converted
        } else {
            value = slowParse(start, i, negative: negative)
            if !value.isFinite {
                let text = String(decoding: UnsafeBufferPointer(start: buffer + start, count: i - start), as: UTF8.self)
                throw error("number \(text) is out of the range of a 64-bit float", at: start)
            }
            return Number(value: value, integer: integer)
        }
        if negative { value = -value }
        return Number(value: value, integer: integer)
    }

    /// Appends the digit run at `i` to `mantissa` (wrapping past 19 digits, which the caller
    /// sends to strtod) and leaves `i` after it: up to eight digits a step while eight bytes
    /// are in the buffer (a coordinate's fraction usually has 6 to 8), then byte by byte.
    @inline(__always)
    private func accumulateDigits(at i: inout Int, stop: Int, into mantissa: inout UInt64) {
        while i + 8 <= stop {
            let word = UnsafeRawPointer(buffer + i).loadUnaligned(as: UInt64.self)
            let n = Self.leadingDigitCount(word)
            if n == 0 { break }
            mantissa = mantissa &* Self.powerOfTen(n) &+ Self.leadingDigits(word, count: n)
            i += n
            if n < 8 { break }
        }
        while i < stop {
            let d = buffer[i] &- 48
            if d >= 10 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
    }

    /// How many of the eight bytes of `word` (read little-endian, first byte lowest) are ASCII
    /// digits before the first byte that is not (0...8).
    @inline(__always)
    static func leadingDigitCount(_ word: UInt64) -> Int {
        let w = UInt64(littleEndian: word)
        // Each digit byte becomes 0x33 (its high nibble, and the high nibble of itself + 6);
        // a carry out of a byte ≥ 0xFA only disturbs the bytes after that non-digit.
        let nibbles = (w & 0xF0F0_F0F0_F0F0_F0F0) | (((w &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)
        let x = nibbles ^ 0x3333_3333_3333_3333
        // The high bit of every byte of x that is not zero, exactly (no carry between bytes).
        let nonDigits = (((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
        return nonDigits.trailingZeroBitCount >> 3
    }

    /// The value of the first `count` (1...8) bytes of `word`, all ASCII digits: the digits
    /// are moved to the top and the bytes below filled with '0', then read as eight.
    @inline(__always)
    static func leadingDigits(_ word: UInt64, count: Int) -> UInt64 {
        let shift = UInt64(truncatingIfNeeded: 64 - 8 * count)
        let zeros: UInt64 = 0x3030_3030_3030_3030 & ((1 &<< shift) &- 1)
        return eightDigits(UInt64(littleEndian: (UInt64(littleEndian: word) &<< shift) | zeros))
    }

    /// 10^n for 0 ≤ n ≤ 8: a table read, not a jump per digit count.
    @inline(__always)
    static func powerOfTen(_ n: Int) -> UInt64 {
        smallPowersOfTen[n & 15]
    }

    private static let smallPowersOfTen: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000,
                                                      0, 0, 0, 0, 0, 0, 0]

    /// The value of eight ASCII digits read little-endian into `word` (the first digit in the
    /// lowest byte): three multiplies instead of eight steps.
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64 {
        var v = UInt64(littleEndian: word) &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)  // pairs of digits in alternate bytes
        let low = (v & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32))
        let high = ((v >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32))
        return ((low &+ high) >> 32) & 0xFFFF_FFFF
    }

    private func badNumber(_ start: Int, _ i: Int) throws(GeoJSONError) -> Number? {
        throw error("invalid number", at: start)
    }

    /// Correctly rounded conversion by the C library for the rare long or extreme numbers.
    private func slowParse(_ start: Int, _ stop: Int, negative: Bool) -> Double {
        let count = stop - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { tmp in
            for k in 0 ..< count { tmp[k] = CChar(bitPattern: buffer[start + k]) }
            tmp[count] = 0
            return strtod(tmp.baseAddress!, nil)
        }
    }

    // MARK: Literals and generic values

    /// Consumes `true`, `false` or `null` at `pos`.
    mutating func scanLiteral() throws(GeoJSONError) -> JSONValue {
        let c = buffer[pos]
        let word: StaticString
        let value: JSONValue
        switch c {
        case UInt8(ascii: "t"): word = "true"; value = .bool(true)
        case UInt8(ascii: "f"): word = "false"; value = .bool(false)
        default: word = "null"; value = .null
        }
        let n = word.utf8CodeUnitCount
        while end - pos < n + 1 && !atEOF {
            guard try refill(keeping: pos) != nil else { break }
        }
        guard end - pos >= n, memcmp(buffer + pos, word.utf8Start, n) == 0 else {
            throw error("invalid literal; expected \(word)")
        }
        if end - pos > n {
            let next = buffer[pos + n]
            if (next | 0x20) >= UInt8(ascii: "a") && (next | 0x20) <= UInt8(ascii: "z") || next &- 48 < 10 {
                throw error("invalid literal; expected \(word)")
            }
        }
        pos += n
        return value
    }

    /// The error for a byte that cannot start a value, with a hint for NaN and Infinity.
    func unexpectedValueStart() -> GeoJSONError {
        let c = buffer[pos]
        if c == UInt8(ascii: "N") || c == UInt8(ascii: "I") || (c == UInt8(ascii: "-") && pos + 1 < end && buffer[pos + 1] == UInt8(ascii: "I")) {
            return error("NaN and Infinity are not JSON numbers; coordinates and values must be finite")
        }
        if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
            return error("expected a value, found \(describeByte(at: pos)) (a trailing comma?)")
        }
        return error("expected a value, found \(describeByte(at: pos))")
    }

    /// Parses any JSON value into a ``JSONValue``.
    mutating func parseValue() throws(GeoJSONError) -> JSONValue {
        let c = try peekRequired()
        switch c {
        case UInt8(ascii: "\""):
            return .string(try decode(try scanRawString(validate: false)))
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            if c == UInt8(ascii: "-"), pos + 1 < end, buffer[pos + 1] == UInt8(ascii: "I") { throw unexpectedValueStart() }
            let n = try scanNumber()
            if let i = n.integer { return .integer(i) }
            return .number(n.value)
        case UInt8(ascii: "{"):
            return .object(try parseObject())
        case UInt8(ascii: "["):
            pos += 1
            try enter()
            var items: [JSONValue] = []
            if try peekRequired() == UInt8(ascii: "]") {
                pos += 1
            } else {
                repeat {
                    items.append(try parseValue())
                } while try !commaOrClose(UInt8(ascii: "]"))
            }
            leave()
            return .array(items)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return try scanLiteral()
        default:
            throw unexpectedValueStart()
        }
    }

    /// Parses an object at `pos` (`{`), rejecting repeated member names.
    mutating func parseObject() throws(GeoJSONError) -> JSONObject {
        pos += 1
        try enter()
        var members: [JSONObject.Member] = []
        members.reserveCapacity(8)
        var names: Set<String>?
        // Up to 64 members (a wide 311 export has 30-odd), duplicates are found by a linear
        // scan of 64-bit signatures of the names, strings compared only when two match;
        // larger objects switch to a set, so a hostile object stays linear.
        let base = nameSignatures.count
        defer { nameSignatures.removeSubrange(base...) }
        if try peekRequired() == UInt8(ascii: "}") {
            pos += 1
        } else {
            repeat {
                let keyLocation = location(pos)
                guard try peekRequired() == UInt8(ascii: "\"") else { throw error("expected a string, found \(describeByte(at: pos))") }
                let raw = try scanRawString(validate: false)
                let key = try decode(raw)
                // The signature of the bytes read, while they are still in the buffer.
                let signature = raw.hasEscapes ? Self.signature(of: key) : StringCache.hash(buffer + raw.start, raw.end - raw.start)
                try expect(UInt8(ascii: ":"), "':' after a member name")
                let value = try parseValue()
                if members.count < 64 {
                    for k in 0 ..< members.count where nameSignatures[base + k] == signature && members[k].key == key {
                        throw error("duplicate member name \"\(key)\"", at: keyLocation)
                    }
                    nameSignatures.append(signature)
                    if members.count == 63 { names = Set(members.map(\.key)); names!.insert(key) }
                } else if names!.insert(key).inserted == false {
                    throw error("duplicate member name \"\(key)\"", at: keyLocation)
                }
                members.append(JSONObject.Member(key: key, value: value))
            } while try !commaOrClose(UInt8(ascii: "}"))
        }
        leave()
        return JSONObject(members: members)
    }

    /// The signature of a member name: the hash of its UTF-8 bytes (``StringCache/hash(_:_:)``),
    /// so equal names have equal signatures. Equal signatures only lead to comparing the
    /// names, so collisions cost time, never answers.
    private static func signature(of key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { StringCache.hash($0.baseAddress!, $0.count) }
    }

    /// Validates and skips any value without building it (foreign members, `bbox`).
    mutating func skipValue() throws(GeoJSONError) {
        let c = try peekRequired()
        switch c {
        case UInt8(ascii: "\""):
            _ = try scanRawString()
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            if c == UInt8(ascii: "-"), pos + 1 < end, buffer[pos + 1] == UInt8(ascii: "I") { throw unexpectedValueStart() }
            _ = try scanNumber()
        case UInt8(ascii: "{"):
            pos += 1
            try enter()
            if try peekRequired() == UInt8(ascii: "}") {
                pos += 1
            } else {
                repeat {
                    guard try peekRequired() == UInt8(ascii: "\"") else { throw error("expected a member name, found \(describeByte(at: pos))") }
                    _ = try scanRawString()
                    try expect(UInt8(ascii: ":"), "':' after a member name")
                    try skipValue()
                } while try !commaOrClose(UInt8(ascii: "}"))
            }
            leave()
        case UInt8(ascii: "["):
            pos += 1
            try enter()
            if try peekRequired() == UInt8(ascii: "]") {
                pos += 1
            } else {
                repeat { try skipValue() } while try !commaOrClose(UInt8(ascii: "]"))
            }
            leave()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            _ = try scanLiteral()
        default:
            throw unexpectedValueStart()
        }
    }
}

extension JSONText {
    /// 10^p for 0 ≤ p ≤ 22, each exactly representable.
    @inline(__always)
    static func powersOfTenTable(_ p: Int) -> Double {
        switch p {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }
}
