import ArgumentParser
import Foundation
import GeoCore
import Layers
import PostGISStore

/// `--store PATH|URL`, else `$GEOCTL_STORE`, else `./geoctl.sqlite`. A `postgresql://` URL
/// opens a PostGIS store (see README, "One region, many towns").
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The store: a SpatiaLite file or a postgresql://user@host:port/db?schema=NAME URL (default: $GEOCTL_STORE, else ./geoctl.sqlite).")
    var store: String?

    var path: String {
        store ?? ProcessInfo.processInfo.environment["GEOCTL_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "geoctl.sqlite"
    }

    /// Opens the store; only `import` creates it.
    func open(create: Bool = false) throws -> any LayerStore {
        do {
            return try StoreFactory.open(path, create: create)
        } catch {
            throw fail(error)
        }
    }

    /// The folder holding the store (for sidecar files); the current folder for a database.
    var folder: String {
        if StoreFactory.isPostgres(path) { return FileManager.default.currentDirectoryPath }
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path
    }
}

/// `--include-restricted`: restricted layers are invisible to every command without it.
struct VisibilityOptions: ParsableArguments {
    @Flag(name: .long, help: "Also show restricted layers.")
    var includeRestricted = false

    /// The layer if it exists and may be shown; otherwise the same "no layer" error either
    /// way, so a restricted layer's existence does not leak.
    func visibleLayer(_ name: String, in store: any LayerStore) throws -> LayerInfo {
        let info: LayerInfo?
        do { info = try store.layer(named: name) } catch { throw fail(error) }
        guard let info, info.visibility == .public || includeRestricted else {
            throw fail(StoreError.noSuchLayer(name))
        }
        return info
    }
}

extension LayerKind: ExpressibleByArgument {}
extension Visibility: ExpressibleByArgument {}
extension InvalidGeometryPolicy: ExpressibleByArgument {}

/// Every feature of a visible layer, in import order.
func loadLayer(_ name: String, from store: any LayerStore, visibility: VisibilityOptions) throws -> [Feature] {
    let info = try visibility.visibleLayer(name, in: store)
    var features: [Feature] = []
    do { try store.forEachFeature(of: info.name, filter: .all) { features.append($0) } } catch { throw fail(error) }
    return features
}
