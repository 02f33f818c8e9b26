import Dispatch
import GeoCore

extension Router {
    /// Routes many points on `threads` cores at once (the router is shared, read-only). Results
    /// come back in input order. `categories[i]` is a category index, or -1 for an unknown
    /// category (that row gets ``RouteFlags/invalidInput``).
    public func route(x: [Double], y: [Double], categories: [Int], threads: Int = 2) -> [RouteResult] {
        precondition(x.count == y.count && y.count == categories.count)
        let n = x.count
        var results = [RouteResult](repeating: RouteResult(), count: n)
        let workers = Swift.max(1, Swift.min(threads, n / 1024 + 1))
        results.withUnsafeMutableBufferPointer { out in
            let sink = UnsafeSink(base: out.baseAddress!)
            x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in
                    categories.withUnsafeBufferPointer { cs in
                        let input = UnsafeInput(x: xs.baseAddress!, y: ys.baseAddress!, c: cs.baseAddress!)
                        DispatchQueue.concurrentPerform(iterations: workers) { w in
                            let start = n * w / workers, end = n * (w + 1) / workers
                            for i in start ..< end {
                                sink.base[i] = route(x: input.x[i], y: input.y[i], category: input.c[i])
                            }
                        }
                    }
                }
            }
        }
        return results
    }
}

/// Raw pointers handed to worker threads; each worker touches its own slice only.
private struct UnsafeSink: @unchecked Sendable {
    let base: UnsafeMutablePointer<RouteResult>
}

private struct UnsafeInput: @unchecked Sendable {
    let x: UnsafePointer<Double>
    let y: UnsafePointer<Double>
    let c: UnsafePointer<Int>
}
