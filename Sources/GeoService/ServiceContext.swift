import Hummingbird
import Layers

/// What every endpoint needs: the current router, the store for feature reads, the keys,
/// the metrics and the limits.
struct ServiceContext: Sendable {
    let configuration: ServiceConfiguration
    let state: RoutingState
    let metrics: ServiceMetrics
    let keys: APIKeys
    let store: SharedStore

    /// The router to answer with, or 503 before the first load.
    func loaded() throws(Problem) -> LoadedRouter {
        guard let loaded = state.current else { throw .notReady(state.lastError ?? "no router is loaded yet") }
        return loaded
    }

    func addRoutes(to router: Hummingbird.Router<BasicRequestContext>) {
        addRoutingEndpoints(to: router)
        addHealthEndpoints(to: router)
        addMapItEndpoints(to: router)
        addOpen311Endpoints(to: router)
        addFeaturesEndpoints(to: router)
        addBatchEndpoint(to: router)
    }
}
