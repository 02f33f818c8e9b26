import Foundation

/// `body` over consecutive slices of `0 ..< count` on every core, results in order.
///
/// Small inputs (under `minimumForTwo`) run on the calling thread: splitting them costs more
/// than it saves. The 2-core machines geoctl runs on behave as about one under load, so two
/// workers is the ceiling. With `slicesPerWorker` above 1 the range is cut finer and each
/// thread takes the next slice when it is free: when the second worker starts late (its core
/// busy with another process), the caller goes on with the remaining slices instead of
/// waiting for half the work, which matters for jobs of a few milliseconds.
func parallelMap<T: Sendable>(_ count: Int, minimumForTwo: Int = 2048, slicesPerWorker: Int = 1,
                              _ body: @Sendable (Range<Int>) throws -> [T]) throws -> [T] {
    let pieces = sliceCount(count, minimumForTwo: minimumForTwo, slicesPerWorker: slicesPerWorker)
    if pieces == 1 { return try body(0 ..< count) }
    let slices = UnsafeSlices<T>(count: pieces)
    DispatchQueue.concurrentPerform(iterations: pieces) { w in
        slices.store(w, Result { try body(slice(w, of: pieces, count)) })
    }
    // The first slice's array is kept (its elements moved, not copied: a copy retains every
    // string and array inside each element, and freeing the original releases them again).
    var all = try slices.take(0).get()
    for w in 1 ..< pieces { all += try slices.take(w).get() }
    return all
}

/// `element(i)` for every `i` of `0 ..< count` on every core, in order, sliced as
/// ``parallelMap(_:minimumForTwo:slicesPerWorker:_:)`` slices: each element is made in its
/// place in the answer, so nothing is copied or moved after (joining per-slice arrays copies
/// every element, retaining the strings and arrays inside it, and frees the slices').
func parallelArray<T: Sendable>(_ count: Int, minimumForTwo: Int = 2048, slicesPerWorker: Int = 1,
                                _ element: @Sendable (Int) -> T) -> [T] {
    let pieces = sliceCount(count, minimumForTwo: minimumForTwo, slicesPerWorker: slicesPerWorker)
    if pieces == 1 { return (0 ..< count).map(element) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let slots = UnsafeSlots(buffer.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: pieces) { w in
            for i in slice(w, of: pieces, count) { slots.base.advanced(by: i).initialize(to: element(i)) }
        }
        initialized = count
    }
}

/// How many slices `count` items are cut into: 1 (the calling thread) under `minimumForTwo`
/// or 2 items, else `slicesPerWorker` for each of two workers (never more slices than items).
private func sliceCount(_ count: Int, minimumForTwo: Int, slicesPerWorker: Int) -> Int {
    count < max(2, minimumForTwo) ? 1 : max(2, min(2 * slicesPerWorker, count))
}

/// Slice `w` of `pieces` over `0 ..< count`.
private func slice(_ w: Int, of pieces: Int, _ count: Int) -> Range<Int> {
    (count * w / pieces) ..< (count * (w + 1) / pieces)
}

/// The answer's storage, shared by the workers: each initializes its own slice only.
private struct UnsafeSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Per-worker results, each slot written by one worker only.
private final class UnsafeSlices<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Result<[T], any Error>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func store(_ i: Int, _ r: Result<[T], any Error>) { slots[i] = r }

    /// The slot's result, moved out (the slot left empty): the array stays uniquely referenced.
    func take(_ i: Int) -> Result<[T], any Error> {
        let result = (slots + i).move()
        (slots + i).initialize(to: nil)
        return result!
    }
}
