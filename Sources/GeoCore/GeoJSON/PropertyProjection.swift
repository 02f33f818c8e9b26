#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading only some of each feature's properties: the rest are validated exactly as a full
/// read validates them (the same errors, in the same order, at the same places) but never
/// become `JSONValue`s or `String`s. Optionally every property is re-encoded, as it is read,
/// into the compact JSON ``JSONText/appendObject(_:to:)`` would write for the full object, so a
/// caller that copies properties through (GeoJSON batch output) needs no `JSONObject` either.
///
/// Set on a reader with ``GeoJSONReader/projectProperties(keeping:encodingAll:)``.
public struct PropertyProjection {
    /// UTF-8 bytes of the member names kept as values.
    let kept: [[UInt8]]
    /// The same names as strings, for the rare key that is not byte-equal but may be
    /// canonically equivalent (Swift `String` equality, which `JSONObject`'s lookup uses).
    let keptStrings: [String]
    /// Whether every property is re-encoded into ``encoded``.
    let encodesAll: Bool
    /// Member names starting with these bytes are flagged in ``lastHadFlaggedName``.
    let flaggedPrefix: [UInt8]
    /// Whether the last properties object had a member whose name starts with ``flaggedPrefix``.
    var lastHadFlaggedName = false
    /// Compact JSON of the properties of the features read since the last ``takeEncoded()``.
    var encoded: [UInt8] = []
    /// The last properties object's range in ``encoded``, set when a feature's properties are read.
    var lastRange: Range<Int>?
    /// Member names of the object being read (reused from feature to feature).
    var names = MemberNames()

    init(keeping names: [String], encodesAll: Bool, flaggingPrefix: String) {
        kept = names.map { Array($0.utf8) }
        keptStrings = names
        self.encodesAll = encodesAll
        flaggedPrefix = Array(flaggingPrefix.utf8)
    }

    /// Whether the member name just read starts with ``flaggedPrefix``.
    func lastNameIsFlagged() -> Bool {
        let key = names.lastRange
        guard !flaggedPrefix.isEmpty, key.count >= flaggedPrefix.count else { return false }
        return names.bytes.withUnsafeBufferPointer { all in
            flaggedPrefix.withUnsafeBufferPointer { memcmp(all.baseAddress! + key.lowerBound, $0.baseAddress!, $0.count) == 0 }
        }
    }

    /// Whether the member name just read (the last in ``names``) is one of the kept names;
    /// only the first member matching a name is kept, as `JSONObject`'s lookup finds the first.
    func keepsLastName(isASCII: Bool, keptSoFar: [JSONObject.Member]) -> Bool {
        let key = names.lastRange
        return names.bytes.withUnsafeBufferPointer { all in
            for k in kept.indices {
                let equal = kept[k].count == key.count
                    && kept[k].withUnsafeBufferPointer { memcmp($0.baseAddress!, all.baseAddress! + key.lowerBound, key.count) == 0 }
                if equal || (!isASCII && keptStrings[k] == names.lastName) {
                    return !keptSoFar.contains { $0.key == keptStrings[k] }
                }
            }
            return false
        }
    }
}

/// The member names of one object, as decoded bytes, with the duplicate check of
/// ``JSONScanner/parseObject()``.
struct MemberNames {
    private(set) var bytes: [UInt8] = []
    private var starts: [Int] = []
    private var set: Set<String>?

