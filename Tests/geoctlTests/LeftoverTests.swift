import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("nothing left behind")
struct LeftoverTests {
    /// Starts `import -` with a private TMPDIR, feeds it part of a file, and stops it with
    /// `signal` while it is still spooling standard input. Spawned with an empty signal mask
    /// and default handlers, as from a shell (the test runner's threads block signals, and a
    /// child would inherit that).
    func interruptedImport(_ signal: Int32) throws -> [String] {
        let s = try Scratch()
        let tmp = s.folder + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw POSIXError(.EMFILE) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = [Geoctl.binary, "import", "-", "--layer", "big", "--kind", "other", "--store", s.store]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp]) { $1 }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for e in environment { free(e) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, Geoctl.binary, &actions, &attributes, argv, environment)
        close(fds[0])
        guard spawned == 0 else { close(fds[1]); throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        // Half a document, 4 MB: geoctl is spooling it and waits for the rest.
        var text = #"{"type":"FeatureCollection","features":["#
        let feature = #"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[60.7,56.1]}},"#
        text += String(repeating: feature, count: 4_000_000 / feature.utf8.count)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            written += n
        }
        Thread.sleep(forTimeInterval: 0.3)
        var status: Int32 = 0
        #expect(waitpid(pid, &status, WNOHANG) == 0, "geoctl stopped before it was signalled")
        kill(pid, signal)
        waitpid(pid, &status, 0)
        close(fds[1])
        #expect(status & 0x7f == signal, "geoctl was not ended by signal \(signal): status \(status)")
        return listing(tmp)
    }

    @Test("SIGINT or SIGTERM during import - leaves no spool file in TMPDIR", arguments: [SIGINT, SIGTERM])
    func spoolRemoved(signal: Int32) throws {
        let left = try interruptedImport(signal)
        #expect(left.isEmpty, "left in TMPDIR: \(left)")
    }

    @Test("demo removes its temporary store; with --keep it keeps it at the path it prints")
    func demoStore() throws {
        let s = try Scratch()
        let r = try runGeoctl(["demo"], in: Geoctl.repository.path, environment: ["TMPDIR": s.folder])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("The layer store: 12 of 12 layers"))
        #expect(listing(s.folder).isEmpty, "left: \(listing(s.folder))")

        let kept = try runGeoctl(["demo", "--keep"], in: Geoctl.repository.path, environment: ["TMPDIR": s.folder])
        #expect(kept.status == 0, "\(kept.stderr)")
        let line = kept.stdout.split(separator: "\n").first { $0.contains("Kept at ") }.map(String.init) ?? ""
        let path = line.components(separatedBy: "Kept at ").last?.components(separatedBy: ". ").first ?? ""
        #expect(path.hasPrefix(s.folder) && path.hasSuffix(".sqlite"), "\(line)")
        let layers = try Geoctl.run(["layers", "--store", path])
        #expect(layers.status == 0 && layers.stdout.contains("territories"), "\(layers.stderr)")
    }
}
