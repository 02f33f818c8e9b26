import ArgumentParser
import Layers

/// `--start-field`, `--end-field`, `--guarantee-field` of `import` and `set`: which properties
/// hold a works, outage or repair layer's dates, kept in the catalog for `affected` and
/// `conflicts`.
struct DateFieldOptions: ParsableArguments {
    @Option(name: .customLong("start-field"), help: "Works, outages, repairs: the property holding each feature's start (default start).")
    var start: String?
    @Option(name: .customLong("end-field"), help: "… the property holding each feature's end (default end).")
    var end: String?
    @Option(name: .customLong("guarantee-field"), help: "Repairs: the property holding the guarantee's end (default guarantee_until).")
    var guarantee: String?

    /// The names as given (an empty one is no name: the default).
    var names: DateFieldNames {
        func given(_ v: String?) -> String? { v.flatMap { $0.isEmpty ? nil : $0 } }
        return DateFieldNames(start: given(start), end: given(end), guarantee: given(guarantee))
    }

    /// Whether any flag was given at all.
    var isGiven: Bool { start != nil || end != nil || guarantee != nil }

    /// `current` with the fields the flags name replaced; "" sets a field back to its default.
    func applied(to current: DateFieldNames) -> DateFieldNames {
        var result = current
        if let start { result.start = start.isEmpty ? nil : start }
        if let end { result.end = end.isEmpty ? nil : end }
        if let guarantee { result.guarantee = guarantee.isEmpty ? nil : guarantee }
        return result
    }
}
