import CByteSearch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a legacy `crs` member that comes *after* the `features` array, as Python's
/// `json.dump` writes it, before the first feature is read: so a projected file is read as
/// projected from its first coordinate, wherever its `crs` member stands.
///
/// It works on input that can be read twice: a regular file (by path or descriptor, read
/// again through its own 1 MiB buffer) or a document held in memory. A cheap byte search for `"crs"` past the array's start settles
/// the common case (no such member) without parsing; only when the bytes are there is the
/// rest of the document skimmed, member by member. Any syntax error in the skim is left to
/// the main pass, which reports it with its line and column.
enum TrailingCRS {
    /// Where the look-ahead can read the document again.
    enum Source {
        /// The reader's own buffer holds the whole document.
        case memory
        /// A regular file, reopened by path.
        case file(String)
    }

    /// The `crs` member after the features array whose `[` is at `scanner.pos`, or nil.
    static func find(after scanner: JSONScanner, source: Source) -> LegacyCRS? {
        switch source {
        case .memory:
            guard mentionsCRS(scanner.buffer + scanner.pos, count: scanner.end - scanner.pos) else { return nil }
            var side = scanner
            return skim(&side)
        case .file(let path):
            // Read through a buffer, never mapped: memory stays flat however large the file.
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            let offset = scanner.offset(scanner.pos)
            guard fileMentionsCRS(fd, from: offset), lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else { return nil }
            let capacity = 1 << 20
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            var side = JSONScanner(buffer: buffer, capacity: capacity, filled: 0, fd: fd, source: scanner.source,
                                   maxDepth: scanner.maxDepth, cachingStrings: false)
            defer { side.buffer.deallocate() }
            side.bufferBase = offset
            side.depth = scanner.depth
            return skim(&side)
        }
    }

    /// Whether `"crs"` occurs in the file past `offset`, read in 1 MiB chunks (a match may
    /// straddle two chunks, so each chunk after the first starts 4 bytes early).
    private static func fileMentionsCRS(_ fd: Int32, from offset: Int) -> Bool {
        let chunk = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var at = offset
        while true {
            let n = pread(fd, buffer, chunk, off_t(at))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            if mentionsCRS(buffer, count: n) { return true }
            if n < chunk { return false }
            at += n - 4
        }
    }

    /// Whether the bytes `"crs"` occur at all: a vector search in C (SSE2), about three times
    /// glibc's memmem here, which took 4 % of a whole parse. (GeoJSON has a quote every few
    /// bytes, so a search from quote to quote is slower still; Swift's SIMD types compiled
    /// to a loop per lane.)
    private static func mentionsCRS(_ start: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        geoctl_mentions_crs(start, count) != 0
    }

    /// Skips the features array and the members after it, returning the `crs` one's value.
    private static func skim(_ s: inout JSONScanner) -> LegacyCRS? {
        do {
            try s.skipValue()
            while true {
                if try s.commaOrClose(UInt8(ascii: "}")) { return nil }
                guard try s.peekRequired() == UInt8(ascii: "\"") else { return nil }
                let key = try s.scanString()
                try s.expect(UInt8(ascii: ":"), "':' after a member name")
                if key == "crs" { return try s.legacyCRS() }
                try s.skipValue()
            }
        } catch {
            return nil
        }
    }

    /// A path that reopens descriptor `fd` when it is a regular file (standard input
    /// redirected from a file), else nil.
    static func reopenablePath(ofDescriptor fd: Int32) -> String? {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if os(Linux)
        return "/proc/self/fd/\(fd)"
        #else
        return "/dev/fd/\(fd)"
        #endif
    }
}

extension JSONScanner {
    /// Reads a legacy `crs` object: `{"type": "name", "properties": {"name": "EPSG:3857"}}`
    /// or the older `{"type": "EPSG", "properties": {"code": 3857}}`; null means none.
    mutating func legacyCRS() throws(GeoJSONError) -> LegacyCRS? {
        let location = location(pos)
        let value = try parseValue()
        if value == .null { return nil }
        guard case .object(let object) = value, case .object(let properties)? = object["properties"] else {
            throw error("\"crs\" must be an object with \"properties\"", at: location)
        }
        if let name = properties["name"]?.stringValue {
            return LegacyCRS(name: name)
        }
        if let code = properties["code"]?.doubleValue, code == code.rounded() {
            return .epsg(Int(code))
        }
        throw error("\"crs\" names no CRS (expected properties.name such as \"EPSG:4326\")", at: location)
    }
}
