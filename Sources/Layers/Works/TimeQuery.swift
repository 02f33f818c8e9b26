/// Which features a works analysis looks at, by their time windows.
public enum TimeQuery: Sendable, Hashable {
    /// Every feature with a readable window.
    case all
    /// Features active at the instant (start ≤ t < end).
    case at(Double)
    /// Features whose window overlaps the period (half-open, as `tstzrange &&`).
    case during(TimeWindow)

    public func matches(_ w: TimeWindow) -> Bool {
        switch self {
        case .all: true
        case .at(let t): w.contains(t)
        case .during(let period): w.overlaps(period)
        }
    }

}
