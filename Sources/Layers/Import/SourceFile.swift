#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GeoCore

/// An import's input, hashed: a file as it is, or standard input spooled to a temporary
/// file (so it can be read twice: once to check, once to write) in `$TMPDIR`.
///
/// On Linux the spool file is unlinked as soon as it is created and read again through
/// `/proc/self/fd/N`, so nothing is left in `$TMPDIR` however the process ends (SIGINT,
/// SIGTERM, even SIGKILL); the kernel frees the space when the descriptor closes.
final class SourceFile {
    /// What to call it in messages and the catalog: the path as given, or `<stdin>`.
    let displayName: String
    /// The file to read.
    let path: String
    let size: Int
    /// The digest, once known (at once, or when the background hash is joined).
    private var digest: String?
    private var backgroundHash: BackgroundHash?
    private let temporary: Bool
    /// The spool file's open descriptor (kept open until ``cleanUp()``), or -1.
    private var spoolDescriptor: Int32 = -1

    /// Throws what opening `given` for reading would (a missing file, no permission, a folder), so that
    /// a command can say so before it creates anything; standard input (`-`) always passes.
    static func checkReadable(_ given: String) throws(ImportError) {
        guard given != "-" else { return }
        let (fd, info) = try openForReading(given)
        close(fd)
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotRead(file: given, reason: String(cString: strerror(EISDIR)))
        }
    }

    /// `given` opened for reading, with its status; the system's reason when either fails.
    private static func openForReading(_ given: String) throws(ImportError) -> (fd: Int32, info: stat) {
        let fd = open(given, O_RDONLY)
        guard fd >= 0 else { throw .cannotRead(file: given, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotRead(file: given, reason: reason)
        }
        return (fd, info)
    }

    /// Hashes `path` (or spools and hashes standard input for `-`). With `inBackground`, a
    /// file (not standard input) is hashed on another thread while the caller reads it too:
    /// on two cores the import's check pass then costs no extra time for the hash.
    init(_ given: String, inBackground: Bool = false, progress: ((Int) -> Void)? = nil) throws(ImportError) {
        if inBackground && given != "-" {
            displayName = given
            path = given
            temporary = false
            let (fd, info) = try Self.openForReading(given)
            size = Int(info.st_size)
            backgroundHash = BackgroundHash(descriptor: fd, name: given)
            return
        }
        var hasher = GeoCore.SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        if given == "-" {
            displayName = "<stdin>"
            let template = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/geoctl-stdin-XXXXXX"
            var name = Array(template.utf8CString)
            let fd = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw .cannotWrite(file: template, reason: String(cString: strerror(errno))) }
            let spoolPath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            #if os(Linux)
            unlink(spoolPath)
            path = "/proc/self/fd/\(fd)"
            spoolDescriptor = fd
            #else
            path = spoolPath
            defer { close(fd) }
            #endif
            temporary = true
            func abandon() {
                #if os(Linux)
                close(fd)
                #endif
                unlink(spoolPath)
            }
            while true {
                let n = read(0, buffer, chunk)
                if n < 0 { if errno == EINTR { continue }; abandon(); throw .cannotRead(file: "<stdin>", reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
                var written = 0
                while written < n {
                    let w = write(fd, buffer + written, n - written)
                    if w < 0 { if errno == EINTR { continue }; abandon(); throw .cannotWrite(file: template, reason: String(cString: strerror(errno))) }
                    written += w
                }
                total += n
                progress?(total)
            }
        } else {
            displayName = given
            path = given
            temporary = false
            let fd = open(given, O_RDONLY)
            guard fd >= 0 else { throw .cannotRead(file: given, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            while true {
                let n = read(fd, buffer, chunk)
                if n < 0 { if errno == EINTR { continue }; throw .cannotRead(file: given, reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
                total += n
                progress?(total)
            }
        }
        size = total
        digest = hasher.finalize()
    }

    /// The file's SHA-256 (hex); waits for the background hash when there is one.
    func sha256() throws(ImportError) -> String {
        if let digest { return digest }
        let d = try backgroundHash!.wait()
        digest = d
        return d
    }

    /// A converted copy of `displayName` (its files hashing to `sha256`) already written to
    /// `descriptor`, a spool file from ``makeSpool()``; closed by ``cleanUp()``.
    init(spooled descriptor: Int32, displayName: String, sha256: String, size: Int) {
        self.displayName = displayName
        #if os(Linux)
        path = "/proc/self/fd/\(descriptor)"
        #else
        path = "/dev/fd/\(descriptor)"
        #endif
        digest = sha256
        self.size = size
        temporary = true
        spoolDescriptor = descriptor
    }

    /// A new temporary file in `$TMPDIR`, unlinked at once (nothing is left behind however
    /// the process ends), as an open read-write descriptor.
    static func makeSpool(prefix: String) throws(ImportError) -> Int32 {
        let template = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/\(prefix)-XXXXXX"
        var name = Array(template.utf8CString)
        let fd = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .cannotWrite(file: template, reason: String(cString: strerror(errno))) }
        unlink(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        return fd
    }

    /// Removes the spooled copy of standard input.
    func cleanUp() {
        guard temporary else { return }
        if spoolDescriptor >= 0 {
            close(spoolDescriptor)
            spoolDescriptor = -1
        } else {
            unlink(path)
        }
    }
}

/// A file's SHA-256 computed on its own thread; ``wait()`` joins it. The thread owns the
/// descriptor it is given and closes it.
final class BackgroundHash: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written once by the hashing thread before `finished` is signalled.
    private var result: Result<String, ImportError> = .failure(.cannotRead(file: "", reason: "not hashed"))

    init(descriptor fd: Int32, name: String) {
        Thread.detachNewThread { [self] in
            result = Self.hash(fd, name: name)
            close(fd)
            finished.signal()
        }
    }

    func wait() throws(ImportError) -> String {
        finished.wait()
        finished.signal()  // later waits return at once
        return try result.get()
    }

    private static func hash(_ fd: Int32, name: String) -> Result<String, ImportError> {
        var hasher = GeoCore.SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, chunk)
            if n < 0 { if errno == EINTR { continue }; return .failure(.cannotRead(file: name, reason: String(cString: strerror(errno)))) }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
        }
        return .success(hasher.finalize())
    }
}
