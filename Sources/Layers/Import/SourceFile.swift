#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GeoCore

/// An import's input, hashed: a file as it is, or standard input spooled to a temporary
/// file (so it can be read twice: once to check, once to write) in `$TMPDIR`.
struct SourceFile {
    /// What to call it in messages and the catalog: the path as given, or `<stdin>`.
    let displayName: String
    /// The file to read.
    let path: String
    let sha256: String
    let size: Int
    private let temporary: Bool

    /// Hashes `path` (or spools and hashes standard input for `-`).
    init(_ given: String, progress: ((Int) -> Void)? = nil) throws(ImportError) {
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
            path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            temporary = true
            defer { close(fd) }
            while true {
                let n = read(0, buffer, chunk)
                if n < 0 { if errno == EINTR { continue }; unlink(path); throw .cannotRead(file: "<stdin>", reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
                var written = 0
                while written < n {
                    let w = write(fd, buffer + written, n - written)
                    if w < 0 { if errno == EINTR { continue }; unlink(path); throw .cannotWrite(file: path, reason: String(cString: strerror(errno))) }
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
        sha256 = hasher.finalize()
    }

    /// Removes the spooled copy of standard input.
    func cleanUp() {
        if temporary { unlink(path) }
    }
}
