/// A layer's catalog metadata that a user chooses: what it holds, its sphere, its owner,
/// who may see it, and which properties hold its features' dates. It can change without a re-import (``LayerStore/updateMetadata(of:to:)``).
public struct LayerMetadata: Sendable, Hashable {
    public var kind: LayerKind
    public var sphere: String?
    public var owner: String?
    public var visibility: Visibility
    public var dateFields: DateFieldNames

    public init(kind: LayerKind, sphere: String?, owner: String?, visibility: Visibility, dateFields: DateFieldNames = DateFieldNames()) {
        self.kind = kind
        self.sphere = sphere
        self.owner = owner
        self.visibility = visibility
        self.dateFields = dateFields
    }

    /// Each field that differs in `other`, as `owner: "A" → "B"` (`none` for no value).
    public func changes(to other: LayerMetadata) -> [String] {
        func show(_ v: String?) -> String { v.map { "\"\($0)\"" } ?? "none" }
        func field(_ v: String?) -> String { v.map { "\"\($0)\"" } ?? "default" }
        var list: [String] = []
        if kind != other.kind { list.append("kind: \(kind.rawValue) → \(other.kind.rawValue)") }
        if sphere != other.sphere { list.append("sphere: \(show(sphere)) → \(show(other.sphere))") }
        if owner != other.owner { list.append("owner: \(show(owner)) → \(show(other.owner))") }
        if visibility != other.visibility { list.append("visibility: \(visibility.rawValue) → \(other.visibility.rawValue)") }
        if dateFields.start != other.dateFields.start { list.append("start field: \(field(dateFields.start)) → \(field(other.dateFields.start))") }
        if dateFields.end != other.dateFields.end { list.append("end field: \(field(dateFields.end)) → \(field(other.dateFields.end))") }
        if dateFields.guarantee != other.dateFields.guarantee {
            list.append("guarantee field: \(field(dateFields.guarantee)) → \(field(other.dateFields.guarantee))")
        }
        return list
    }
}
