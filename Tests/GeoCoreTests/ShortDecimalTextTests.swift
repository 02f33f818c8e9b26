import Foundation
import Testing
@testable import GeoCore

/// Numbers written without a String (`JSONText.appendShortDecimal`) must be the very text
/// `description` gives, which every output wrote before.
@Suite("JSON numbers")
struct ShortDecimalTextTests {
    /// What `appendNumber` wrote before the short path: integers below 10^15 as integers,
    /// everything else as `description`.
    static func reference(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return v == 0 && v.sign == .minus ? "-0" : String(Int64(v)) }
        return v.description
    }

    static func written(_ v: Double) -> String {
        var out: [UInt8] = []
        JSONText.appendNumber(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("short decimals and arbitrary doubles are written as description writes them")
    func sameAsDescription() {
        var generator = SystemRandomNumberGenerator()
        var short = 0
        for _ in 0 ..< 300_000 {
            // A decimal of 1 to 17 digits with the point anywhere, as coordinates and measures come.
            let digits = Int.random(in: 1 ... 17, using: &generator)
            var text = String((0 ..< digits).map { _ in Character(String(Int.random(in: 0 ... 9, using: &generator))) })
            text.insert(".", at: text.index(text.startIndex, offsetBy: Int.random(in: 0 ... digits, using: &generator)))
            if text.hasPrefix(".") { text = "0" + text }
            if text.hasSuffix(".") { text += "0" }
            let v = (Bool.random(using: &generator) ? -1 : 1) * Double(text)!
            #expect(Self.written(v) == Self.reference(v), "\(text)")
            var out: [UInt8] = []
            if JSONText.appendShortDecimal(v, to: &out) { short += 1 }
        }
        #expect(short > 100_000)
        for _ in 0 ..< 300_000 {
            // Any double between 10^-6 and 10^17, from its bits.
            let bits = UInt64.random(in: 0x3EB0_C6F7_A0B5_ED8D ... 0x4376_3457_85D8_A000, using: &generator)
            let v = Double(bitPattern: bits)
            #expect(Self.written(v) == Self.reference(v), "\(v)")
            #expect(Self.written(-v) == Self.reference(-v), "\(-v)")
        }
        for v in [0.0001, 0.00009999, 0.0001000001, 1e15 - 0.5, 999_999_999_999_999.9, 123_456_789_012_345.6, 0.1 + 0.2, 1.0 / 3,
                  60.7597937, 56.0835913, 4086.8, 5e-324, 1e-5, 0.5, 2.5, 1e14 + 0.25, 9007199254740991.5] {
            #expect(Self.written(v) == Self.reference(v), "\(v)")
        }
    }

    @Test("integers, negative zero and non-finite values")
    func integers() {
        for v in [0.0, -0.0, 1, -1, 42, 1e14, -999_999_999_999_999, Double(Int64.max), .infinity, .nan] {
            let expected = v.isFinite ? Self.reference(v) : "null"
            #expect(Self.written(v) == expected, "\(v)")
        }
    }
}
