import Foundation
import GeoCore
import Testing

@Suite("JSON string escaping")
struct JSONTextEscapeTests {
    @Test("every ASCII character, Cyrillic and emoji written by appendString read back unchanged by Foundation's parser")
    func roundTrip() throws {
        let texts = [String((0 ..< 128).map { Character(Unicode.Scalar(UInt8($0))) }), "Отопление «дом» \"№5\"\\", "a\u{1F}b\tc\nd\re 🚧", ""]
        for text in texts {
            var out: [UInt8] = []
            JSONText.appendString(text, to: &out)
            let parsed = try JSONSerialization.jsonObject(with: Data(out), options: [.fragmentsAllowed]) as? String
            #expect(parsed == text)
            // Control characters never appear raw.
            #expect(!out.contains { $0 < 0x20 })
        }
    }
}
