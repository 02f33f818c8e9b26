import Foundation
import GeoCore

/// Reading and checking on one thread, writing on another: a bounded queue of feature batches
/// between a producer thread (parse, check) and the caller's thread (the store's inserts).
///
/// The producer runs `produce` on a thread of its own and hands over batches with `send`,
/// which blocks while `depth` batches wait and returns false once the consumer has stopped.
/// The consumer takes batches with ``next()`` until it returns nil (the producer finished),
/// and gets the producer's error, if any, thrown from ``next()``. Whatever happens, ``close()``
/// (called on every exit of ``run(depth:produce:consume:)``) stops the producer and waits for
/// its thread to end, so nothing keeps reading once the import has returned.
final class FeaturePipeline<Summary>: @unchecked Sendable {
    /// A batch of checked features, with how far the reader had got.
    struct Batch {
        var features: [Feature] = []
        /// Each feature's properties as the reader recorded them, when it records them.
        var recorded: [RecordedProperties] = []
        var bytesRead = 0
        /// The index of the first feature of the batch in the file.
        var firstIndex = 0
    }

    private let condition = NSCondition()
    private var queue: [Batch] = []
    /// Batches written and handed back, to be freed by the producer (``written(_:)``).
    private var spent: [Batch] = []
    private var head = 0
    private let depth: Int
    private var producerDone = false
    private var consumerStopped = false
    private var failure: (any Error)?
    private var summary: Summary?
    private let ended = DispatchSemaphore(value: 0)

    private init(depth: Int) { self.depth = depth }

    /// Runs `produce` on its own thread and `consume` on this one; returns what `produce`
    /// returned and what `consume` returned. An error of either is thrown here, after the
    /// producer's thread has ended.
    static func run<Consumed>(depth: Int, produce: @escaping (FeaturePipeline) throws -> Summary,
                            consume: (FeaturePipeline) throws -> Consumed) throws -> (Summary, Consumed) {
        let pipeline = FeaturePipeline(depth: depth)
        let body = UncheckedBox(produce)
        Thread.detachNewThread {
            pipeline.finish(Result<Summary, any Error> { try body.value(pipeline) })
        }
        defer { pipeline.close() }
        let result = try consume(pipeline)
        guard let summary = try pipeline.waitForSummary() else { throw CancellationError() }
        return (summary, result)
    }

    /// The producer's hand-over: false when the consumer has stopped (then stop producing).
    /// The batches the consumer has written are freed here, on the thread that allocated them.
    func send(_ batch: Batch) -> Bool {
        var written: [Batch] = []
        condition.lock()
        swap(&written, &spent)
        while queue.count - head >= depth && !consumerStopped { condition.wait() }
        let accepted = !consumerStopped
        if accepted {
            queue.append(batch)
            condition.broadcast()
        }
        condition.unlock()
        written.removeAll()
        return accepted
    }

    /// The consumer's hand-back of a batch it has written, for the producer to free. Freed on
    /// the consumer's thread, each feature's memory went back to the producer's malloc arena
    /// under that arena's lock, against the producer's own allocations: the buildings'
    /// import took 0.22 s instead of 0.17 (BENCHMARKS.md).
    func written(_ batch: Batch) {
        condition.lock()
        spent.append(batch)
        condition.unlock()
    }

    /// The next batch, nil once the producer has finished and every batch was taken; the
    /// producer's error when it failed.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !producerDone { condition.wait() }
        if head < queue.count {
            let batch = queue[head]
            queue[head] = Batch()
            head += 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    private func finish(_ outcome: Result<Summary, any Error>) {
        condition.lock()
        switch outcome {
        case .success(let s): summary = s
        case .failure(let e): failure = e
        }
        producerDone = true
        condition.broadcast()
        condition.unlock()
        ended.signal()
    }

    private func waitForSummary() throws -> Summary? {
        condition.lock()
        defer { condition.unlock() }
        while !producerDone { condition.wait() }
        if let failure { throw failure }
        return summary
    }

    /// Stops the producer (its next `send` returns false) and waits until its thread ends.
    private func close() {
        condition.lock()
        consumerStopped = true
        condition.broadcast()
        condition.unlock()
        ended.wait()
    }
}

/// A value handed to another thread that only that thread uses from then on.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
