import Foundation
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
/// raw UTF-8 bytes without building a `String` for a value already seen (their bytes kept in
/// one flat array, compared with memcmp).
struct ByteInterner {
    private(set) var names: [String] = []
    private var flat: [UInt8] = []
    private var starts: [Int] = [0]
    private var index: [String: Int32] = [:]
    private var last: Int32 = -1

    /// The number of the value `b` holds (UTF-8).
    mutating func code(_ b: UnsafeRawBufferPointer) -> Int32 {
        if last >= 0, equal(Int(last), b) { return last }
        if names.count <= 64 {
            for k in names.indices where equal(k, b) { last = Int32(k); return last }
        }
        return code(String(decoding: b, as: UTF8.self))
    }

    mutating func code(_ s: String) -> Int32 {
        if let known = index[s] { last = known; return known }
        let k = Int32(names.count)
        names.append(s)
        flat += Array(s.utf8)
        starts.append(flat.count)
        index[s] = k
        last = k
        return k
    }

    @inline(__always)
    private func equal(_ k: Int, _ b: UnsafeRawBufferPointer) -> Bool {
        let start = starts[k], n = starts[k + 1] - start
        guard n == b.count else { return false }
        if n == 0 { return true }
        return flat.withUnsafeBytes { memcmp($0.baseAddress! + start, b.baseAddress!, n) == 0 }
    }
}
