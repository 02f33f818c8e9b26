/// Byte strings encoded once for a batch (the cells or members that depend only on the
/// organisation, the rule, the layer, the flags or the matched feature) and copied into each
/// row, in groups: `append(group:_:to:)` copies entry `k` of group `g`.
///
/// All of them live in one allocation read through plain pointers, so the threads formatting
/// rows at once never touch a reference count: an array shared by both cores, retained and
/// released per row, made them contend for its cache line.
final class EncodedCells: @unchecked Sendable {
    private let bytes: UnsafeMutablePointer<UInt8>
    /// Start of each entry in `bytes` (one more than there are entries).
    private let starts: UnsafeMutablePointer<Int>
    /// Index of each group's first entry (one more than there are groups).
    private let groupStarts: UnsafeMutablePointer<Int>
    private let entryCount: Int
    let groupCount: Int

    init(groups: [[[UInt8]]]) {
        groupCount = groups.count
        entryCount = groups.reduce(0) { $0 + $1.count }
        let total = groups.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        bytes = .allocate(capacity: Swift.max(total, 1))
        starts = .allocate(capacity: entryCount + 1)
        groupStarts = .allocate(capacity: groupCount + 1)
        var at = 0, entry = 0
        for (g, group) in groups.enumerated() {
            groupStarts[g] = entry
            for cell in group {
                starts[entry] = at
                for b in cell {
                    bytes[at] = b
                    at += 1
                }
                entry += 1
            }
        }
        starts[entryCount] = at
        groupStarts[groupCount] = entry
    }

    deinit {
        bytes.deallocate()
        starts.deallocate()
        groupStarts.deallocate()
    }

    /// The number of entries in group `g`.
    func count(group g: Int) -> Int { groupStarts[g + 1] - groupStarts[g] }

    /// Appends entry `k` of group `g`.
    @inline(__always)
    func append(group g: Int, _ k: Int, to out: inout [UInt8]) {
        let e = groupStarts[g] + k
        precondition(k >= 0 && e < groupStarts[g + 1], "no entry \(k) in group \(g)")
        out.append(contentsOf: UnsafeBufferPointer(start: bytes + starts[e], count: starts[e + 1] - starts[e]))
    }
}
