/// Eisel–Lemire decimal-to-binary conversion (as in the fast_float library): the Double
/// nearest to `w × 10^q`, rounded to nearest with ties to even, from one or two 64×64-bit
/// multiplications by a 128-bit power of five, with no division.
///
/// It is exact whenever it answers; it answers nil in the rare case where the truncated
/// power of five leaves the rounding undecided, and the caller then asks `strtod`.
enum EiselLemire {
    static let smallestPowerOfTen = -342
    static let largestPowerOfTen = 308

    /// The Double nearest to `w × 10^q` (positive), or nil when the product cannot decide
    /// the rounding. `w` may be any 64-bit value (a decimal of up to 19 digits fits).
    @inline(__always)
    static func double(_ w: UInt64, _ q: Int) -> Double? {
        if w == 0 || q < smallestPowerOfTen { return 0 }
        if q > largestPowerOfTen { return .infinity }
        let lz = w.leadingZeroBitCount
        let normalized = w << UInt64(lz)
        // 52 explicit mantissa bits + 3: the product's top 55 bits (+1 for the upper bit)
        // must be right, so only when the bits below them are all ones can a carry from the
        // low word of the power change the answer; then the second word is multiplied in.
        let index = 2 * (q - smallestPowerOfTen)
        let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
        var (high, low) = normalized.multipliedFullWidth(by: powersOfFive[index])
        if high & precisionMask == precisionMask {
            let second = normalized.multipliedFullWidth(by: powersOfFive[index + 1]).high
            let (sum, overflow) = low.addingReportingOverflow(second)
            low = sum
            if overflow { high &+= 1 }
            // Still all ones below: the exact product may carry into the kept bits or not.
            // (5^q fits in 128 bits exactly for -27 <= q <= 55, so there it is decided.)
            if low == UInt64.max && high & precisionMask == precisionMask && (q < -27 || q > 55) { return nil }
        }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var mantissa = high >> shift
        // The binary exponent: floor(log2(10^q)) + 63 + upperBit - lz, biased.
        var power2 = ((217_706 &* q) >> 16) &+ 63 &+ upperBit &- lz &+ 1023
        if power2 <= 0 {
            // Subnormal (or zero).
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
        }
        // An exact halfway case (possible only for -4 <= q <= 23): round to even, not up.
        if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && (mantissa << shift) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
    }
}
