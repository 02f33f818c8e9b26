#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An external sort of fixed-size records in bounded memory. Up to ``runLength`` records are
/// held in memory; beyond that they go, in runs of that length, to an unlinked temporary file
/// (nothing is left behind however the process ends). ``drain(preparing:_:)`` sorts each run
/// on its own and merges the runs in one ordered pass. A spool that never fills a run stays
/// in memory and makes no file.
final class RecordSpool<Record: BitwiseCopyable> {
    /// The records held in memory at most, and the length of every spooled run.
    let runLength: Int
    /// Whether `a` comes before `b` in the sorted order (a strict total order: no two
    /// records tie, so the order does not depend on how they were split into runs).
    private let inOrder: (Record, Record) -> Bool
    private var held: [Record] = []
    /// The lengths of the runs in the file, one after another.
    private var runLengths: [Int] = []
    private var file: Int32 = -1
    private static var stride: Int { MemoryLayout<Record>.stride }

    init(runLength: Int, by inOrder: @escaping (Record, Record) -> Bool) {
        self.runLength = runLength
        self.inOrder = inOrder
    }

    deinit {
        if file >= 0 { close(file) }
    }

    func append(_ record: Record) throws {
        held.append(record)
        if held.count == runLength { try spill() }
    }

    /// Every record in sorted order; `prepare` is applied to each first (to fill in a sort
    /// key known only once every record is in). The spool is empty afterwards.
    func drain(preparing prepare: (inout Record) -> Void, _ body: (Record) throws -> Void) throws {
        if file < 0 {
            for i in held.indices { prepare(&held[i]) }
            held.sort(by: inOrder)
            for r in held { try body(r) }
            held = []
            return
        }
        if !held.isEmpty { try spill() }
        held = []
        let run = UnsafeMutableBufferPointer<Record>.allocate(capacity: runLength)
        defer { run.deallocate() }
        var offset = 0
        for length in runLengths {
            var records = UnsafeMutableBufferPointer(rebasing: run[..<length])
            try read(into: UnsafeMutableRawBufferPointer(records), at: offset)
            for i in records.indices { prepare(&records[i]) }
            records.sort(by: inOrder)
            try write(UnsafeRawBufferPointer(records), at: offset)
            offset += length * Self.stride
        }
        try merge(body)
        runLengths = []
    }

    /// Writes the held records as the file's next run.
    private func spill() throws {
        if file < 0 {
            do { file = try SourceFile.makeSpool(prefix: "geoctl-spool") } catch {
                throw StoreError.sql(statement: "spool", reason: error.description)
            }
        }
        let offset = runLengths.reduce(0, +) * Self.stride
        try held.withUnsafeBytes { try write($0, at: offset) }
        runLengths.append(held.count)
        held.removeAll(keepingCapacity: true)
    }

    /// Merges the file's sorted runs, each read through a buffer of its share of
    /// ``runLength`` records, the next record taken from a binary heap of the runs' heads.
    private func merge(_ body: (Record) throws -> Void) throws {
        let runs = runLengths.count
        let share = max(runLength / runs, 256)
        let buffer = UnsafeMutableBufferPointer<Record>.allocate(capacity: share * runs)
        defer { buffer.deallocate() }
        var next = [Int](), end = [Int](), unread = [Int](), fileOffset = [Int]()
        var offset = 0
        for length in runLengths {
            fileOffset.append(offset); unread.append(length)
            offset += length * Self.stride
            next.append(0); end.append(0)
        }
        /// Reads run `r`'s next records into its share of the buffer; false when it is spent.
        func refill(_ r: Int) throws -> Bool {
            let n = min(share, unread[r])
            guard n > 0 else { return false }
            next[r] = r * share
            end[r] = next[r] + n
            try read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[(next[r] * Self.stride) ..< (end[r] * Self.stride)]), at: fileOffset[r])
            fileOffset[r] += n * Self.stride
            unread[r] -= n
            return true
        }
        var heap: [Int] = []
        func before(_ a: Int, _ b: Int) -> Bool {
            let x = buffer[next[a]], y = buffer[next[b]]
            return inOrder(x, y)
        }
        func siftDown(_ from: Int) {
            var i = from
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && before(heap[l], heap[m]) { m = l }
                if r < heap.count && before(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for r in 0 ..< runs {
            if try refill(r) { heap.append(r) }
        }
        for i in Swift.stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        while let r = heap.first {
            try body(buffer[next[r]])
            next[r] += 1
            if next[r] == end[r], !(try refill(r)) {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
    }

    private func read(into bytes: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        try transfer(bytes.count, "read") { done, left in pread(file, bytes.baseAddress! + done, left, off_t(offset + done)) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        try transfer(bytes.count, "write") { done, left in pwrite(file, bytes.baseAddress! + done, left, off_t(offset + done)) }
    }

    /// Moves `count` bytes by `io(done, left)` (a pread or pwrite), through short counts and EINTR.
    private func transfer(_ count: Int, _ what: String, _ io: (Int, Int) -> Int) throws {
        var done = 0
        while done < count {
            let n = io(done, count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw Self.failure(what) }
            done += n
        }
    }

    private static func failure(_ what: String) -> StoreError {
        .sql(statement: "spool", reason: "cannot \(what) a temporary file: \(String(cString: strerror(errno)))")
    }
}
