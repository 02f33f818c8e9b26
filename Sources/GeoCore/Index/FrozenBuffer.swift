/// An immutable copy of an array in memory the class owns, for hot loops shared by threads.
///
/// Reading a Swift array from several threads is safe, but every copy of the array (or of
/// a struct holding it) bumps a shared reference count, and two cores contending for that
/// count cost more than the work. Indexes keep a `FrozenBuffer` alive and read through its
/// plain ``pointer`` instead: no reference counting on the hot path.
public final class FrozenBuffer<Element>: @unchecked Sendable {
    /// Never written after `init`, so any number of threads may read it.
    public let pointer: UnsafePointer<Element>
    public let count: Int

    public init(_ elements: [Element]) {
        let p = UnsafeMutablePointer<Element>.allocate(capacity: max(1, elements.count))
        _ = UnsafeMutableBufferPointer(start: p, count: elements.count).initialize(from: elements)
        pointer = UnsafePointer(p)
        count = elements.count
    }

    deinit {
        UnsafeMutablePointer(mutating: pointer).deinitialize(count: count)
        UnsafeMutablePointer(mutating: pointer).deallocate()
    }

    /// The contents as an array (for tests and serialisation).
    public var array: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
