#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Recodes a byte stream with the C library's iconv, chunk by chunk, in bounded memory.
/// Bytes the source encoding does not define become U+FFFD in UTF-8 output, never a failure.
///
/// JSON punctuation is ASCII, which every encoding here shares, so a whole GeoJSON text
/// sequence whose strings GDAL passed through as raw bytes can be recoded as one stream.
final class TextRecoder {
    private let stages: [IconvStage]

    init(from: TextEncoding, to: TextEncoding) throws(ImportError) {
        stages = [try IconvStage(from: from, to: to)]
    }

    /// Several recodings one after another (e.g. UTF-8 back to CP1251 bytes, then those bytes
    /// read as KOI8-R).
    init(chain: [(TextEncoding, TextEncoding)]) throws(ImportError) {
        var s: [IconvStage] = []
        for (from, to) in chain { s.append(try IconvStage(from: from, to: to)) }
        stages = s
    }

    /// Recodes `input` and appends the result to `output`.
    func recode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var current = Array(input)
        for stage in stages {
            var next: [UInt8] = []
            current.withUnsafeBytes { stage.recode($0, into: &next) }
            current = next
        }
        output.append(contentsOf: current)
    }

    /// Recodes a whole byte array (for samples and tests).
    static func recode(_ bytes: [UInt8], from: TextEncoding, to: TextEncoding) throws(ImportError) -> [UInt8] {
        let r = try TextRecoder(from: from, to: to)
        var out: [UInt8] = []
        bytes.withUnsafeBytes { r.recode($0, into: &out) }
        return out
    }
}

/// One iconv conversion, keeping an incomplete trailing sequence for the next chunk.
final class IconvStage {
    private let handle: iconv_t
    private let from: String
    private let to: String
    /// Bytes of an incomplete sequence at the end of the previous chunk.
    private var pending: [UInt8] = []

    init(from: TextEncoding, to: TextEncoding) throws(ImportError) {
        self.from = from.rawValue
        self.to = to.rawValue
        let h = iconv_open(to.rawValue, from.rawValue)
        guard let h, h != iconv_t(bitPattern: -1) else {
            throw .cannotRead(file: "<iconv>", reason: "the C library cannot recode \(from) to \(to)")
        }
        handle = h
    }

    deinit { iconv_close(handle) }

    /// Recodes `input` and appends the result to `output`.
    func recode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var bytes = pending
        bytes.append(contentsOf: input)
        pending.removeAll()
        var out = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        bytes.withUnsafeMutableBytes { inBuf in
            out.withUnsafeMutableBytes { outBuf in
                var inPtr = inBuf.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                while inLeft > 0 {
                    if iconv(handle, &inPtr, &inLeft, &outPtr, &outLeft) != -1 { break }
                    switch errno {
                    case EINVAL:
                        // An incomplete sequence: keep it for the next chunk.
                        pending = Array(UnsafeRawBufferPointer(start: inPtr, count: inLeft))
                        inLeft = 0
                    case EILSEQ:
                        // A byte the source does not define: U+FFFD (or '?'), and go on.
                        let replacement: [UInt8] = to == "UTF-8" ? [0xEF, 0xBF, 0xBD] : [0x3F]
                        for r in replacement where outLeft > 0 {
                            outPtr!.pointee = CChar(bitPattern: r)
                            outPtr! += 1
                            outLeft -= 1
                        }
                        inPtr = inPtr! + 1
                        inLeft -= 1
                    default:
                        inLeft = 0
                    }
                }
                output.append(contentsOf: UnsafeRawBufferPointer(start: outBuf.baseAddress, count: outBuf.count - outLeft))
            }
        }
    }
}
