import Foundation

/// Reads a batch's chunks on a thread of its own, up to six chunks ahead of the caller (a few MB each), so
/// that parsing the next chunk overlaps routing and writing this one (on two cores, parsing
/// and everything else then take about one core each). Chunks and the reader's error come
/// out in the order the reader produced them, exactly as calling the reader in turn would.
final class ChunkPrefetcher: @unchecked Sendable {
    /// One chunk: its rows (empty at the end) and the input's bytes read after it.
    typealias Chunk = (rows: [AppealRow], bytesRead: Int)

    private let reader: AppealBatchReader
    private let chunkSize: Int
    private let condition = NSCondition()
    // Guarded by `condition`:
    private var ready: [Result<Chunk, any Error>] = []
    private var stopping = false
    private var running = true

    private static let depth = 6

    /// Starts reading `reader` in chunks of `chunkSize` rows.
    init(reader: AppealBatchReader, chunkSize: Int) {
        self.reader = reader
        self.chunkSize = chunkSize
        let thread = Thread { [self] in run() }
        thread.name = "geoctl batch reader"
        thread.start()
    }

    private func run() {
        while true {
            condition.lock()
            while ready.count >= Self.depth && !stopping { condition.wait() }
            if stopping { break }
            condition.unlock()
            let result = Result { () throws -> Chunk in
                let rows = try reader.nextRows(limit: chunkSize)
                return (rows, reader.bytesRead)
            }
            condition.lock()
            ready.append(result)
            condition.broadcast()
            if case .success(let chunk) = result, !chunk.rows.isEmpty {
                condition.unlock()
                continue
            }
            break  // the end, or an error: nothing more to read
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk (empty rows at the end), or the error the reader threw for it.
    func next() throws -> Chunk {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty {
            // A stopped reader thread leaves nothing more: the end.
            guard running else { return ([], reader.bytesRead) }
            condition.wait()
        }
        let result = ready.removeFirst()
        condition.broadcast()
        return try result.get()
    }

    /// Stops reading ahead and waits for the thread to finish the chunk it is reading; the
    /// reader is the caller's again after this.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }
}
