#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A feature's properties as the reader recorded them, without a `JSONValue` or `String` per
/// member: the whole object as the compact JSON ``JSONText/appendObject(_:to:)`` writes for
/// it (strings without escapes copied straight from the source bytes), and for each member its
/// name, its kind, where its value's JSON text is, a string's decoded text and a number's value.
///
/// Set on a reader with ``GeoJSONReader/recordProperties(keeping:)``: an importer that stores
/// the JSON text and binds typed columns needs nothing else. The members are validated exactly
/// as a full read validates them (the same errors at the same places).
public struct RecordedProperties {
    /// What a member's value is.
    public enum Kind: UInt8, Sendable {
        case null, bool, integer, number, string, array, object
    }

    /// One member of the object, in file order.
    public struct Member {
        public var kind: Kind
        /// The name's decoded UTF-8 bytes, in ``names``.
        public var name: Range<Int>
        /// Whether the name is ASCII (bytes compare as `String`s do).
        public var nameIsASCII: Bool
        /// The value as compact JSON (its ``JSONValue/compactText``), in ``json``.
        public var json: Range<Int> = 0 ..< 0
        /// A string's decoded UTF-8: inside its quotes in ``json`` when it needed no escape,
        /// else in ``unescaped`` (see ``textIsUnescaped``).
        public var text: Range<Int> = 0 ..< 0
        public var textIsUnescaped = false
        /// An integer's value, or a boolean's as 1 or 0.
        public var integer: Int64 = 0
        /// A non-integer number's value.
        public var number: Double = 0
    }

    /// Whether the feature had a properties object (false for `null` or none, which is `{}`).
    public internal(set) var present = false
    /// The object as compact JSON, `{` to `}`, when ``present``.
    public internal(set) var json: [UInt8] = []
    /// The members' decoded names, one after another.
    public internal(set) var names: [UInt8] = []
    /// The decoded text of strings that had escapes.
    public internal(set) var unescaped: [UInt8] = []
    public internal(set) var members: [Member] = []

    /// Forgets the last feature's properties, keeping the buffers.
    mutating func reset() {
        present = false
        json.removeAll(keepingCapacity: true)
        unescaped.removeAll(keepingCapacity: true)
        members.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with the UTF-8 bytes of a string member's decoded text.
    @inlinable
    public func withText<T>(of member: Member, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let buffer = member.textIsUnescaped ? unescaped : json
        return try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[member.text])) }
    }

    /// Calls `body` with the bytes of a member's value as compact JSON.
    @inlinable
    public func withJSON<T>(of member: Member, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try json.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[member.json])) }
    }

    /// Calls `body` with the bytes of a member's decoded name.
    @inlinable
    public func withName<T>(of member: Member, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try names.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[member.name])) }
    }

    /// Whether a member's name is exactly these UTF-8 bytes.
    public func name(of member: Member, is utf8: [UInt8]) -> Bool {
        guard member.name.count == utf8.count else { return false }
        guard !utf8.isEmpty else { return true }
        return names.withUnsafeBytes { all in
            utf8.withUnsafeBytes { memcmp(all.baseAddress! + member.name.lowerBound, $0.baseAddress!, utf8.count) == 0 }
        }
    }

    /// A member's name as a `String`.
    public func name(of member: Member) -> String {
        withName(of: member) { String(decoding: $0, as: UTF8.self) }
    }

    /// The same record in buffers of its own, of exactly its size: to keep after the reader
    /// has moved on. The reader's own buffers stay unshared, so the next feature refills them
    /// in place instead of allocating new ones of their full capacity.
    public func copied() -> RecordedProperties {
        var copy = RecordedProperties()
        copy.present = present
        copy.json = json.withUnsafeBufferPointer { Array($0) }
        copy.names = names.withUnsafeBufferPointer { Array($0) }
        copy.unescaped = unescaped.withUnsafeBufferPointer { Array($0) }
        copy.members = members.withUnsafeBufferPointer { Array($0) }
        return copy
    }
}

