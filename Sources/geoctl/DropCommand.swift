import ArgumentParser
import Layers

/// `geoctl drop LAYER`
struct DropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drop", abstract: "Remove a layer and its catalog entry, in one transaction.")

    @Argument(help: "The layer.")
    var layer: String

    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let info = try visibility.visibleLayer(layer, in: store)
        do { try store.dropLayer(named: info.name) } catch { throw fail(error) }
        Terminal.note("dropped \(info.name) (version \(info.version), \(Counted.text(info.featureCount, "feature")))")
    }
}
