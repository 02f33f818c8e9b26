/// A period of time, half-open: from `start` (included) to `end` (excluded), in seconds
/// since 1970-01-01T00:00:00Z.
///
/// Half-open as PostgreSQL's default `tstzrange '[)'`: a window that ends exactly when
/// another starts does not overlap it, and a feature is active at its start, not at its end.
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    /// Every instant (for an unbounded query).
    public static let always = TimeWindow(start: -.infinity, end: .infinity)

    /// Whether the two share an instant (`tstzrange && tstzrange`).
    public func overlaps(_ other: TimeWindow) -> Bool {
        start < other.end && other.start < end
    }

    /// Whether `instant` lies in the window: start ≤ instant < end.
    public func contains(_ instant: Double) -> Bool {
        start <= instant && instant < end
    }

    /// The shared period, or nil when they do not overlap.
    public func intersection(_ other: TimeWindow) -> TimeWindow? {
        guard overlaps(other) else { return nil }
        return TimeWindow(start: max(start, other.start), end: min(end, other.end))
    }

    public var description: String { "\(ISOTimestamp.format(start)) – \(ISOTimestamp.format(end))" }
}