/// The reader's state for ``RecordedProperties``: the members kept as values (a projection
/// that encodes nothing itself) and the record of the last properties object.
struct PropertyRecorder {
    var projection: PropertyProjection
    var recorded = RecordedProperties()
    /// The previous object's names and where each one is, and whether the names read so
    /// far repeat them one for one.
    var previousNames: [UInt8] = []
    var previousRanges: [Range<Int>] = []
    var samePrefix = false

    init(keeping names: [String]) {
        projection = PropertyProjection(keeping: names, encodesAll: false, flaggingPrefix: "")
    }

    /// Starts a new object: the last one's names become the previous ones.
    mutating func startObject() {
        swap(&previousNames, &recorded.names)
        recorded.names = []  // so that the names' buffer is not shared while it is refilled
        samePrefix = true
        projection.names.reset()
    }

    /// Ends an object read without error: its names are in ``RecordedProperties/names``,
    /// where they stay (a feature without properties changes neither) until the next object.
    mutating func finishObject() {
        recorded.names = projection.names.bytes
        previousRanges.removeAll(keepingCapacity: true)
        for member in recorded.members { previousRanges.append(member.name) }
    }

    /// ``MemberNames/lastIsDuplicate()``'s answer. Most features repeat the previous one's
    /// names in order, and those were found distinct byte for byte (as MemberNames compares
    /// the first 64): while every name so far equals the previous object's at the same place,
    /// a name equal to its counterpart cannot repeat an earlier one. Anything else, and from
    /// the 64th member on, is MemberNames' own check (a wide file's 30 names made it 4% of its import).
    mutating func lastIsDuplicate() -> Bool {
        let k = projection.names.count - 1
        if samePrefix && k < 63 && k < previousRanges.count {
            let last = projection.names.lastRange, other = previousRanges[k]
            if last.count == other.count
                && projection.names.bytes[last].elementsEqual(previousNames[other]) { return false }
        }
        samePrefix = false
        return projection.names.lastIsDuplicate()
    }
}

extension JSONScanner {
    /// Reads a properties object at `pos` (`{`) like ``parseObject()``, with the same errors,
    /// into `recorder`'s ``RecordedProperties``; returns only the members its projection keeps.
    mutating func parseObject(recording recorder: inout PropertyRecorder) throws(GeoJSONError) -> JSONObject {
        var members: [JSONObject.Member] = []
        recorder.startObject()
        recorder.recorded.reset()
        recorder.recorded.present = true
        pos += 1
        try enter()
        recorder.recorded.json.append(UInt8(ascii: "{"))
        if try peekRequired() == UInt8(ascii: "}") {
            pos += 1
        } else {
            var first = true
            repeat {
                let keyLocation = location(pos)
                let isASCII = try scanKey(into: &recorder.projection.names)
                try expect(UInt8(ascii: ":"), "':' after a member name")
                if !first { recorder.recorded.json.append(UInt8(ascii: ",")) }
                first = false
                let key = recorder.projection.names.lastRange
                recorder.projection.names.bytes.withUnsafeBufferPointer {
                    Self.appendQuoted(UnsafeBufferPointer(rebasing: $0[key]), to: &recorder.recorded.json)
                }
                recorder.recorded.json.append(UInt8(ascii: ":"))
                var member = RecordedProperties.Member(kind: .null, name: key, nameIsASCII: isASCII)
                let start = recorder.recorded.json.count
                if !recorder.projection.kept.isEmpty && recorder.projection.keepsLastName(isASCII: isASCII, keptSoFar: members) {
                    let value = try parseValue()
                    JSONText.append(value, to: &recorder.recorded.json)
                    if recorder.lastIsDuplicate() {
                        throw error("duplicate member name \"\(recorder.projection.names.lastName)\"", at: keyLocation)
                    }
                    Self.describe(value, from: start, as: &member, in: &recorder.recorded)
                    members.append(JSONObject.Member(key: recorder.projection.names.lastName, value: value))
                } else {
                    try recordValue(&member, in: &recorder.recorded)
                    if recorder.lastIsDuplicate() {
                        throw error("duplicate member name \"\(recorder.projection.names.lastName)\"", at: keyLocation)
                    }
                }
                member.json = start ..< recorder.recorded.json.count
                recorder.recorded.members.append(member)
            } while try !commaOrClose(UInt8(ascii: "}"))
        }
        leave()
        recorder.recorded.json.append(UInt8(ascii: "}"))
        recorder.finishObject()
        return JSONObject(members: members)
    }

