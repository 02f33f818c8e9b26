import Foundation

/// `body` over consecutive slices of `0 ..< count` on every core, results in order.
///
/// Small inputs (under `minimumForTwo`) run on the calling thread: splitting them costs more
/// than it saves. The 2-core machines geoctl runs on behave as about one under load, so two
/// workers is the ceiling.
func parallelMap<T: Sendable>(_ count: Int, minimumForTwo: Int = 2048,
                              _ body: @Sendable (Range<Int>) throws -> [T]) throws -> [T] {
    let workers = count < minimumForTwo ? 1 : 2
    if workers == 1 { return try body(0 ..< count) }
    let slices = UnsafeSlices<T>(count: workers)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let range = (count * w / workers) ..< (count * (w + 1) / workers)
        slices.store(w, Result { try body(range) })
    }
    var all: [T] = []
    all.reserveCapacity(count)
    for w in 0 ..< workers { all += try slices.take(w).get() }
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

    func take(_ i: Int) -> Result<[T], any Error> { slots[i]! }
}
