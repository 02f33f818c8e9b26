/// Which properties of a works, outage or repair layer hold each feature's dates, as the
/// catalog keeps them. A nil name means the default (`start`, `end`, `guarantee_until`); a
/// command's flag (`--start-field` …) wins over the catalog.
public struct DateFieldNames: Sendable, Hashable {
    /// The property holding the start.
    public var start: String?
    /// The property holding the end.
    public var end: String?
    /// For repairs: the property holding the end of the guarantee.
    public var guarantee: String?

    public init(start: String? = nil, end: String? = nil, guarantee: String? = nil) {
        self.start = start
        self.end = end
        self.guarantee = guarantee
    }

    /// No name recorded: every field at its default.
    public var isEmpty: Bool { start == nil && end == nil && guarantee == nil }

    /// The defaults when neither a flag nor the catalog names a field.
    public static let defaultStart = "start"
    public static let defaultEnd = "end"
    public static let defaultGuarantee = "guarantee_until"
}
