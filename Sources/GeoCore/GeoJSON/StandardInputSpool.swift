#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Standard input made readable twice: a pipe is copied to an anonymous temporary file in
/// `$TMPDIR` (unlinked as soon as it is created, so nothing is left behind even if the process
/// is killed); a file redirected with `<` is used as it is.
public enum StandardInputSpool {
    /// A descriptor positioned at the start of standard input's contents; the caller closes it.
    public static func descriptor() throws(GeoJSONError) -> Int32 {
        var st = stat()
        if fstat(0, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { return dup(0) }
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var name = Array((directory + "/geoctl-stdin-XXXXXX").utf8CString)
        let fd = name.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))") }
        name.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(0, buffer, chunk)
            if n < 0 { if errno == EINTR { continue }; close(fd); throw failure("read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            var written = 0
            while written < n {
                let w = write(fd, buffer + written, n - written)
                if w < 0 {
                    if errno == EINTR { continue }
                    close(fd)
                    throw failure("cannot spool to \(directory): \(String(cString: strerror(errno)))")
                }
                written += w
            }
        }
        lseek(fd, 0, SEEK_SET)
        return fd
    }

    private static func failure(_ reason: String) -> GeoJSONError {
        GeoJSONError(source: "<stdin>", featureIndex: nil, line: 0, column: 0, byteOffset: 0, reason: reason)
    }
}
