import Foundation
import Testing
@testable import GeoCore

/// The reader's number conversion (digit runs read eight at a time, Clinger's fast path, the C
/// library for the rest) is correctly rounded: the same Double as Swift's own `Double(String)`.
@Suite("Number parsing agrees with Double(String)")
struct NumberParsingTests {
    /// A random decimal: up to 20 integer digits, up to 24 fraction digits, maybe an exponent.
    static func randomDecimal(_ g: inout some RandomNumberGenerator) -> String {
        let digits = Array("0123456789")
        var s = Bool.random(using: &g) ? "-" : ""
        let intLength = Int.random(in: 1 ... 20, using: &g)
        s.append(intLength == 1 ? digits[Int.random(in: 0 ... 9, using: &g)] : digits[Int.random(in: 1 ... 9, using: &g)])
        for _ in 1 ..< intLength { s.append(digits[Int.random(in: 0 ... 9, using: &g)]) }
        if intLength > 3 && Bool.random(using: &g) { s = String(s.prefix(3)) }
        if Int.random(in: 0 ..< 4, using: &g) > 0 {
            s += "."
            for _ in 0 ..< Int.random(in: 1 ... 24, using: &g) { s.append(digits[Int.random(in: 0 ... 9, using: &g)]) }
        }
        if Int.random(in: 0 ..< 4, using: &g) == 0 { s += "e\(Int.random(in: -40 ... 40, using: &g))" }
        return s
    }

    static func parsed(_ text: String) throws -> Double? {
        switch try JSONDocument.parse("[\(text)]") {
        case .array(let a):
            switch a.first {
            case .number(let d)?: return d
            case .integer(let i)?: return Double(i)
            default: return nil
            }
        default: return nil
        }
    }

    @Test("200,000 random decimals, as coordinates are written and longer")
    func random() throws {
        var g = SystemRandomNumberGenerator()
        var wrong: [String] = []
        for _ in 0 ..< 200_000 {
            let text = Self.randomDecimal(&g)
            guard let expected = Double(text) else { continue }
            if try Self.parsed(text) != expected { wrong.append(text) }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test("edge cases: eight-digit runs at every offset, halfway cases, the limits of the fast path",
          arguments: [
            "0.1", "0.12345678", "0.123456789", "60.12345678", "60.1234567890123456", "1.00000000", "9.99999999",
            "0.00000000", "12345678.87654321", "56.0822952", "60.8155516", "9007199254740993", "9007199254740992.5",
            "0.000000000000000000001", "1e22", "1e23", "1.7976931348623157e308", "4.9e-324", "2.2250738585072011e-308",
            "123456789012345678", "1234567890123456789", "12345678901234567890", "0.30000000000000004",
            "89255.0e-22", "1.00000000000000011102230246251565404236316680908203125",
            "7.038531e-26", "8.98846567431158e307", "-0.0", "37.61734567", "-122.41941550000001",
          ])
    func edges(_ text: String) throws {
        let got = try #require(try Self.parsed(text))
        #expect(got.bitPattern == Double(text)!.bitPattern || (got == 0 && Double(text)! == 0), "\(text)")
    }

    /// A coordinate as files write it, mostly in the reader's fast shape (`-?D.F`, 1–7 digits
    /// each side) and sometimes just outside it (8 digits, an integer, an exponent).
    static func randomCoordinate(_ g: inout some RandomNumberGenerator) -> String {
        var s = Bool.random(using: &g) ? "-" : ""
        let intLength = Int.random(in: 1 ... 8, using: &g)
        s += String(Int.random(in: intLength == 1 ? 0 ... 9 : 1 ... 9, using: &g))
        for _ in 1 ..< intLength { s += String(Int.random(in: 0 ... 9, using: &g)) }
        switch Int.random(in: 0 ..< 10, using: &g) {
        case 0: return s
        case 1: return s + "." + String(Int.random(in: 0 ... 99, using: &g)) + "e" + String(Int.random(in: -9 ... 0, using: &g))
        default:
            s += "."
            for _ in 0 ..< Int.random(in: 1 ... 9, using: &g) { s += String(Int.random(in: 0 ... 9, using: &g)) }
            return s
        }
    }

    @Test("100,000 random coordinates read through the reader's coordinate path, up to the end of the input")
    func coordinates() throws {
        var g = SystemRandomNumberGenerator()
        var texts: [String] = []
        for _ in 0 ..< 100_000 { texts.append(Self.randomCoordinate(&g)) }
        let positions = stride(from: 0, to: texts.count, by: 2).map { "[\(texts[$0]), \(texts[$0 + 1])]" }
        let json = #"{"type":"LineString","coordinates":["# + positions.joined(separator: ",") + "]}"
        let reader = GeoJSONReader(string: json, coordinateCheck: .projected)
        let feature = try #require(try reader.next())
        guard case .lineString(let line)? = feature.geometry else { Issue.record("not a line"); return }
        var wrong: [String] = []
        for (value, text) in zip(line.coordinates, texts) where value.bitPattern != Double(text)!.bitPattern {
            wrong.append(text)
        }
        #expect(line.coordinates.count == texts.count)
        let allExact = wrong.isEmpty
        #expect(allExact, "\(wrong.count) wrong, first \(wrong.prefix(10))")
    }

    @Test("malformed coordinates are refused as any number is, wherever they stand",
          arguments: ["01.5", "1.5x", "1.5.3", "-.5", "1.", "1.5e", "1.5e+", "00.1234567", "1.2345678a", "--1.5", "1.5-"])
    func malformedCoordinates(_ text: String) {
        for padding in [0, 40] {
            let json = #"{"type":"Point","coordinates":["# + text + ", 2.5]" + String(repeating: " ", count: padding) + "}"
            #expect(throws: GeoJSONError.self, "\(text)") { _ = try GeoJSONReader(string: json).next() }
        }
    }
}
