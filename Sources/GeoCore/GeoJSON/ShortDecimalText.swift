extension JSONText {
    /// Appends a non-integral `value` the way `value.description` writes it, without making a
    /// String, when its shortest round-trip text is a plain decimal of at most 15 significant
    /// digits and magnitude between 10^-4 and 10^15 (coordinates, distances, areas); false,
    /// with nothing written, otherwise.
    ///
    /// Why it is the same text: for k = 0, 1, … it takes m, the integer nearest value·10^k,
    /// and stops at the first k where m / 10^k reads back as value (m < 2^53 and 10^k ≤ 10^22
    /// are exact, so that one division is rounded as a reader rounds the decimal). Decimals of
    /// at most 15 significant digits lie further apart than a double's spacing, so at most one
    /// with k fraction digits reads back as value: the fewest digits that round-trip, which is
    /// what `description` writes (plain, between 10^-4 and 2^53). A test compares the two on
    /// millions of values.
    static func appendShortDecimal(_ value: Double, to out: inout [UInt8]) -> Bool {
        let magnitude = Swift.abs(value)
        guard magnitude >= 1e-4, magnitude < 1e15 else { return false }
        var k = 0
        while k <= 15 {
            let scale = powersOfTen[k]
            let scaled = magnitude * scale
            guard scaled < 1e15 else { return false }
            // Rounded by truncating scaled + 0.5: one instruction where `rounded()` calls libm.
            // The two differ only when scaled lies about halfway between integers, where no
            // integer divided by the scale reads back as value anyway.
            let m = Double(UInt64(scaled + 0.5))
            guard m < 1e15 else { return false }
            if m / scale == magnitude {
                guard k > 0 else { return false }  // integral: the caller's integer path
                if value < 0 { out.append(UInt8(ascii: "-")) }
                let digits = UInt64(m), unit = UInt64(scale)
                appendInteger(Int64(digits / unit), to: &out)
                out.append(UInt8(ascii: "."))
                appendDigits(digits % unit, width: k, to: &out)
                return true
            }
            k += 1
        }
        return false
    }
}
