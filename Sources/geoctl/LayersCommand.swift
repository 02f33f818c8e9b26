import ArgumentParser
import GeoCore
import Layers

/// `geoctl layers`
struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "layers", abstract: "List the store's layers.")

    @Option(help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let layers: [LayerInfo]
        do { layers = try store.layers(includeRestricted: visibility.includeRestricted) } catch { throw fail(error) }
        if format == .json {
            print(JSONValue.array(layers.map { ReportJSON.layer($0) }).compactText)
            return
        }
        var table = TextTable("name", "kind", "features", "geometry", "visibility", "version", "imported_at")
        for l in layers {
            table.add(l.name, l.kind.rawValue, String(l.featureCount), l.geometryKinds.map(\.rawValue).joined(separator: ","),
                      l.visibility.rawValue, String(l.version), l.importedAt)
        }
        print(table.render(format))
    }
}
