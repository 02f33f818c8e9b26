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

/// What a batch run did: counts per outcome and per organisation, and whether every row
/// failed for one reason (which usually means the input, not the rows, is wrong).
public struct BatchRoutingSummary: Sendable {
    /// Rows read.
    public var total = 0
    /// Rows routed to an organisation.
    public var routed = 0
    /// Rows no rule matched, in categories without a fallback.
    public var unrouted = 0
    /// Rows that could not be routed, by the kind of problem.
    public var problems: [AppealRowProblem.Kind: Int] = [:]
    /// Routed rows per organisation, most first (ties in directory order).
    public var perOrganisation: [(organisation: Organisation, appeals: Int)] = []
    /// The CRS the input was transformed from, or nil for WGS84.
    public var sourceCRS: String?

    /// Rows with a problem.
    public var errors: Int { problems.values.reduce(0, +) }

    /// The one reason every row failed for, when there were rows and all of them failed the
    /// same way; `unrouted` as `nil` kind when none matched any rule.
    public var unanimousFailure: (kind: AppealRowProblem.Kind?, rows: Int)? {
        guard total > 0, routed == 0 else { return nil }
        if unrouted == total { return (nil, total) }
        if unrouted == 0, problems.count == 1, let (kind, n) = problems.first { return (kind, n) }
        return nil
    }
}

extension Router {
    /// Rows per chunk of a batch: read, routed and written together (small enough that the
    /// last chunk, routed and written after everything is read, is short).
    public static let batchChunkSize = 8_192

    /// Routes a whole batch, chunk by chunk: read a chunk (on a thread of its own, up to six
    /// chunks ahead), route it on `threads` cores, write it in order. Memory stays at a few
    /// chunks whatever the input's size. Bad rows become error rows; they never stop the
    /// others. `progress` gets bytes read and rows done.
    public func routeBatch(from reader: AppealBatchReader, to writer: RoutedAppealWriter, threads: Int = 2,
                           chunkSize: Int = Router.batchChunkSize, progress: ((Int, Int) -> Void)? = nil) throws -> BatchRoutingSummary {
        var summary = BatchRoutingSummary()
        var counts = [Int](repeating: 0, count: organisations.count)
        var lookup = CategoryLookup(router: self)
        reader.prepare(for: writer.format)
        // The next chunks are parsed on another thread while this one is routed and written.
        reader.startReadingAhead(chunkSize: chunkSize)
        defer { reader.stopReadingAhead() }
        try writer.begin()
        while true {
            var (rows, bytesRead) = try reader.nextChunk(limit: chunkSize)
            if rows.isEmpty { break }
            // One pass over the rows by index (a row copied out retains each of its strings).
            var categories = [Int](repeating: -1, count: rows.count)
            var xs = [Double](repeating: .nan, count: rows.count), ys = xs
            var failed = [Bool](repeating: false, count: rows.count)
            for i in rows.indices {
                if let c = lookup.index(of: rows[i].category) {
                    categories[i] = c
                } else if rows[i].problem == nil {
                    let known = rules.categories.map(\.id).joined(separator: ", ")
                    rows[i].problem = AppealRowProblem(.unknownCategory, "unknown category \"\(rows[i].category)\" (known: \(known))")
                }
                if let problem = rows[i].problem {
                    categories[i] = -1
                    failed[i] = true
                    summary.problems[problem.kind, default: 0] += 1
                }
                xs[i] = rows[i].lon
                ys[i] = rows[i].lat
            }
            let results = route(x: xs, y: ys, categories: categories, threads: threads)
            let first = summary.total + 1
            summary.total += rows.count
            for i in results.indices where !failed[i] {
                let organisation = results[i].organisation
                if organisation < 0 {
                    summary.unrouted += 1
                } else {
                    summary.routed += 1
                    counts[Int(organisation)] += 1
                }
            }
            // CSV rows are formatted on every core (formatting, not routing, is most of a batch's time).
            switch writer.format {
            case .csv: try writer.writeCSV(firstNumber: first, rows: rows, results: results, categories: categories, router: self)
            case .geojson: try writer.writeGeoJSON(firstNumber: first, rows: rows, results: results, categories: categories, router: self)
            }
            progress?(bytesRead, summary.total)
        }
        reader.stopReadingAhead()
        try writer.finish()
        summary.sourceCRS = reader.sourceCRS
        summary.perOrganisation = counts.enumerated()
            .filter { $0.element > 0 }
            .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .map { (organisations[$0.offset], $0.element) }
        return summary
    }
}
