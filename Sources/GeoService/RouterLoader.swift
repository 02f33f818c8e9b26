import Dispatch
import Layers
import Logging

/// Builds routers from the store and the rules: the first one at start, then the next one
/// whenever the fingerprint changes (off the request path, on a dispatch queue).
public struct RouterLoader: Sendable {
    let configuration: ServiceConfiguration

    public init(configuration: ServiceConfiguration) { self.configuration = configuration }

    /// A router for the store and rules as they are now. With `previous` and unchanged rules,
    /// unchanged layers are shared (``Layers/Router/refreshed(from:)``).
    public func load(previous: LoadedRouter?) throws -> LoadedRouter {
        let store = try configuration.openStore()
        let fingerprint = try StoreFingerprint.read(store: store, rulesPath: configuration.rulesPath)
        let catalog = try store.layers(includeRestricted: true)
        let router: Layers.Router
        if let previous, previous.fingerprint.rulesDigest == fingerprint.rulesDigest {
            router = try previous.router.refreshed(from: store)
        } else {
            let rules = try RoutingRules(path: configuration.rulesPath)
            // As every command: rules route on public layers only, so no answer reveals a restricted one.
            for name in rules.layerNames where !catalog.contains(where: { $0.name == name && $0.visibility == .public }) {
                throw ServiceError.rulesNameHiddenLayer(name)
            }
            router = try Layers.Router(store: store, rules: rules)
        }
        return LoadedRouter(router: router, catalog: catalog, fingerprint: fingerprint)
    }

    /// The fingerprint as it is now.
    func fingerprint(store: any LayerStore) throws -> StoreFingerprint {
        try StoreFingerprint.read(store: store, rulesPath: configuration.rulesPath)
    }

    /// ``load(previous:)`` on a dispatch queue, so a long build never occupies the threads
    /// that answer requests.
    func loadInBackground(previous: LoadedRouter?) async throws -> LoadedRouter {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try load(previous: previous) })
            }
        }
    }
}
