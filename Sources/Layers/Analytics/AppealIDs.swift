import GeoCore

/// The appeals' ids as text, stored as integers while every id is one (the usual case), so that
/// reading 10^6 appeals builds no `String` per appeal; ``subscript(_:)`` writes the text on demand.
public struct AppealIDs: Sendable, RandomAccessCollection {
    private var integers: [Int64] = []
    /// Every id as text, once one id is not an integer (then ``integers`` is no longer kept).
    private var texts: [String]?

    public init() {}

    public init(_ ids: [String]) { texts = ids }

    public var startIndex: Int { 0 }
    public var endIndex: Int { texts?.count ?? integers.count }

    public subscript(_ i: Int) -> String { texts?[i] ?? String(integers[i]) }

    mutating func reserveCapacity(_ n: Int) { integers.reserveCapacity(n) }

    mutating func append(_ id: Int64) {
        if texts != nil { texts!.append(String(id)) } else { integers.append(id) }
    }

    mutating func append(_ id: String) {
        if texts == nil {
            var all = integers.map { String($0) }
            all.reserveCapacity(integers.capacity)
            texts = all
            integers = []
        }
        texts!.append(id)
    }

    /// Appends another list's ids, as appending them one by one would.
    mutating func append(contentsOf other: AppealIDs) {
        if texts == nil, other.texts == nil { integers += other.integers; return }
        if texts == nil { texts = integers.map { String($0) }; integers = [] }
        texts! += other.texts ?? other.integers.map { String($0) }
    }

    /// The ids whose flag is true, in order.
    func selecting(_ keep: [Bool]) -> AppealIDs {
        var out = AppealIDs()
        if let texts {
            out.texts = texts.indices.filter { keep[$0] }.map { texts[$0] }
        } else {
            out.integers.reserveCapacity(integers.count)
            for i in integers.indices where keep[i] { out.integers.append(integers[i]) }
        }
        return out
    }
}

/// Distinct short strings (categories, statuses) numbered in first-seen order, looked up from
/// raw UTF-8 bytes without building a `String` for a value already seen.
struct ByteInterner {
    private(set) var names: [String] = []
    private var bytes: [[UInt8]] = []
    private var index: [String: Int32] = [:]
    private var last: Int32 = -1

    /// The number of the value `b` holds (UTF-8).
    mutating func code(_ b: UnsafeRawBufferPointer) -> Int32 {
        if last >= 0, equal(bytes[Int(last)], b) { return last }
        if names.count <= 64 {
            for k in bytes.indices where equal(bytes[k], b) { last = Int32(k); return last }
        }
        return code(String(decoding: b, as: UTF8.self))
    }

    mutating func code(_ s: String) -> Int32 {
        if let known = index[s] { last = known; return known }
        let k = Int32(names.count)
        names.append(s)
        bytes.append(Array(s.utf8))
        index[s] = k
        last = k
        return k
    }

    @inline(__always)
    private func equal(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { $0.elementsEqual(b) }
    }
}
