import Foundation
import GeoCore

/// Numbers as geoctl's CSV and tables write them, straight into bytes: C's `%.*f` digits with
/// trailing zeros dropped, integers as such, without Foundation's formatting per value (a stats
/// CSV at 10^6 appeals writes half a million of them).
public enum DecimalText {
    /// The decimal digits of `value`, with a minus sign when negative (``JSONText``'s).
    @inline(__always)
    public static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        JSONText.appendInteger(Int64(value), to: &out)
    }

    /// Appends the text of a number in an output: integers as such, others with up to `decimals` digits
    /// (trailing zeros dropped), the same digits as C's `%.*f`. Values whose scaled form is far
    /// from a rounding tie are written from integer arithmetic; near a tie, or out of range, C's
    /// `snprintf` decides.
    public static func append(_ value: Double?, decimals: Int, to out: inout [UInt8]) {
        guard let v = value, v.isFinite else { return }
        if v == v.rounded(), abs(v) < 1e15 { appendInteger(Int(v), to: &out); return }
        if decimals >= 1, decimals <= 6 {
            var scale = 1
            for _ in 0 ..< decimals { scale *= 10 }
            let scaled = v * Double(scale)
            // |scaled| < 1e12: the product's rounding error is below 1.2e-4, far inside the margin.
            let fraction = abs(scaled - scaled.rounded(.towardZero))
            if abs(scaled) < 1e12, abs(fraction - 0.5) > 1e-3 {
                let r = scaled.rounded()
                if r != 0 || v > 0 {
                    let m = Int(abs(r))
                    if v < 0 { out.append(0x2D) }
                    appendInteger(m / scale, to: &out)
                    var f = m % scale, width = decimals
                    while width > 0, f % 10 == 0 { f /= 10; width -= 1 }
                    if width > 0 {
                        out.append(0x2E)
                        JSONText.appendDigits(UInt64(f), width: width, to: &out)
                    }
                    return
                }
            }
        }
        out.append(contentsOf: printf(v, decimals).utf8)
    }

    /// `%.*f` through C's snprintf, trailing zeros (and a bare point) dropped.
    static func printf(_ v: Double, _ decimals: Int) -> String {
        var s = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> String in
            let n = withVaList([Int32(decimals), v]) { vsnprintf(buffer.baseAddress!, 64, "%.*f", $0) }
            return n > 0 && n < 64 ? String(cString: buffer.baseAddress!) : String(format: "%.\(decimals)f", v)
        }
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
