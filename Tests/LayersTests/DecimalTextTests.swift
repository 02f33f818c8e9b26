import Foundation
import Testing
import TestSupport
@testable import Layers

@Suite("Numbers written as digits")
struct DecimalTextTests {
    /// What geoctl wrote before the digits were its own: `%.*f`, trailing zeros dropped.
    static func reference(_ v: Double, _ decimals: Int) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        var s = String(format: "%.\(decimals)f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func text(_ v: Double, _ decimals: Int) -> String {
        var out: [UInt8] = []
        DecimalText.append(v, decimals: decimals, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("numbers equal C's %.*f with trailing zeros dropped: 300,000 random values, exact ties, halves, negatives, huge and tiny")
    func equalsPrintf() {
        var rng = SeededRandom(seed: 1414)
        var values: [Double] = [0.125, 2.675, 1.005, 0.5, -0.5, 1.5, 2.5, -2.5, 0.004, -0.004, -0.005, 0.005, 1e-9, -1e-9,
                                123456.785, 9.995, 99.995, -99.995, 1e14 + 0.5, 3e15 + 0.25, 1e20, -1e20, 0.1, 0.7, -0.0]
        for _ in 0 ..< 100_000 {
            values.append(Double.random(in: -1000 ... 1000, using: &rng))
            values.append((Double(Int.random(in: -100_000 ... 100_000, using: &rng)) + 0.5) / 100)   // near ties at 2 decimals
            values.append(Double(Int.random(in: 0 ... 1_000_000, using: &rng)) / 3600)              // hours from seconds
        }
        for v in values {
            for decimals in [1, 2, 4] { #expect(Self.text(v, decimals) == Self.reference(v, decimals), "\(v) \(decimals)") }
        }
        var nothing: [UInt8] = []
        DecimalText.append(nil, decimals: 2, to: &nothing)
        DecimalText.append(.nan, decimals: 2, to: &nothing)
        DecimalText.append(.infinity, decimals: 2, to: &nothing)
        #expect(nothing.isEmpty)
        for i in [0, 7, -7, 10, -10, Int.max, Int.min, 1_000_000] {
            var out: [UInt8] = []
            DecimalText.appendInteger(i, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(i))
        }
    }

    @Test("timestamps written as digits equal String(format:) for instants from 1 AD to 9999 in several zones")
    func isoEqualsFormat() throws {
        var rng = SeededRandom(seed: 77)
        for zone in [AppealTimeZone(offsetSeconds: 0), AppealTimeZone(offsetSeconds: 5 * 3600), AppealTimeZone(offsetSeconds: -(3 * 3600 + 30 * 60)),
                     try AppealTimeZone("Europe/Moscow")] {
            for _ in 0 ..< 5000 {
                let utc = Double.random(in: -62_000_000_000 ... 253_000_000_000, using: &rng).rounded(.down) + [0, 0.5, 0.999].randomElement(using: &rng)!
                let offset = zone.offset(atUTC: utc)
                let local = Int((utc + Double(offset)).rounded(.down))
                let d = local >= 0 ? local / 86400 : (local - 86399) / 86400
                let s = local - d * 86400
                let (y, m, day) = CivilTime.civil(days: d)
                let a = abs(offset)
                let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, day, s / 3600, s % 3600 / 60, s % 60)
                    + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
                #expect(CivilTime.iso(utc, zone: zone) == expected, "\(utc)")
            }
        }
    }
}
