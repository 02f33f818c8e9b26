import Foundation
import Testing
@testable import GeoCore
import TestSupport

/// Eisel–Lemire conversion (``EiselLemire``) and the reader that uses it give, bit for bit,
/// the Double the C library's `strtod` gives (round to nearest, ties to even), over the whole
/// exponent range: random mantissas of every length, subnormals, overflow, and exact halfway
/// cases with their neighbours.
@Suite("Eisel–Lemire number conversion agrees with strtod")
struct EiselLemireTests {
    static func strtodBits(_ text: String) -> UInt64 { strtod(text, nil).bitPattern }

    /// A random 64-bit mantissa with a random number of significant bits (so every digit count
    /// from 1 to 20 occurs).
    static func mantissa(_ rng: inout SeededRandom) -> UInt64 {
        let bits = Int.random(in: 1 ... 64, using: &rng)
        let w = rng.next() >> UInt64(64 - bits)
        return w == 0 ? 1 : w
    }

    @Test("300,000 random w × 10^q over the whole range: every answer is strtod's, almost none undecided")
    func randomProducts() {
        var rng = SeededRandom(seed: 1705)
        var wrong: [String] = []
        var undecided = 0
        let n = 300_000
        for k in 0 ..< n {
            let w = Self.mantissa(&rng)
            // Mostly where Doubles live, some beyond both ends (zero and infinity).
            let q = k % 10 == 0 ? Int.random(in: -400 ... 360, using: &rng) : Int.random(in: -342 ... 308, using: &rng)
            let text = "\(w)e\(q)"
            guard let got = EiselLemire.double(w, q) else { undecided += 1; continue }
            if got.bitPattern != Self.strtodBits(text) { wrong.append(text) }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first \(wrong.prefix(10))")
        #expect(undecided < n / 1000, "\(undecided) left to strtod")
    }

    /// Decimals exactly halfway between two adjacent Doubles (ties go to the even one), and
    /// the decimals just above and below them: t × 10^q = h × 2^q with h odd and 54 bits long.
    static func halfwayCases(_ rng: inout SeededRandom, count: Int) -> [String] {
        var texts: [String] = []
        for _ in 0 ..< count {
            let q = Int.random(in: 0 ... 23, using: &rng)
            var p5: UInt64 = 1
            for _ in 0 ..< q { p5 *= 5 }
            // An odd t with h = t × 5^q in [2^53, 2^54).
            let low = ((UInt64(1) << 53) + p5 - 1) / p5, high = ((UInt64(1) << 54) - 1) / p5
            guard low <= high else { continue }
            var t = UInt64.random(in: low ... high, using: &rng) | 1
            if t > high { t -= 2 }
            guard t >= low else { continue }
            texts.append("\(t)e\(q)")
            if q > 0 {
                texts.append("\(t * 10 + 1)e\(q - 1)")  // just above the tie
                texts.append("\(t * 10 - 1)e\(q - 1)")  // just below
            }
        }
        // Halfway cases with negative exponents: h / 2^j = (h × 5^j) × 10^-j for j ≤ 4.
        for _ in 0 ..< count {
            let j = Int.random(in: 1 ... 4, using: &rng)
            let h = UInt64.random(in: (UInt64(1) << 53) ... ((UInt64(1) << 54) - 1), using: &rng) | 1
            var p5: UInt64 = 1
            for _ in 0 ..< j { p5 *= 5 }
            let w = h * p5
            let digits = String(w)
            // Also written with a decimal point, as a file would have it.
            texts.append("\(digits)e-\(j)")
            texts.append(String(digits.dropLast(j)) + "." + String(digits.suffix(j)))
        }
        return texts
    }

    static let edgeCases: [String] = [
        "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.2", "0.3", "0.30000000000000004", "1e22", "1e23", "-1e23",
        "9007199254740992", "9007199254740993", "9007199254740995", "9007199254740993.0", "18014398509481985",
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e307", "8.98846567431158e307",
        "2.2250738585072014e-308", "2.2250738585072011e-308", "2.2250738585072009e-308", "4.9406564584124654e-324",
        "4.9e-324", "5e-324", "3e-324", "2.5e-324", "2.4703282292062328e-324", "1e-323", "1.5e-323", "1e-320",
        "1e-300", "1e-310", "123456789e-330", "1e-342", "1e-343", "12345678901234567e-343", "1e308", "1e-22", "1e-23",
        "7.038531e-26", "89255.0e-22", "4.35e-6", "0.000001", "123456789012345678", "1234567890123456789",
        "9999999999999999999", "10000000000000000000", "12345678901234567890", "18446744073709551615",
        "18446744073709551616", "123456789012345678901234567890", "3.141592653589793238462643383279",
        "1.00000000000000011102230246251565404236316680908203125", "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126", "60.7597937", "56.0835913", "-122.41941550000001",
        "37.61734567", "0.1e1", "100e-2", "1e0", "1E5", "1e+5", "2.5E-3", "0.000000000000000000001",
        "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
    ]

    /// A random decimal as files have them: up to 25 digits, a point anywhere, maybe an exponent.
    static func randomDecimal(_ rng: inout SeededRandom) -> String {
        let digits = Int.random(in: 1 ... 25, using: &rng)
        var mantissa = String(Int.random(in: 1 ... 9, using: &rng))
        for _ in 1 ..< digits { mantissa += String(Int.random(in: 0 ... 9, using: &rng)) }
        let point = Int.random(in: 1 ... digits, using: &rng)
        var t = String(mantissa.prefix(point))
        if point < digits { t += "." + mantissa.dropFirst(point) }
        switch Int.random(in: 0 ..< 4, using: &rng) {
        case 0: t += "e\(Int.random(in: -330 ... 280, using: &rng))"
        case 1: t += "e\(Int.random(in: -30 ... 30, using: &rng))"
        default: break
        }
        return Bool.random(using: &rng) ? "-" + t : t
    }

    @Test("the reader: random decimals, subnormals, halfway cases and edge cases read as strtod reads them")
    func reader() throws {
        var rng = SeededRandom(seed: 2024)
        var texts = Self.edgeCases + Self.halfwayCases(&rng, count: 3000)
        for _ in 0 ..< 20_000 { texts.append(Self.randomDecimal(&rng)) }
        // Subnormals and the smallest normals.
        for _ in 0 ..< 3000 {
            texts.append("\(Self.mantissa(&rng))e\(Int.random(in: -345 ... -290, using: &rng))")
        }
        let json = "[" + texts.joined(separator: ",") + "]"
        guard case .array(let values) = try JSONDocument.parse(json) else { Issue.record("not an array"); return }
        #expect(values.count == texts.count)
        var wrong: [String] = []
        for (text, value) in zip(texts, values) {
            let got: Double
            switch value {
            case .number(let d): got = d
            case .integer(let i):  // an integer's value (its Double is rounded as strtod's; -0 is 0)
                if Double(i) != strtod(text, nil) { wrong.append(text) }
                continue
            default: Issue.record("\(text) read as \(value)"); continue
            }
            if got.bitPattern != Self.strtodBits(text) { wrong.append(text) }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first \(wrong.prefix(10))")
    }

    @Test("directly: halfway cases and their neighbours, subnormals, both ends of the table")
    func direct() {
        var rng = SeededRandom(seed: 99)
        var wrong: [String] = []
        func check(_ w: UInt64, _ q: Int) {
            let text = "\(w)e\(q)"
            if let got = EiselLemire.double(w, q), got.bitPattern != Self.strtodBits(text) { wrong.append(text) }
        }
        for text in Self.halfwayCases(&rng, count: 5000) where !text.contains(".") {
            let parts = text.split(separator: "e")
            guard let w = UInt64(parts[0]), let q = Int(parts[1]) else { continue }
            check(w, q)
        }
        for q in [-342, -341, -330, -326, -325, -324, -323, -308, -307, -28, -27, -26, -23, -22, -5, -4, -1, 0, 1, 22, 23, 24, 27, 28,
                  55, 56, 300, 307, 308] {
            for w: UInt64 in [1, 2, 3, 5, 9, 10, 17, 49, 4_940_656_458_412_465_4, 9_007_199_254_740_993, UInt64.max, UInt64.max - 1,
                              1 << 63, (1 << 53) + 1, 12_345_678_901_234_567_89, 99_999_999_999_999_999_99] {
                check(w, q)
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first \(wrong.prefix(10))")
    }
}
