import ArgumentParser
import Foundation
import Layers
import PostGISStore

/// `geoctl copy --from SRC --to DST [LAYER…]`
struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy layers with their catalog entries between two stores (SpatiaLite file or postgresql:// URL).",
        discussion: """
            Without layer names, every layer is copied, restricted ones included. Each layer is \
            written in one transaction; an existing layer in the destination needs --replace. \
            Prints one line per layer: name, features, version in the destination.
            """)

    @Option(help: "The store to copy from: a SpatiaLite file or a postgresql:// URL.") var from: String
    @Option(help: "The store to copy to (created when missing).") var to: String
    @Flag(help: "Replace layers that already exist in the destination.") var replace = false
    @Argument(help: "The layers (default: all).") var layers: [String] = []

    func run() throws {
        let source: any LayerStore, destination: any LayerStore
        do {
            source = try StoreFactory.open(from, create: false)
            destination = try StoreFactory.open(to, create: true)
        } catch { throw fail(error) }
        do {
            _ = try LayerCopier(from: source, to: destination).copy(layers, replace: replace) { info in
                print("\(info.name)\t\(info.featureCount)\t\(info.version)")
            }
        } catch { throw fail(error) }
    }
}
