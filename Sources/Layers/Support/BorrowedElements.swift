/// An array's elements read in place by several threads, for the hot loops of an analysis:
/// reading `elements[i].geometry` through it borrows the element instead of copying it (a
/// copy retains every array inside, and two cores then contend for the counts).
///
/// Valid only inside the `withUnsafeBufferPointer` (or ``with(_:_:)``) call that made it.
struct BorrowedElements<Element>: @unchecked Sendable {
    let base: UnsafePointer<Element>
    let count: Int

    subscript(i: Int) -> Element {
        unsafeAddress { base + i }
    }

    /// Calls `body` with the array's elements borrowed in place.
    static func with<R>(_ array: [Element], _ body: (BorrowedElements<Element>) throws -> R) rethrows -> R {
        try array.withUnsafeBufferPointer { b in
            // An empty array may have no base address: any valid pointer will do, nothing is read.
            guard let base = b.baseAddress else {
                return try withUnsafeTemporaryAllocation(of: Element.self, capacity: 1) { t in
                    try body(BorrowedElements(base: UnsafePointer(t.baseAddress!), count: 0))
                }
            }
            return try body(BorrowedElements(base: base, count: b.count))
        }
    }
}
