import Foundation

/// Tail probabilities and the Benjamini–Hochberg false-discovery-rate adjustment.
public enum Significance {
    /// Two-sided p-value of a standard normal z.
    public static func twoSidedNormal(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// Benjamini–Hochberg adjusted p-values (q-values), in the input's order: q_(k) =
    /// min over j ≥ k of p_(j) · m / j, at most 1 (as R's `p.adjust(method = "BH")`).
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let m = p.count
        guard m > 0 else { return [] }
        let order = p.indices.sorted { (p[$0], $0) < (p[$1], $1) }
        var q = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m, through: 1, by: -1) {
            let i = order[rank - 1]
            running = min(running, p[i] * Double(m) / Double(rank))
            q[i] = min(1, running)
        }
        return q
    }

    /// P(X ≥ k) for X ~ Poisson(mean): the upper tail, summed from k outwards in logs so
    /// that large counts neither overflow nor underflow to a false 0 or 1.
    public static func poissonUpper(_ k: Int, mean: Double) -> Double {
        guard k > 0 else { return 1 }
        guard mean > 0 else { return 0 }
        // Below the mean the upper tail is large: take 1 − P(X ≤ k − 1).
        if Double(k) <= mean { return max(0, 1 - poissonLowerSum(k - 1, mean: mean)) }
        let logFirst = Double(k) * log(mean) - mean - lgamma(Double(k) + 1)
        var term = 1.0, sum = 1.0, j = k
        while term > 1e-17 * sum {
            j += 1
            term *= mean / Double(j)
            sum += term
            if j > k + 100_000 { break }
        }
        return min(1, exp(logFirst + log(sum)))
    }

    static func poissonLowerSum(_ k: Int, mean: Double) -> Double {
        // Σ_{j ≤ k} from the top term downwards.
        let logTop = Double(k) * log(mean) - mean - lgamma(Double(k) + 1)
        var term = 1.0, sum = 1.0
        var j = k
        while j > 0, term > 1e-17 * sum {
            term *= Double(j) / mean
            sum += term
            j -= 1
        }
        return min(1, exp(logTop + log(sum)))
    }

    /// P(X ≥ k) for X ~ NegativeBinomial with mean `mean` and size `size` (the Poisson–gamma
    /// mixture: variance mean + mean²/size), summed in logs as ``poissonUpper(_:mean:)``.
    /// SciPy's `nbinom.sf(k - 1, size, size / (size + mean))`.
    public static func negativeBinomialUpper(_ k: Int, mean: Double, size: Double) -> Double {
        guard k > 0 else { return 1 }
        guard mean > 0 else { return 0 }
        guard size.isFinite else { return poissonUpper(k, mean: mean) }
        let logP = log(size / (size + mean)), logQ = log(mean / (size + mean))
        func logTerm(_ j: Int) -> Double { lgamma(Double(j) + size) - lgamma(size) - lgamma(Double(j) + 1) + size * logP + Double(j) * logQ }
        let q = mean / (size + mean)
        if Double(k) <= mean {
            // Large tail: 1 − P(X ≤ k − 1), summed from k − 1 downwards.
            let top = logTerm(k - 1)
            var sum = 1.0, term = 1.0, j = k - 1
            while j > 0, term > 1e-17 * sum {
                term *= Double(j) / ((Double(j) - 1 + size) * q)
                sum += term
                j -= 1
            }
            return max(0, 1 - min(1, exp(top + log(sum))))
        }
        let first = logTerm(k)
        var sum = 1.0, term = 1.0, j = k
        while term > 1e-17 * sum {
            term *= (Double(j) + size) / Double(j + 1) * q
            sum += term
            j += 1
            if j > k + 10_000_000 { break }
        }
        return min(1, exp(first + log(sum)))
    }

    /// P(X ≥ k) for X ~ Binomial(n, p), exact, summed in logs.
    public static func binomialUpper(_ k: Int, n: Int, p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n, p > 0 else { return 0 }
        guard p < 1 else { return 1 }
        let lp = log(p), lq = log1p(-p)
        func logTerm(_ j: Int) -> Double { lgamma(Double(n) + 1) - lgamma(Double(j) + 1) - lgamma(Double(n - j) + 1) + Double(j) * lp + Double(n - j) * lq }
        if Double(k) <= Double(n) * p {
            // Large tail: 1 − P(X ≤ k − 1), summed from k − 1 downwards.
            let top = logTerm(k - 1)
            var sum = 1.0, term = 1.0, j = k - 1
            while j > 0, term > 1e-17 * sum {
                term *= Double(j) / Double(n - j + 1) * (1 - p) / p
                sum += term
                j -= 1
            }
            return max(0, 1 - min(1, exp(top + log(sum))))
        }
        let first = logTerm(k)
        var sum = 1.0, term = 1.0, j = k
        while j < n, term > 1e-17 * sum {
            term *= Double(n - j) / Double(j + 1) * p / (1 - p)
            sum += term
            j += 1
        }
        return min(1, exp(first + log(sum)))
    }
}
