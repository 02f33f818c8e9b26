#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file on disk is, told from its first bytes, for messages such as
/// "x.geojson is not a geoctl store: it is a GeoJSON file".
enum FileKind {
    /// The 16-byte header every SQLite 3 database starts with.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// Up to `count` bytes from the start of `path` (empty when unreadable).
    static func head(of path: String, count: Int = 4096) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        return n > 0 ? Array(bytes[0 ..< n]) : []
    }

    static func isSQLite(_ head: [UInt8]) -> Bool { head.starts(with: sqliteHeader) }

    /// "a GeoJSON file", "a ZIP archive", "a text file", … for a file that is not SQLite.
    static func describe(_ head: [UInt8]) -> String {
        if head.isEmpty { return "an empty file" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP archive" }
        if head.starts(with: [0x1F, 0x8B]) { return "a gzip file" }
        if head.starts(with: Array("%PDF".utf8)) { return "a PDF document" }
        // A truncated multi-byte character at the end of the sample still counts as text.
        let text = String(decoding: head, as: UTF8.self)
        let replaced = text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
        guard replaced <= 1, !head.contains(0) else { return "a binary file, not a SQLite database" }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            return text.contains("\"FeatureCollection\"") || text.contains("\"Feature\"") ? "a GeoJSON file" : "a JSON file"
        }
        return "a text file"
    }
}
