import Testing
@testable import GeoCore
import TestSupport

/// Strings are read as valid UTF-8 or refused, exactly as the standard library's own
/// validation decides, whether short (cached) or long, ASCII or not; the refused ones name
/// their first invalid byte.
@Suite("UTF-8 validation of strings")
struct UTF8ValidationTests {
    /// Valid pieces (ASCII, Cyrillic, three- and four-byte, a literal U+FFFD) and invalid ones
    /// (a stray continuation, overlong forms, surrogates, beyond U+10FFFF, sequences cut short,
    /// among them a three-byte one that repairs to three bytes).
    static let pieces: [[UInt8]] = [
        Array("a".utf8), Array("ул. Мира".utf8), Array("€".utf8), Array("𝄞".utf8), [0xEF, 0xBF, 0xBD],
        [0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF0, 0x90, 0x80], [0xE2, 0x82], [0xC3], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ]

    @Test("20,000 random strings of valid and invalid pieces, short and long")
    func againstStandardLibrary() throws {
        var rng = SeededRandom(seed: 8259)
        var wrong: [String] = []
        for k in 0 ..< 20_000 {
            var bytes: [UInt8] = []
            let count = k % 2 == 0 ? Int.random(in: 1 ... 4, using: &rng) : Int.random(in: 10 ... 40, using: &rng)
            for _ in 0 ..< count {
                // Mostly valid pieces, so that most strings are valid and the invalid ones differ in one place.
                let i = Int.random(in: 0 ..< 100, using: &rng) < 93 ? Int.random(in: 0 ..< 5, using: &rng) : Int.random(in: 5 ..< Self.pieces.count, using: &rng)
                bytes += Self.pieces[i]
            }
            let expected = String(validating: bytes, as: UTF8.self)
            let document = Array(#"{"type":"Feature","geometry":null,"properties":{"a":""#.utf8) + bytes + Array(#""}}"#.utf8)
            do {
                let feature = try GeoJSONReader(bytes: document).next()
                let got = feature?.properties["a"]?.stringValue
                if got != expected { wrong.append("\(bytes): read \(got ?? "nil"), expected \(expected ?? "an error")") }
            } catch {
                if expected != nil || !error.reason.contains("invalid UTF-8") { wrong.append("\(bytes): \(error.reason)") }
            }
        }
        let allAgree = wrong.isEmpty
        #expect(allAgree, "\(wrong.count) wrong, first \(wrong.prefix(3))")
    }
}
