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

    /// A multiplicative hash of `n` bytes, eight at a time: the cache's slots take its top
    /// bits, and the reader's member-name signatures all of it.
    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
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
        return (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
    }

    @inline(__always)
    private static func slot(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        Int(truncatingIfNeeded: hash(p, n) >> 54) & (slots - 1)
    }

    /// Whether `n` bytes at `a` and `b` are equal: words compared inline (the names and
    /// values cached are a few bytes long, where a call to memcmp cost more than comparing).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        if n >= 8 {
            var i = 0
            while i + 8 <= n {
                if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
                i += 8
            }
            // The last word overlaps the ones before: no byte loop.
            return i == n || ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
                && ra.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == rb.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        var i = 0
        while i < n {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// The cached string for these bytes, or nil.
    @inline(__always)
    func lookup(_ p: UnsafePointer<UInt8>, _ n: Int) -> (slot: Int, string: String?) {
        let s = Self.slot(p, n)
        if Int(lengths[s]) == n && Self.equal(bytes + s * Self.maxLength, p, n) {
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