    var count: Int { starts.count }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        set = nil
    }

    /// Appends a name's decoded bytes; ``lastName`` then reads them.
    mutating func append(_ name: UnsafeBufferPointer<UInt8>) {
        starts.append(bytes.count)
        bytes.append(contentsOf: name)
    }

    private func range(_ k: Int) -> Range<Int> {
        starts[k] ..< (k + 1 < starts.count ? starts[k + 1] : bytes.count)
    }

    func name(_ k: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range(k)]), as: UTF8.self) }
    }

    var lastName: String { name(count - 1) }

    /// The last name's bytes in ``bytes``.
    var lastRange: Range<Int> { range(count - 1) }

    /// Whether the last name appended repeats an earlier one (checked after its value was
    /// read, as ``JSONScanner/parseObject()`` does): bytes compared with each earlier name up
    /// to 64 members, a `Set<String>` (canonical equivalence) beyond, as there.
    mutating func lastIsDuplicate() -> Bool {
        let k = count - 1
        if k < 64 {
            let last = range(k)
            let repeated = bytes.withUnsafeBufferPointer { all in
                for j in 0 ..< k {
                    let other = range(j)
                    if other.count == last.count
                        && memcmp(all.baseAddress! + other.lowerBound, all.baseAddress! + last.lowerBound, last.count) == 0 { return true }
                }
                return false
            }
            if !repeated && k == 63 { set = Set((0 ... k).map(name)) }
            return repeated
        }
        return set!.insert(name(k)).inserted == false
    }
}

extension JSONScanner {
    /// Reads a properties object at `pos` (`{`) like ``parseObject()``, with the same errors,
    /// but returns only the members `projection` keeps; with ``PropertyProjection/encodesAll``
    /// the whole object is appended to its ``PropertyProjection/encoded`` as compact JSON.
    mutating func parseObject(projecting projection: inout PropertyProjection) throws(GeoJSONError) -> JSONObject {
        let encodes = projection.encodesAll
        let start = projection.encoded.count
        var members: [JSONObject.Member] = []
        projection.names.reset()
        projection.lastHadFlaggedName = false
        pos += 1
        try enter()
        if encodes { projection.encoded.append(UInt8(ascii: "{")) }
        if try peekRequired() == UInt8(ascii: "}") {
            pos += 1
        } else {
            var first = true
            repeat {
                let keyLocation = location(pos)
                let isASCII = try scanKey(into: &projection.names)
                try expect(UInt8(ascii: ":"), "':' after a member name")
                if encodes {
                    if !first { projection.encoded.append(UInt8(ascii: ",")) }
                    let key = projection.names.lastRange
                    projection.names.bytes.withUnsafeBufferPointer { Self.appendQuoted(UnsafeBufferPointer(rebasing: $0[key]), to: &projection.encoded) }
                    projection.encoded.append(UInt8(ascii: ":"))
                }
                first = false
                if projection.lastNameIsFlagged() { projection.lastHadFlaggedName = true }
                if projection.keepsLastName(isASCII: isASCII, keptSoFar: members) {
                    let value = try parseValue()
                    if encodes { JSONText.append(value, to: &projection.encoded) }
                    if projection.names.lastIsDuplicate() {
                        throw error("duplicate member name \"\(projection.names.lastName)\"", at: keyLocation)
                    }
                    members.append(JSONObject.Member(key: projection.names.lastName, value: value))
                } else {
                    try validateValue(encodes: encodes, into: &projection.encoded)
                    if projection.names.lastIsDuplicate() {
                        throw error("duplicate member name \"\(projection.names.lastName)\"", at: keyLocation)
                    }
                }
            } while try !commaOrClose(UInt8(ascii: "}"))
        }
        leave()
        if encodes { projection.encoded.append(UInt8(ascii: "}")) }
        projection.lastRange = start ..< projection.encoded.count
        return JSONObject(members: members)
    }

    /// Validates an object nested in a skipped value as ``parseObject()`` would; with
    /// `encodes`, appends it to `out` as ``JSONText`` would write it.
    private mutating func validateObject(encodes: Bool, into out: inout [UInt8]) throws(GeoJSONError) {
        var names = MemberNames()
        pos += 1
        try enter()
        if encodes { out.append(UInt8(ascii: "{")) }
        if try peekRequired() == UInt8(ascii: "}") {
            pos += 1
        } else {
            var first = true
            repeat {
                let keyLocation = location(pos)
                _ = try scanKey(into: &names)
                try expect(UInt8(ascii: ":"), "':' after a member name")
                if encodes {
                    if !first { out.append(UInt8(ascii: ",")) }
                    let key = names.lastRange
                    names.bytes.withUnsafeBufferPointer { Self.appendQuoted(UnsafeBufferPointer(rebasing: $0[key]), to: &out) }
                    out.append(UInt8(ascii: ":"))
                }
                first = false
                try validateValue(encodes: encodes, into: &out)
                if names.lastIsDuplicate() {
                    throw error("duplicate member name \"\(names.lastName)\"", at: keyLocation)
                }
            } while try !commaOrClose(UInt8(ascii: "}"))
        }
        leave()
        if encodes { out.append(UInt8(ascii: "}")) }
    }

