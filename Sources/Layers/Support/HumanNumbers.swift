import GeoCore

/// Numbers as a person reads them.
public enum Rounded {
    /// A coordinate in degrees to 7 decimals (about 1 cm), without trailing zeros.
    public static func degrees(_ v: Double) -> String {
        let r = (v * 1e7).rounded() / 1e7
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// A box as `W,S,E,N`, each to 7 decimals.
    public static func box(_ b: BoundingBox) -> String {
        "\(degrees(b.minX)),\(degrees(b.minY)),\(degrees(b.maxX)),\(degrees(b.maxY))"
    }
}

/// Counts with their noun in the right number: "1 feature", "2 features".
public enum Counted {
    /// `n` and the noun, singular for exactly 1; `plural` defaults to the noun + "s".
    public static func text(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}
