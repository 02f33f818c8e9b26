import ArgumentParser
import GeoCore
import Layers

/// `geoctl import-dir DIR [--manifest FILE]`
struct ImportDirCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-dir",
        abstract: "Import every .geojson file of a folder as a layer each; one failure does not stop the rest.",
        discussion: "Per-layer metadata (name, kind, sphere, owner, visibility, CRS, id field) comes from a YAML or JSON manifest; see the README. Exit code 1 when any file failed.")

    @Argument(help: "The folder.")
    var directory: String

    @Option(help: "A YAML or JSON manifest with per-layer metadata.")
    var manifest: String?

    @Flag(help: "Replace layers that exist already.")
    var replace = false

    @Option(name: .customLong("on-invalid"), help: "Invalid geometries, for every file: reject, repair or skip (default: the manifest's, else reject).")
    var onInvalid: InvalidGeometryPolicy?

    @Option(help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open(create: true)
        let plan: Manifest
        do { plan = try manifest.map { try Manifest(path: $0) } ?? Manifest() } catch { throw fail(error) }
        let importer = DirectoryImporter(importer: LayerImporter(store: store, sidecarFolder: storeOptions.folder))
        let bar = Progress("import-dir \(directory)", total: nil)
        let outcomes: [DirectoryImporter.Outcome]
        do {
            outcomes = try importer.importDirectory(directory, manifest: plan, replace: replace, onInvalid: onInvalid) { done, total, _ in
                bar.update(phase: "files", done: done, total: total, items: done)
            }
        } catch {
            bar.finish()
            throw fail(error)
        }
        bar.finish()
        var table = TextTable(columns: ["file", "layer", "outcome", "version", "features", "seconds", "message"],
                              keys: ["file", "layer", "outcome", "version", "features", "seconds", "message"])
        for o in outcomes {
            if let r = o.report {
                let message = r.outcome == .metadataUpdated ? r.metadataChanges.joined(separator: ", ")
                    : r.warnings.isEmpty ? "" : "\(r.warnings.count) warning\(r.warnings.count == 1 ? "" : "s")"
                table.add(cells: .text(o.file), .text(o.layer), .text(r.outcome.rawValue), .int(r.layer.version), .int(r.layer.featureCount),
                          .number(r.seconds, 2), message.isEmpty ? .null : .text(message))
            } else {
                table.add(cells: .text(o.file), .text(o.layer), .text("failed"), .null, .null, .null,
                          .text(o.failure?.split(separator: "\n").first.map(String.init) ?? ""))
            }
        }
        print(table.render(format))
        for n in outcomes.flatMap({ $0.report?.notes ?? [] }) { Terminal.note("geoctl: note: \(n)") }
        let failed = outcomes.filter { $0.failure != nil }
        for f in failed { Terminal.error(f.failure ?? "") }
        Terminal.note("\(Counted.text(outcomes.count, "file")): \(outcomes.count - failed.count) ok, \(failed.count) failed")
        if !failed.isEmpty { throw ExitStatus.badInput }
    }
}
