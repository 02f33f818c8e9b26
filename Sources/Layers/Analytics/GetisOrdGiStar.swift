/// Getis–Ord Gi* (Ord & Getis 1995) with binary weights: each cell and its grid neighbours
/// in the study area weigh 1, every other cell 0 (`star`: a cell counts itself).
///
/// z_i = (Σ_j w_ij x_j − x̄ W_i) / (s √((n W_i − W_i²) / (n − 1))), with W_i = Σ_j w_ij,
/// x̄ the mean and s the population standard deviation of all n cells: the same numbers as
/// PySAL's `esda.G_Local(y, w, transform="B", star=True)`.
public enum GetisOrdGiStar {
    /// z-scores per cell, given each cell's neighbour list (without itself).
    public static func z(counts: [Double], neighbours: [[Int]]) -> [Double] {
        let n = Double(counts.count)
        guard counts.count > 1 else { return counts.map { _ in 0 } }
        let mean = counts.reduce(0, +) / n
        let meanSquare = counts.reduce(0) { $0 + $1 * $1 } / n
        let s = (meanSquare - mean * mean).squareRoot()
        return counts.indices.map { i in
            var sum = counts[i]
            for j in neighbours[i] { sum += counts[j] }
            let w = Double(neighbours[i].count + 1)
            let denominator = s * ((n * w - w * w) / (n - 1)).squareRoot()
            return denominator > 0 ? (sum - mean * w) / denominator : 0
        }
    }

    /// Conditional randomisation (as PySAL's `p_sim`): the cell's own count stays, its
    /// neighbours' counts are drawn without replacement from the other cells, `permutations`
    /// times; the p-value is (extreme + 1) / (permutations + 1), where extreme counts the draws at
    /// least as far out on the side of the observed sum (the folded, one-sided pseudo p-value).
    /// Doubled for a two-sided p, at most 1.
    public static func permutationP(counts: [Double], neighbours: [[Int]], permutations: Int, seed: UInt64) -> [Double] {
        let n = counts.count
        var rng = SplitMix64(seed: seed)
        var pool = [Int](repeating: 0, count: max(0, n - 1))
        return (0 ..< n).map { i in
            let k = neighbours[i].count
            guard k > 0, n > k + 1 else { return 1 }
            var observed = 0.0
            for j in neighbours[i] { observed += counts[j] }
            // Others: every cell but i.
            var m = 0
            for j in 0 ..< n where j != i { pool[m] = j; m += 1 }
            var above = 0
            for _ in 0 ..< permutations {
                var sum = 0.0
                // Partial Fisher–Yates: k distinct cells.
                for t in 0 ..< k {
                    let r = t + Int(rng.next() % UInt64(m - t))
                    pool.swapAt(t, r)
                    sum += counts[pool[t]]
                }
                if sum >= observed { above += 1 }
            }
            let extreme = min(above, permutations - above)
            return min(1, 2 * Double(extreme + 1) / Double(permutations + 1))
        }
    }
}

/// A small deterministic generator (Steele, Lea & Flood's SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
