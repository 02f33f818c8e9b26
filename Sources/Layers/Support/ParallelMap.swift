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
    let workers = count < minimumForTwo ? 1 : 2
    if workers == 1 { return try body(0 ..< count) }
    let pieces = max(workers, min(workers * slicesPerWorker, count))
    let slices = UnsafeSlices<T>(count: pieces)
    DispatchQueue.concurrentPerform(iterations: pieces) { w in
        let range = (count * w / pieces) ..< (count * (w + 1) / pieces)
        slices.store(w, Result { try body(range) })
    }
    // The first slice's array is kept (its elements moved, not copied: a copy retains every
    // string and array inside each element, and freeing the original releases them again).
    var all = try slices.take(0).get()
    for w in 1 ..< pieces { all += try slices.take(w).get() }
    return all
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
