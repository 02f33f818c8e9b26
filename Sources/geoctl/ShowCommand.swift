import ArgumentParser
import GeoCore
import Layers

/// `geoctl show LAYER`
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a layer's metadata, extent and property schema.")

    @Argument(help: "The layer.")
    var layer: String

    @Option(help: "Output: table or json.")
    var format: ReportFormat = .table

    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let info = try visibility.visibleLayer(layer, in: store)
        var samples: [String: [String]] = [:]
        do {
            for c in info.columns { samples[c.property] = try store.sampleValues(of: info.name, column: c, limit: 3) }
        } catch { throw fail(error) }
        if format == .json {
            print(ReportJSON.layer(info, samples: samples).compactText)
            return
        }
        var meta = TextTable("field", "value")
        meta.add("name", info.name)
        meta.add("kind", info.kind.rawValue)
        meta.add("sphere", info.sphere ?? "")
        meta.add("owner", info.owner ?? "")
        meta.add("visibility", info.visibility.rawValue)
        if !info.dateFields.isEmpty || [.works, .outage, .repair].contains(info.kind) {
            let f = info.dateFields
            var dates = "start \(f.start ?? DateFieldNames.defaultStart), end \(f.end ?? DateFieldNames.defaultEnd)"
            if f.guarantee != nil || info.kind == .repair { dates += ", guarantee \(f.guarantee ?? DateFieldNames.defaultGuarantee)" }
            meta.add("date fields", dates)
        }
        meta.add("features", String(info.featureCount))
        meta.add("geometry", "\(info.geometryKinds.map(\.rawValue).joined(separator: ", ")) (column \(info.geometryColumnType), EPSG:4326)")
        meta.add("extent (W,S,E,N)", info.extent.map(Rounded.box) ?? "empty")
        meta.add("source", "\(info.sourceFile) (\(info.sourceCRS))")
        meta.add("sha256", info.sourceSHA256)
        meta.add("version", String(info.version))
        meta.add("imported at", info.importedAt)
        meta.add("metadata changed at", info.metadataChangedAt ?? "never")
        if info.regionWarnings > 0 {
            meta.add("region warnings", "\(info.regionWarnings) (not part of the expected region; see geoctl region)")
        }
        print(meta.render(.table))
        print("")
        var schema = TextTable("property", "column", "type", "samples")
        for c in info.columns {
            schema.add(c.property, c.column, c.type.rawValue, (samples[c.property] ?? []).joined(separator: " | "))
        }
        print(schema.render(.table))
    }
}
