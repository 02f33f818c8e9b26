import Testing
@testable import GeoCore
import TestSupport

/// The reader's eight-bytes-at-a-time digit helpers agree with a byte-by-byte reading for
/// every byte value in every position after a run of digits.
@Suite("Digit runs read eight bytes at a time")
struct DigitWordTests {
    static func word(_ bytes: [UInt8]) -> UInt64 {
        var w: UInt64 = 0
        for (k, b) in bytes.enumerated() { w |= UInt64(b) << UInt64(8 * k) }
        return UInt64(littleEndian: w)
    }

    @Test("every run length 0...8 followed by each of the 256 byte values, random digits and tails")
    func againstBytes() {
        var rng = SeededRandom(seed: 8)
        var wrong: [String] = []
        for run in 0 ... 8 {
            for stop in 0 ... 255 where !(48 ... 57).contains(stop) {
                for _ in 0 ..< 8 {
                    var bytes = (0 ..< 8).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                    for k in 0 ..< run { bytes[k] = UInt8.random(in: 48 ... 57, using: &rng) }
                    if run < 8 { bytes[run] = UInt8(stop) }
                    let w = Self.word(bytes)
                    let count = JSONScanner.leadingDigitCount(w)
                    let value = bytes.prefix(run).reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) }
                    if count != run || (run > 0 && JSONScanner.leadingDigits(w, count: run) != value) {
                        wrong.append("\(bytes)")
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) wrong, first \(wrong.prefix(5))")
    }
}
