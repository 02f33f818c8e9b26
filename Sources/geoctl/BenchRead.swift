import ArgumentParser
import GeoCore
import Layers

/// `geoctl bench read LAYER…`: a layer read from the store as the router, coverage and check
/// read it (every feature, in import order), median seconds of runs.
struct BenchRead: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read whole layers from the store: median seconds and features/s.",
        discussion: "Compare stores by running it with --store on each (SpatiaLite file, postgresql:// URL).")

    @Argument(help: "Layers.") var layers: [String]
    @Option(help: "Runs per layer; the median is reported.") var runs = 3
    @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        var table = TextTable("layer", "features", "seconds", "features/s")
        for layer in layers {
            var times: [Double] = []
            var count = 0
            for _ in 0 ..< max(1, runs) {
                let start = Terminal.now()
                count = 0
                do { try store.forEachFeature(of: layer, filter: .all) { _ in count += 1 } } catch { throw fail(error) }
                times.append(Terminal.now() - start)
            }
            let median = times.sorted()[times.count / 2]
            table.add(layer, String(count), fixed(median, 3), fixed(Double(count) / median, 0))
        }
        print(table.render(format))
    }
}
