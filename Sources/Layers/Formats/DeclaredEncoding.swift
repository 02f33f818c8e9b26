#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a legacy file says about its text encoding, and a sample of its raw text to guess
/// from when it says nothing.
struct DeclaredEncoding {
    /// The encoding the file declares, or nil.
    var encoding: TextEncoding?
    /// Where the declaration is, for messages: `roads.cpg`, `the DBF language driver byte 0x57`…
    var declaredBy: String?
    /// The name as declared, also when geoctl does not know it (then GDAL decides).
    var declaredName: String?

    /// The DBF language driver ids (byte 29 of the header) that name a Cyrillic code page.
    /// 0x57 only says "Windows ANSI", the machine's own code page (CP1251 on a Russian
    /// Windows, CP1252 elsewhere), which GDAL reads as Latin-1: it is guessed instead.
    static let languageDrivers: [UInt8: TextEncoding] = [0x65: .cp866, 0x26: .cp866, 0xC9: .cp1251]
    static let ansiLanguageDriver: UInt8 = 0x57
    /// Set when the DBF says "Windows ANSI" (0x57): declared, but not which code page.
    var ansiOnly = false

    /// Reads the declaration for `base` (the path without extension) in `format`.
    static func declared(format: SourceFormat, path: String, base: String) -> DeclaredEncoding {
        switch format {
        case .shapefile:
            if let cpg = companion(base, "cpg").flatMap(readText) {
                let name = cpg.trimming(" \r\n\t")
                return DeclaredEncoding(encoding: TextEncoding(name: name), declaredBy: "\(base).cpg", declaredName: name)
            }
            if let dbf = companion(base, "dbf"), let head = readBytes(dbf, count: 32), head.count == 32, head[29] != 0 {
                let id = head[29]
                if id == ansiLanguageDriver {
                    var d = DeclaredEncoding()
                    d.ansiOnly = true
                    return d
                }
                let hex = "0x" + String(id, radix: 16, uppercase: true)
                return DeclaredEncoding(encoding: languageDrivers[id], declaredBy: "the DBF language driver byte \(hex)", declaredName: "LDID/\(id)")
            }
        case .mapInfoTAB, .mapInfoMIF:
            if let header = readBytes(path, count: 4096).map({ String(decoding: $0, as: UTF8.self) }) {
                for line in header.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                    let t = String(line).trimming(" \t")
                    let lower = t.lowercased()
                    guard lower.hasPrefix("!charset") || lower.hasPrefix("charset") else { continue }
                    let name = t.split(separator: " ", maxSplits: 1).last.map { String($0).trimming(" \t\"") } ?? ""
                    if name.lowercased() == "neutral" || name.isEmpty { return DeclaredEncoding() }
                    return DeclaredEncoding(encoding: TextEncoding(name: name), declaredBy: "the MapInfo charset \"\(name)\"", declaredName: name)
                }
            }
        default:
            break
        }
        return DeclaredEncoding()
    }

    /// Up to `limit` bytes of the file's attribute text: the DBF records (after the header) for
    /// a Shapefile or a TAB's `.dat`, the `.mid` for a MIF, the file itself for a CSV.
    static func textSample(format: SourceFormat, path: String, base: String, limit: Int = 1 << 20) -> [UInt8] {
        func dbfRecords(_ file: String) -> [UInt8] {
            guard let all = readBytes(file, count: limit + 4096), all.count >= 32 else { return [] }
            let headerLength = Int(all[8]) | Int(all[9]) << 8
            return headerLength < all.count ? Array(all[headerLength...]) : []
        }
        switch format {
        case .shapefile: return companion(base, "dbf").map(dbfRecords) ?? []
        case .mapInfoTAB: return companion(base, "dat").map(dbfRecords) ?? []
        case .mapInfoMIF: return companion(base, "mid").flatMap { readBytes($0, count: limit) } ?? []
        case .csv: return readBytes(path, count: limit) ?? []
        default: return []
        }
    }

    /// `base.ext` in whichever case exists (`.DBF` beside `.shp` happens), or nil.
    static func companion(_ base: String, _ ext: String) -> String? {
        for candidate in [base + "." + ext, base + "." + ext.uppercased()] where access(candidate, R_OK) == 0 {
            return candidate
        }
        return nil
    }

    static func readBytes(_ path: String, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        out.removeSubrange(filled...)
        return out
    }

    static func readText(_ path: String) -> String? {
        readBytes(path, count: 1024).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension String {
    func trimming(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
