/// An encoding attribute text arrives in: what Russian municipal files use, and UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable, CustomStringConvertible {
    case utf8 = "UTF-8"
    case cp1251 = "CP1251"
    case koi8r = "KOI8-R"
    case cp866 = "CP866"
    case latin1 = "ISO-8859-1"

    /// Reads the names people and files use: `windows-1251`, `cp1251`, `WindowsCyrillic`
    /// (MapInfo), `1251` (a `.cpg`), `koi8-r`, `CodePage866`, `utf8`…; nil when unknown.
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter || $0.isNumber }
        switch key {
        case "utf8", "65001": self = .utf8
        case "cp1251", "windows1251", "win1251", "1251", "windowscyrillic", "ansi1251", "mscp1251": self = .cp1251
        case "koi8r", "koi8", "20866", "cskoi8r": self = .koi8r
        case "cp866", "866", "ibm866", "codepage866", "oem866", "dos866": self = .cp866
        case "latin1", "iso88591", "88591", "cp1252", "windows1252", "windowslatin1", "iso885911987": self = .latin1
        default: return nil
        }
    }

    /// The names `--encoding` accepts, for messages.
    public static let accepted = "UTF-8, CP1251 (windows-1251), KOI8-R, CP866, ISO-8859-1"

    public var description: String { rawValue }
}

/// A guess at the encoding of undeclared attribute text, and why.
public struct EncodingGuess: Sendable, Equatable {
    public var encoding: TextEncoding
    public var reason: String

    /// Guesses from a sample of the raw bytes: only ASCII or valid UTF-8 is UTF-8; otherwise
    /// CP1251 and KOI8-R are scored by how Russian the decoded letters look (letter
    /// frequencies, and Russian text being mostly lower case: the two encodings swap the
    /// cases, so the wrong one reads as SHOUTED consonant soup).
    public static func guess(_ sample: [UInt8]) -> EncodingGuess {
        guard sample.contains(where: { $0 >= 0x80 }) else {
            return EncodingGuess(encoding: .utf8, reason: "the text is plain ASCII")
        }
        if isValidUTF8(sample) {
            return EncodingGuess(encoding: .utf8, reason: "the text is valid UTF-8")
        }
        let a = score(sample, .cp1251), b = score(sample, .koi8r)
        if a >= b {
            return EncodingGuess(encoding: .cp1251, reason: "not UTF-8; its letters read as Russian in windows-1251 (score \(Int(a)) against \(Int(b)) for KOI8-R)")
        }
        return EncodingGuess(encoding: .koi8r, reason: "not UTF-8; its letters read as Russian in KOI8-R (score \(Int(b)) against \(Int(a)) for windows-1251)")
    }

    /// True when `bytes` is UTF-8; a sequence cut off by the end of the sample is allowed.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let n: Int
            if b < 0x80 { i += 1; continue }
            else if b & 0xE0 == 0xC0, b >= 0xC2 { n = 1 }
            else if b & 0xF0 == 0xE0 { n = 2 }
            else if b & 0xF8 == 0xF0, b <= 0xF4 { n = 3 }
            else { return false }
            for k in 1 ... n {
                if i + k >= bytes.count { return true }
                if bytes[i + k] & 0xC0 != 0x80 { return false }
            }
            i += n + 1
        }
        return true
    }

    /// The Russian letters а…я in alphabetical order (ё apart), and their frequency in
    /// per mille in ordinary Russian text.
    private static let frequencies: [Double] = [
        80, 16, 45, 17, 30, 85, 9, 16, 74, 12, 35, 44, 32, 67, 110, 28, // а б в г д е ж з и й к л м н о п
        47, 55, 63, 26, 3, 10, 5, 14, 7, 4, 0.4, 19, 17, 3, 6, 20,       // р с т у ф х ц ч ш щ ъ ы ь э ю я
    ]
    /// KOI8-R's letters 0xC0…0xDF (lower case; 0xE0…0xFF are the same in upper case), as
    /// positions in а…я.
    private static let koi8Order: [Int] = Array("юабцдефгхийклмнопярстужвьызшэщчъ".unicodeScalars).map { Int($0.value) - 0x430 }

    /// Sum over the letters of log-frequency, with upper case letters costing extra.
    private static func score(_ sample: [UInt8], _ encoding: TextEncoding) -> Double {
        var total = 0.0
        for b in sample where b >= 0xC0 {
            let letter: Int, upper: Bool
            switch encoding {
            case .koi8r:
                letter = koi8Order[Int(b & 0x1F)]
                upper = b >= 0xE0
            default:
                letter = Int(b - 0xC0) & 0x1F
                upper = b < 0xE0
            }
            total += log2(frequencies[letter] + 0.5) - (upper ? 3 : 0)
        }
        return total
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
