import CByteSearch
import Testing
import TestSupport

/// The look-ahead's vector search for `"crs"` finds it at every offset of a block, and only
/// it: near misses (`"crS"`, `crs` unquoted, `"crs` cut short) are not matches.
@Suite("Vector search for \"crs\"")
struct ByteSearchTests {
    static func naive(_ bytes: [UInt8]) -> Bool {
        let needle = Array("\"crs\"".utf8)
        guard bytes.count >= needle.count else { return false }
        return (0 ... bytes.count - needle.count).contains { Array(bytes[$0 ..< $0 + needle.count]) == needle }
    }

    @Test("the needle and its near misses at every offset of blocks of 0 to 80 bytes, against a byte-by-byte search")
    func everyOffset() {
        var rng = SeededRandom(seed: 5)
        let alphabet = Array("\"crs{}[],:0123456789.-abcdefghijklmnopqrstuvwxyzS".utf8)
        let pieces = ["\"crs\"", "\"crS\"", "crs", "\"crs", "crs\"", "\"cr\"", "\"rs\""].map { Array($0.utf8) }
        var wrong: [String] = []
        for length in 0 ... 80 {
            for offset in 0 ... length {
                for piece in pieces {
                    var bytes = (0 ..< length).map { _ in alphabet[Int.random(in: 0 ..< alphabet.count, using: &rng)] }
                    let end = min(length, offset + piece.count)
                    bytes.replaceSubrange(offset ..< end, with: piece.prefix(end - offset))
                    let found = bytes.withUnsafeBufferPointer { geoctl_mentions_crs($0.baseAddress, $0.count) != 0 }
                    if found != Self.naive(bytes) { wrong.append(String(decoding: bytes, as: UTF8.self)) }
                }
            }
        }
        let allAgree = wrong.isEmpty
        #expect(allAgree, "\(wrong.count) wrong, first \(wrong.prefix(5))")
    }
}
