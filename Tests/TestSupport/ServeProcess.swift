import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real `geoctl serve` process on a store, stopped with SIGTERM by ``stop()`` (call it in a
/// `defer`, so it stops when the test fails too).
public final class ServeProcess: @unchecked Sendable {
    public let process = Process()
    /// The port it listens on; 0 when it never said so (it is then stopped).
    public let port: Int
    private let log = Mutex("")

    /// Starts `binary serve --store STORE --rules RULES --port 0 EXTRA…` in `directory` and
    /// waits (at most 60 s) for the line that names its port.
    public init(binary: String, in directory: URL, store: String, rules: String, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--store", store, "--rules", rules, "--port", "0"] + extra
        process.currentDirectoryURL = directory
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var port = 0
        let deadline = Date().addingTimeInterval(60)
        while port == 0 && Date() < deadline {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: "listening on http://127.0.0.1:") {
                port = Int(seen[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
        }
        self.port = port
        log.withLock { $0 = seen }
        // Keep reading the log, so the server never blocks on a full pipe, and for the assertions.
        let handle = err.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                log.withLock { $0 += String(decoding: chunk, as: UTF8.self) }
            }
        }
        if port == 0 { stop() }
    }

    public var stderr: String { log.withLock { $0 } }

    /// SIGTERM, then waits (at most 15 s) for the exit.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