    /// Scans a member name as ``scanString()`` does (same errors) and appends its decoded
    /// bytes to `names`; returns whether it is ASCII.
    mutating func scanKey(into names: inout MemberNames) throws(GeoJSONError) -> Bool {
        let c = try peekRequired()
        guard c == UInt8(ascii: "\"") else { throw error("expected a string, found \(describeByte(at: pos))") }
        let raw = try scanRawString(validate: false)
        if !raw.isASCII, let bad = firstInvalidUTF8(from: raw.start, to: raw.end) {
            throw error("invalid UTF-8 in a string", at: bad)
        }
        if raw.hasEscapes {
            try unescape(raw)
            scratch.withUnsafeBufferPointer { names.append($0) }
            return !scratch.contains { $0 >= 0x80 }
        }
        names.append(UnsafeBufferPointer(start: buffer + raw.start, count: raw.end - raw.start))
        return raw.isASCII
    }

    /// Validates and skips the value at `pos` with exactly the checks ``parseValue()`` makes
    /// (UTF-8 and escapes in strings, repeated names in objects, depth, numbers); with
    /// `encodes`, appends it to `out` as ``JSONText/append(_:to:)`` would write the parsed value.
    mutating func validateValue(encodes: Bool, into out: inout [UInt8]) throws(GeoJSONError) {
        let c = try peekRequired()
        switch c {
        case UInt8(ascii: "\""):
            let raw = try scanRawString(validate: false)
            if !raw.isASCII, let bad = firstInvalidUTF8(from: raw.start, to: raw.end) {
                throw error("invalid UTF-8 in a string", at: bad)
            }
            if raw.hasEscapes {
                try unescape(raw)
                if encodes { scratch.withUnsafeBufferPointer { Self.appendQuoted($0, to: &out) } }
            } else if encodes {
                // No escapes: no quote, backslash or control character, so the bytes are the text.
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: UnsafeBufferPointer(start: buffer + raw.start, count: raw.end - raw.start))
                out.append(UInt8(ascii: "\""))
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            if c == UInt8(ascii: "-"), pos + 1 < end, buffer[pos + 1] == UInt8(ascii: "I") { throw unexpectedValueStart() }
            let n = try scanNumber()
            if encodes {
                if let i = n.integer { JSONText.appendInteger(i, to: &out) } else { JSONText.append(.number(n.value), to: &out) }
            }
        case UInt8(ascii: "{"):
            try validateObject(encodes: encodes, into: &out)
        case UInt8(ascii: "["):
            pos += 1
            try enter()
            if encodes { out.append(UInt8(ascii: "[")) }
            if try peekRequired() == UInt8(ascii: "]") {
                pos += 1
            } else {
                var first = true
                repeat {
                    if encodes && !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    try validateValue(encodes: encodes, into: &out)
                } while try !commaOrClose(UInt8(ascii: "]"))
            }
            leave()
            if encodes { out.append(UInt8(ascii: "]")) }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let literal = try scanLiteral()
            if encodes { JSONText.append(literal, to: &out) }
        default:
            throw unexpectedValueStart()
        }
    }

    /// A string's UTF-8 bytes as ``JSONText/appendString(_:to:)`` writes them.
    static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var plain = true
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { plain = false; break }
        if plain {
            out.append(contentsOf: bytes)
        } else {
            JSONText.appendEscaped(bytes, to: &out)
        }
        out.append(UInt8(ascii: "\""))
    }
}
