import ArgumentParser
import Layers

/// `geoctl check layer LAYER`.
struct CheckLayerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layer",
        abstract: "Generic checks for any layer: validity, empty and null geometries, duplicate ids, mixed types, region.",
        discussion: """
        The expected region (geoctl region) is the explicit one, else the extent of the other \
        layers imported without region warnings, grown by half its size; a feature outside it \
        is reported, as swapped lat/lon when swapping puts it inside.
        """)

    @Argument(help: "The layer to check.") var layer: String
    @Option(help: "The property holding feature ids (default: the GeoJSON id).") var idField: String?
    @OptionGroup var outputOptions: CheckOutputOptions
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let features = try loadLayer(layer, from: store, visibility: visibility)
        let report: CheckReport
        do {
            let info = try visibility.visibleLayer(layer, in: store)
            let region = try ExpectedRegion(store: store, excluding: info.name)
            report = try LayerCheck.run(features: features, layer: layer, region: region, idField: idField)
        } catch let e as ExitCode { throw e } catch { throw fail(error) }
        try outputOptions.finish(report)
    }
}
