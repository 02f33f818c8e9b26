import Testing
@testable import GeoCore

/// ``RecordedProperties``: the JSON text, names, kinds, texts and numbers the reader records
/// must be those of the full read's `JSONObject`, and bad input must fail with the same error.
@Suite("Recorded properties: what the full read builds, and its errors")
struct RecordedPropertiesTests {
    static func feature(_ properties: String) -> String {
        #"{"type":"Feature","properties":\#(properties),"geometry":{"type":"Point","coordinates":[60.6,56.8]}}"#
    }

    static let good = [
        #"{"a":"plain","код":"текст","n":1,"x":1.5,"b":true,"f":false,"z":null}"#,
        #"{"s":"tab\tq\"s\\ \u0041\u00e9\ud83d\ude00 \/","e":"","big":12345678901234567890,"neg":-0.0,"exp":1E+2,"frac":2.50}"#,
        #"{ "o" : { "a" : [ 1 , 2.0 , "\"" ] , "b" : null } , "arr" : [ ] , "obj" : { } }"#,
        #"{}"#,
        "{" + (0 ..< 70).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}",
    ]

    @Test("the recorded JSON is JSONText's for the full object; every member's kind and value match", arguments: good)
    func matchesFullRead(_ properties: String) throws {
        let text = Self.feature(properties)
        let full = try #require(try GeoJSONReader(string: text).next())
        for keeping in [[], ["n", "s", "o"]] {
            let reader = GeoJSONReader(string: text)
            reader.recordProperties(keeping: keeping)
            let feature = try #require(try reader.next())
            let recorded = reader.recordedProperties
            var expected: [UInt8] = []
            JSONText.appendObject(full.properties, to: &expected)
            #expect(recorded.present)
            #expect(recorded.json == expected)
            #expect(recorded.members.count == full.properties.members.count)
            for (member, original) in zip(recorded.members, full.properties.members) {
                #expect(recorded.name(of: member) == original.key)
                #expect(recorded.withJSON(of: member) { Array($0) } == Array(original.value.compactText.utf8))
                switch original.value {
                case .null: #expect(member.kind == .null)
                case .bool(let b): #expect(member.kind == .bool && member.integer == (b ? 1 : 0))
                case .integer(let i): #expect(member.kind == .integer && member.integer == i)
                case .number(let d): #expect(member.kind == .number && member.number.bitPattern == d.bitPattern)
                case .string(let s): #expect(member.kind == .string && recorded.withText(of: member) { Array($0) } == Array(s.utf8))
                case .array: #expect(member.kind == .array)
                case .object: #expect(member.kind == .object)
                }
            }
            // Only the kept members are built as values.
            #expect(feature.properties.members.map(\.key) == full.properties.members.map(\.key).filter { keeping.contains($0) })
            #expect(feature.properties.members.allSatisfy { full.properties[$0.key] == $0.value })
        }
    }

    @Test("no properties, or null: not present; the next feature's record is its own")
    func absent() throws {
        let text = #"{"type":"FeatureCollection","features":["# + [Self.feature(#"{"a":1}"#), Self.feature("null"),
            #"{"type":"Feature","geometry":null}"#].joined(separator: ",") + "]}"
        let reader = GeoJSONReader(string: text)
        reader.recordProperties(keeping: [])
        _ = try reader.next()
        #expect(reader.recordedProperties.present && reader.recordedProperties.members.count == 1)
        _ = try reader.next()
        #expect(!reader.recordedProperties.present && reader.recordedProperties.members.isEmpty)
        _ = try reader.next()
        #expect(!reader.recordedProperties.present && reader.recordedProperties.members.isEmpty)
    }

    @Test("bad properties: the same error, at the same place, as the full read", arguments: [
        #"{"a":1,"a":2}"#, #"{"a":"\x"}"#, #"{"a":[1,]}"#, #"{"a":-Infinity}"#, #"{"a":tru}"#, #"{"a":{"b":1,"b":1}}"#,
        "{" + (0 ..< 70).map { #""k\#($0)":1"# }.joined(separator: ",") + #","k65":2}"#,
        "{" + (0 ..< 30).map { #""k\#($0)":1"# }.joined(separator: ",") + #","k7":2}"#,
        #"{"a":1e999}"#, #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":"\ud800"}"#, #"{"a":01}"#, #"{"a":}"#,
    ])
    func sameErrors(_ properties: String) throws {
        let text = Self.feature(properties)
        var messages: [String] = []
        for record in [false, true] {
            let reader = GeoJSONReader(string: text)
            if record { reader.recordProperties(keeping: []) }
            do {
                _ = try reader.next()
                Issue.record("\(properties) was accepted")
            } catch {
                messages.append(error.description)
            }
        }
        #expect(messages.count == 2 && messages[0] == messages[1])
    }

    @Test("invalid UTF-8 in a name or a value: the same error as the full read")
    func invalidUTF8() throws {
        for bad in [Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), Array(#"{""#.utf8) + [0xFF] + Array(#"":1}"#.utf8)] {
            let bytes = Array(#"{"type":"Feature","properties":"#.utf8) + bad + Array(#","geometry":null}"#.utf8)
            var messages: [String] = []
            for record in [false, true] {
                let reader = GeoJSONReader(bytes: bytes)
                if record { reader.recordProperties(keeping: []) }
                do { _ = try reader.next(); Issue.record("accepted") } catch { messages.append(error.description) }
            }
            #expect(messages.count == 2 && messages[0] == messages[1])
        }
    }
}
