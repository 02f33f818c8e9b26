import ArgumentParser
import Layers

/// `geoctl set LAYER [--owner] [--sphere] [--kind] [--visibility] [--start-field] [--end-field] [--guarantee-field]`
struct SetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a layer's kind, sphere, owner, visibility or date fields without re-importing it.",
        discussion: """
        One transaction; the features and the version stay as they are, and the catalog records \
        when the metadata changed (`show`: metadata changed at). An empty value (--owner "") \
        clears the sphere or the owner, or sets a date field back to its default.
        """)

    @Argument(help: "The layer.")
    var layer: String

    @Option(help: "What the layer holds: \(LayerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: LayerKind?

    @Option(help: "The sphere (\"\" clears it).")
    var sphere: String?

    @Option(help: "The organisation that owns the layer (\"\" clears it).")
    var owner: String?

    @Option(help: "public or restricted.")
    var visibility: Visibility?

    @OptionGroup var dateFields: DateFieldOptions

    @OptionGroup var visibilityOptions: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if kind == nil && sphere == nil && owner == nil && visibility == nil && !dateFields.isGiven {
            throw ValidationError("name at least one of --kind, --sphere, --owner, --visibility, --start-field, --end-field, --guarantee-field")
        }
    }

    func run() throws {
        let store = try storeOptions.open()
        let info = try visibilityOptions.visibleLayer(layer, in: store)
        var wanted = info.metadata
        if let kind { wanted.kind = kind }
        if let sphere { wanted.sphere = sphere.isEmpty ? nil : sphere }
        if let owner { wanted.owner = owner.isEmpty ? nil : owner }
        if let visibility { wanted.visibility = visibility }
        wanted.dateFields = dateFields.applied(to: wanted.dateFields)
        let changes = info.metadata.changes(to: wanted)
        if changes.isEmpty {
            print("\(info.name): unchanged — the metadata is already so")
            return
        }
        do { _ = try store.updateMetadata(of: info.name, to: wanted) } catch { throw fail(error) }
        print("\(info.name): \(changes.joined(separator: ", "))")
    }
}
