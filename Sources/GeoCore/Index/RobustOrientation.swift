/// The side of a directed segment on which a point lies, computed exactly.
///
/// A floating-point filter (GEOS's `orientationIndexFilter`, error bound 1e-15 × the
/// magnitudes) decides almost every case; the rest are settled with exact expansion
/// arithmetic (error-free sums and FMA products), so points exactly on a segment are
/// recognised as such. GEOS settles those with double-double arithmetic: the same sign.
public enum RobustOrientation {
    /// +1 when `q` lies left of (counter-clockwise from) the segment p1→p2, -1 when right,
    /// 0 when exactly on its line.
    @inline(__always)
    public static func index(_ p1x: Double, _ p1y: Double, _ p2x: Double, _ p2y: Double,
                             _ qx: Double, _ qy: Double) -> Int {
        let detLeft = (p1x - qx) * (p2y - qy)
        let detRight = (p1y - qy) * (p2x - qx)
        let det = detLeft - detRight
        let detSum: Double
        if detLeft > 0 {
            if detRight <= 0 { return signum(det) }
            detSum = detLeft + detRight
        } else if detLeft < 0 {
            if detRight >= 0 { return signum(det) }
            detSum = -detLeft - detRight
        } else {
            return signum(det)
        }
        let bound = 1e-15 * detSum
        if det >= bound || -det >= bound { return signum(det) }
        return exactIndex(p1x, p1y, p2x, p2y, qx, qy)
    }

    @inline(__always)
    private static func signum(_ v: Double) -> Int { v > 0 ? 1 : (v < 0 ? -1 : 0) }

    /// Sign of (p2 - p1) × (q - p1), exactly.
    static func exactIndex(_ p1x: Double, _ p1y: Double, _ p2x: Double, _ p2y: Double,
                           _ qx: Double, _ qy: Double) -> Int {
        let (ax, axe) = twoDiff(p2x, p1x)
        let (ay, aye) = twoDiff(p2y, p1y)
        let (bx, bxe) = twoDiff(qx, p1x)
        let (by, bye) = twoDiff(qy, p1y)
        // (ax + axe)(by + bye) - (ay + aye)(bx + bxe), every product split exactly in two.
        var terms: [Double] = []
        terms.reserveCapacity(16)
        for (u, v, sign) in [(ax, by, 1.0), (ax, bye, 1.0), (axe, by, 1.0), (axe, bye, 1.0),
                             (ay, bx, -1.0), (ay, bxe, -1.0), (aye, bx, -1.0), (aye, bxe, -1.0)] {
            let (p, e) = twoProduct(u, v)
            terms.append(sign * p)
            terms.append(sign * e)
        }
        return signOfExactSum(terms)
    }

    /// The sign of the exact sum of `terms` (Shewchuk's grow-expansion: the result's
    /// components do not overlap, so the largest nonzero one carries the sign).
    static func signOfExactSum(_ terms: [Double]) -> Int {
        var expansion: [Double] = []
        expansion.reserveCapacity(terms.count)
        for t in terms where t != 0 {
            var q = t
            var next: [Double] = []
            next.reserveCapacity(expansion.count + 1)
            for e in expansion {
                let (s, err) = twoSum(q, e)
                if err != 0 { next.append(err) }
                q = s
            }
            if q != 0 { next.append(q) }
            expansion = next
        }
        guard let top = expansion.last else { return 0 }
        return top > 0 ? 1 : -1
    }

    @inline(__always)
    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    @inline(__always)
    static func twoDiff(_ a: Double, _ b: Double) -> (Double, Double) {
        twoSum(a, -b)
    }

    @inline(__always)
    static func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
        let p = a * b
        return (p, (-p).addingProduct(a, b))   // fused: the exact rounding error of a × b
    }
}
