import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs `geoctl` (in the test's working directory: pass absolute paths) and measures what
/// the hostile-input suite bounds: wall time and the child's own peak memory (its VmHWM),
/// with stdin from a file or streamed by a generator.
struct MeasuredRun {
    var status: Int32
    /// The signal that ended it, if any.
    var signal: Int32?
    var stdout: String
    var stderr: String
    var seconds: Double
    /// Peak resident memory of the child, in MiB.
    var peakMiB: Double

    /// Under a sanitizer (`GEOCTL_SANITIZER=address|thread`, set by `make sanitize`) the
    /// binary is slower, and its shadow memory counts as resident (about 800 MiB for any
    /// input under ASan): time bounds scale, memory bounds are not checked.
    static let memoryFactor: Double = ProcessInfo.processInfo.environment["GEOCTL_SANITIZER"] == nil ? 1 : .infinity
    static let timeFactor: Double = switch ProcessInfo.processInfo.environment["GEOCTL_SANITIZER"] {
    case "address": 4
    case "thread": 15
    default: 1
    }

    enum Input {
        case none
        case file(String)
        /// Called on its own thread with the write end of the child's stdin; closed after.
        case stream(@Sendable (Int32) -> Void)
    }

    static func geoctl(_ arguments: [String], input: Input = .none) throws -> MeasuredRun {
        _ = Glibc.signal(SIGPIPE, SIG_IGN)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-measured-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let outPath = folder + "/out", errPath = folder + "/err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeFDs: [Int32] = [-1, -1]
        switch input {
        case .none: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .stream:
            guard pipe(&pipeFDs) == 0 else { throw POSIXError(.EMFILE) }
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[0], 0)
            posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
            posix_spawn_file_actions_addclose(&actions, pipeFDs[1])
        }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([Geoctl.binary] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, Geoctl.binary, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }

        var writer: Thread?
        if case .stream(let produce) = input {
            close(pipeFDs[0])
            let fd = pipeFDs[1]
            let done = DispatchSemaphore(value: 0)
            writer = Thread {
                produce(fd)
                close(fd)
                done.signal()
            }
            writer?.start()
            defer { done.wait() }
            return try finish(pid: pid, started: started, outPath: outPath, errPath: errPath)
        }
        return try finish(pid: pid, started: started, outPath: outPath, errPath: errPath)
    }

    private static func finish(pid: pid_t, started: Date, outPath: String, errPath: String) throws -> MeasuredRun {
        // Peak memory is the child's own VmHWM, polled until it exits. (wait4's ru_maxrss
        // will not do: a spawned child inherits the test process's high-water mark, which
        // after the big tests in the same process is hundreds of MiB.)
        var status: Int32 = 0
        var usage = rusage()
        var peakKiB = 0
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { break }
            peakKiB = max(peakKiB, highWaterKiB(pid))
            usleep(2_000)
        }
        let seconds = Date().timeIntervalSince(started)
        let signalled = status & 0x7f
        return MeasuredRun(status: signalled == 0 ? (status >> 8) & 0xff : -1, signal: signalled == 0 ? nil : signalled,
                           stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                           stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
                           seconds: seconds, peakMiB: Double(peakKiB) / 1024)
    }

    /// `VmHWM` from /proc/PID/status: the peak resident memory of the process's current
    /// program, in KiB (0 once it has exited).
    private static func highWaterKiB(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}

/// Writes all of `bytes` to `fd`, stopping quietly when the reader has gone.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 { if errno == EINTR { continue }; return false }
        offset += n
    }
    return true
}
