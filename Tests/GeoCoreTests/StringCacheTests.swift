import Testing
@testable import GeoCore
import TestSupport

/// The reader's cache of short strings hands back a cached string only for the very bytes it
/// was stored under: for every length up to the longest cached, and a difference at every byte.
@Suite("String cache")
struct StringCacheTests {
    @Test("a string differing from a cached one in any single byte is a miss; the same bytes are a hit")
    func everyLengthEveryByte() {
        var rng = SeededRandom(seed: 64)
        let cache = StringCache()
        var wrong: [String] = []
        for length in 0 ... StringCache.maxLength {
            var bytes = (0 ..< length).map { _ in UInt8.random(in: 0x61 ... 0x7A, using: &rng) }
            let text = String(decoding: bytes, as: UTF8.self)
            bytes.withUnsafeBufferPointer { p in
                let base = p.baseAddress ?? UnsafePointer(bitPattern: 1)!
                let (slot, _) = cache.lookup(base, length)
                cache.store(text, bytes: base, length, slot: slot)
                if cache.lookup(base, length).string != text { wrong.append("miss for \(text)") }
            }
            for k in 0 ..< length {
                var changed = bytes
                changed[k] = changed[k] == 0x61 ? 0x62 : 0x61
                changed.withUnsafeBufferPointer { p in
                    if let got = cache.lookup(p.baseAddress!, length).string { wrong.append("\(got) for \(String(decoding: changed, as: UTF8.self))") }
                }
            }
        }
        let allRight = wrong.isEmpty
        #expect(allRight, "\(wrong.count) wrong, first \(wrong.prefix(5))")
    }

    @Test("the byte comparison: equal runs of every length 0...64, and a difference at every byte")
    func byteComparison() {
        var rng = SeededRandom(seed: 65)
        var wrong: [String] = []
        for length in 0 ... StringCache.maxLength {
            let a = (0 ..< length + 8).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            var b = a
            // Bytes past `length` differ: they must not be looked at.
            for k in length ..< b.count { b[k] = ~a[k] }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if !StringCache.equal(pa.baseAddress!, pb.baseAddress!, length) { wrong.append("equal \(length)") }
                }
            }
            for k in 0 ..< length {
                var c = a
                c[k] ^= 0x40
                a.withUnsafeBufferPointer { pa in
                    c.withUnsafeBufferPointer { pc in
                        if StringCache.equal(pa.baseAddress!, pc.baseAddress!, length) { wrong.append("length \(length), byte \(k)") }
                    }
                }
            }
        }
        let allRight = wrong.isEmpty
        #expect(allRight, "\(wrong.count) wrong, first \(wrong.prefix(5))")
    }
}
