/// A layer's catalog metadata that a user chooses: what it holds, its sphere, its owner and
/// who may see it. It can change without a re-import (``LayerStore/updateMetadata(of:to:)``).
public struct LayerMetadata: Sendable, Hashable {
    public var kind: LayerKind
    public var sphere: String?
    public var owner: String?
    public var visibility: Visibility

    public init(kind: LayerKind, sphere: String?, owner: String?, visibility: Visibility) {
        self.kind = kind
        self.sphere = sphere
        self.owner = owner
        self.visibility = visibility
    }

    /// Each field that differs in `other`, as `owner: "A" → "B"` (`none` for no value).
    public func changes(to other: LayerMetadata) -> [String] {
        func show(_ v: String?) -> String { v.map { "\"\($0)\"" } ?? "none" }
        var list: [String] = []
        if kind != other.kind { list.append("kind: \(kind.rawValue) → \(other.kind.rawValue)") }
        if sphere != other.sphere { list.append("sphere: \(show(sphere)) → \(show(other.sphere))") }
        if owner != other.owner { list.append("owner: \(show(owner)) → \(show(other.owner))") }
        if visibility != other.visibility { list.append("visibility: \(visibility.rawValue) → \(other.visibility.rawValue)") }
        return list
    }
}
