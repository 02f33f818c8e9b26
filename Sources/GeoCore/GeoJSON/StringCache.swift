/// Recently decoded short strings, keyed by their bytes: property names and categorical
/// values ("Вывоз мусора", "МКД", dates) repeat from feature to feature, and a hit skips
/// UTF-8 validation and allocation (the `String` is shared).
///
/// A direct-mapped table: one slot per hash, the newest string wins. Only strings of at
/// most ``maxLength`` bytes without escapes are cached. Memory is fixed (about 100 KiB).
final class StringCache {
    static let slots = 1024
    static let maxLength = 64

    /// Byte length of each slot's string, -1 when empty.
    private let lengths: UnsafeMutablePointer<Int32>
    /// Each slot's bytes, `maxLength` apart.
    private let bytes: UnsafeMutablePointer<UInt8>
    private let strings: UnsafeMutablePointer<String>

    init() {
        lengths = .allocate(capacity: Self.slots)
        lengths.initialize(repeating: -1, count: Self.slots)
        bytes = .allocate(capacity: Self.slots * Self.maxLength)
        strings = .allocate(capacity: Self.slots)
        strings.initialize(repeating: "", count: Self.slots)
    }

    deinit {
        lengths.deallocate()
        bytes.deallocate()
        strings.deinitialize(count: Self.slots)
        strings.deallocate()
    }

    @inline(__always)
    private static func slot(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i + 8 <= n {
            h = (h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            i += 8
        }
        var tail: UInt64 = 0
        while i < n {
            tail = tail << 8 | UInt64(p[i])
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: h >> 54) & (slots - 1)
    }

    /// The cached string for these bytes, or nil.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> (slot: Int, string: String?) {
        let s = Self.slot(p, n)
        if Int(lengths[s]) == n && memcmp(bytes + s * Self.maxLength, p, n) == 0 {
            return (s, strings[s])
        }
        return (s, nil)
    }

    /// Remembers `string` for these bytes in `slot` (from ``lookup(_:_:)``).
    @inline(__always)
    func store(_ string: String, bytes p: UnsafePointer<UInt8>, _ n: Int, slot s: Int) {
        (bytes + s * Self.maxLength).update(from: p, count: n)
        lengths[s] = Int32(n)
        strings[s] = string
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
