#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output helpers: results on stdout, messages and progress on stderr.
enum Terminal {
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    static func error(_ message: String) {
        writeStderr("geoctl: error: \(message)\n")
    }

    static func note(_ message: String) {
        writeStderr("\(message)\n")
    }

    /// Writes text to file descriptor 2 unbuffered.
    static func writeStderr(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// CPU seconds this process has used so far, on every thread (beside a wall time on a
    /// shared machine: waiting for a core does not count).
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Peak resident memory of this process so far, in MiB.
    static func peakMemoryMiB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }
}

/// A progress line on stderr, shown only when stderr is a terminal and redrawn at most
/// ten times a second.
final class Progress {
    private let label: String
    private let total: Int?
    private let enabled: Bool
    private var lastDraw = 0.0
    private var drawn = false

    init(_ label: String, total: Int?) {
        self.label = label
        self.total = total
        enabled = Terminal.stderrIsTerminal
    }

    func update(done: Int, items: Int) {
        update(phase: nil, done: done, total: total, items: items)
    }

    /// Redraws: a bar when the total is known, else a count.
    func update(phase: String?, done: Int, total: Int?, items: Int) {
        guard enabled else { return }
        let now = Terminal.now()
        guard now - lastDraw > 0.1 else { return }
        lastDraw = now
        drawn = true
        let prefix = phase.map { "\(label) [\($0)]" } ?? label
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            Terminal.writeStderr("\r\u{1B}[2K\(prefix) \(bar) \(Int(fraction * 100))% \(items)")
        } else {
            Terminal.writeStderr("\r\u{1B}[2K\(prefix) \(items)")
        }
    }

    func finish() {
        guard enabled && drawn else { return }
        Terminal.writeStderr("\r\u{1B}[2K")
    }
}