    /// Validates the value at `pos` exactly as ``parseValue()`` would, appends it to the
    /// record's JSON as ``JSONText`` writes it, and describes it in `member`.
    private mutating func recordValue(_ member: inout RecordedProperties.Member, in recorded: inout RecordedProperties) throws(GeoJSONError) {
        let c = try peekRequired()
        switch c {
        case UInt8(ascii: "\""):
            let raw = try scanRawString(validate: false)
            if !raw.isASCII, let bad = firstInvalidUTF8(from: raw.start, to: raw.end) {
                throw error("invalid UTF-8 in a string", at: bad)
            }
            member.kind = .string
            if raw.hasEscapes {
                try unescape(raw)
                scratch.withUnsafeBufferPointer { Self.appendQuoted($0, to: &recorded.json) }
                let from = recorded.unescaped.count
                recorded.unescaped.append(contentsOf: scratch)
                member.text = from ..< recorded.unescaped.count
                member.textIsUnescaped = true
            } else {
                // No escapes: no quote, backslash or control character, so the bytes are the text.
                recorded.json.append(UInt8(ascii: "\""))
                let from = recorded.json.count
                recorded.json.append(contentsOf: UnsafeBufferPointer(start: buffer + raw.start, count: raw.end - raw.start))
                member.text = from ..< recorded.json.count
                recorded.json.append(UInt8(ascii: "\""))
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"):
            if c == UInt8(ascii: "-"), pos + 1 < end, buffer[pos + 1] == UInt8(ascii: "I") { throw unexpectedValueStart() }
            let n = try scanNumber()
            if let i = n.integer {
                member.kind = .integer
                member.integer = i
                JSONText.appendInteger(i, to: &recorded.json)
            } else {
                member.kind = .number
                member.number = n.value
                JSONText.append(.number(n.value), to: &recorded.json)
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            let literal = try scanLiteral()
            JSONText.append(literal, to: &recorded.json)
            if case .bool(let b) = literal {
                member.kind = .bool
                member.integer = b ? 1 : 0
            }
        case UInt8(ascii: "{"):
            member.kind = .object
            try validateValue(encodes: true, into: &recorded.json)
        case UInt8(ascii: "["):
            member.kind = .array
            try validateValue(encodes: true, into: &recorded.json)
        default:
            throw unexpectedValueStart()
        }
    }

    /// Describes a parsed value (a kept member) in `member`; its JSON starts at `start`.
    private static func describe(_ value: JSONValue, from start: Int, as member: inout RecordedProperties.Member,
                                 in recorded: inout RecordedProperties) {
        switch value {
        case .null: member.kind = .null
        case .bool(let b): member.kind = .bool; member.integer = b ? 1 : 0
        case .integer(let i): member.kind = .integer; member.integer = i
        case .number(let d): member.kind = .number; member.number = d
        case .array: member.kind = .array
        case .object: member.kind = .object
        case .string(let s):
            member.kind = .string
            let from = recorded.unescaped.count
            recorded.unescaped.append(contentsOf: s.utf8)
            member.text = from ..< recorded.unescaped.count
            member.textIsUnescaped = true
        }
    }
}
