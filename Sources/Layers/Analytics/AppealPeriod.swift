/// The period appeals are counted in, in the analysis's zone.
public enum AppealPeriod: String, Sendable, CaseIterable {
    case day, week, month, quarter

    /// The label of the period holding local time `local` (seconds as if UTC):
    /// `2024-03-05`, `2024-W09` (ISO 8601 week), `2024-03`, `2024-Q1`.
    public func label(local: Double) -> String {
        let k = key(local: local)
        return label(key: k)
    }

    /// A sortable integer for the period holding `local`: consecutive periods differ by 1.
    public func key(local: Double) -> Int {
        let d = Int((local / 86400).rounded(.down))
        switch self {
        case .day: return d
        case .week:
            // Monday-based weeks counted from Monday 1969-12-29.
            return (d + 3 >= 0 ? (d + 3) / 7 : (d + 3 - 6) / 7)
        case .month:
            let (y, m, _) = CivilTime.civil(days: d)
            return y * 12 + (m - 1)
        case .quarter:
            let (y, m, _) = CivilTime.civil(days: d)
            return y * 4 + (m - 1) / 3
        }
    }

    /// The label of a period key from ``key(local:)``.
    public func label(key k: Int) -> String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }
        switch self {
        case .day:
            let (y, m, d) = CivilTime.civil(days: k)
            return "\(y)-\(two(m))-\(two(d))"
        case .week:
            // The ISO year is the year of the week's Thursday.
            let monday = k * 7 - 3
            let (y, _, _) = CivilTime.civil(days: monday + 3)
            let jan4 = CivilTime.days(year: y, month: 1, day: 4)
            let week1Monday = jan4 - ((jan4 + 3) % 7 + 7) % 7
            return "\(y)-W\(two((monday - week1Monday) / 7 + 1))"
        case .month:
            return "\(k / 12)-\(two(k % 12 + 1))"
        case .quarter:
            return "\(k / 4)-Q\(k % 4 + 1)"
        }
    }
}
