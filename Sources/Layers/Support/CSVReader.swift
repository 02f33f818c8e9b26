#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, CRLF or LF, a UTF-8 BOM),
/// one record at a time, in bounded memory.
public final class CSVReader {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var pos = 0
    private var end = 0
    private var atEOF = false
    public let source: String
    /// 1-based line of the record last returned.
    public private(set) var line = 0
    private var nextLine = 1
    /// The line of the record last returned when its quoted field was still open at the end
    /// of the input (RFC 4180 lets a quoted field span lines, so only the end tells); nil
    /// otherwise. Such a record holds the rest of the file.
    public private(set) var unclosedQuoteLine: Int?

    /// Reads `path`, or standard input for `-`.
    public init(path: String) throws(ConfigurationError) {
        source = path == "-" ? "<stdin>" : path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw ConfigurationError(file: path, reason: "cannot read: \(String(cString: strerror(errno)))", isIOError: true) }
            ownsDescriptor = true
            var st = stat()
            if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw ConfigurationError(file: path, reason: "cannot read: \(String(cString: strerror(EISDIR)))", isIOError: true)
            }
        }
        // Skip a UTF-8 byte order mark.
        if fill(), end - pos >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
    }

    /// Reads CSV text held in memory (a request body); `source` names it in errors.
    public init(bytes: [UInt8], source: String) {
        self.source = source
        fd = -1
        ownsDescriptor = false
        buffer = bytes
        end = bytes.count
        atEOF = true
        if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
    }

    deinit { if ownsDescriptor { close(fd) } }

    private func fill() -> Bool {
        if pos < end { return true }
        if atEOF { return false }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { atEOF = true; return false }
        pos = 0
        end = n
        return true
    }

    /// The next record's fields, or nil at the end. Invalid UTF-8 is replaced, not fatal.
    public func next() -> [String]? {
        guard fill() else { return nil }
        line = nextLine
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var afterQuote = false
        while fill() {
            let c = buffer[pos]
            pos += 1
            if quoted {
                if c == UInt8(ascii: "\"") {
                    if fill(), buffer[pos] == UInt8(ascii: "\"") { field.append(c); pos += 1 } else { quoted = false; afterQuote = true }
                } else {
                    if c == 0x0A { nextLine += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                afterQuote = false
            case UInt8(ascii: "\"") where field.isEmpty && !afterQuote:
                quoted = true
            case 0x0D:
                continue
            case 0x0A:
                nextLine += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return fields
            default:
                field.append(c)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        if quoted { unclosedQuoteLine = line }
        return fields
    }
}
