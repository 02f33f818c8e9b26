import CoreMetrics
import Layers
import Prometheus
import Synchronization

/// The service's metrics through swift-metrics, collected by its own Prometheus registry
/// (one per application, so tests and the process do not share counters) and served as
/// Prometheus text at `/metrics`.
///
/// - `geoctl_http_requests_total{route,method,status}`: requests by route template and status.
/// - `geoctl_http_request_duration_seconds{route}`: a latency histogram.
/// - `geoctl_reloads_total`, `geoctl_reload_failures_total`: router reloads and failures.
/// - `geoctl_layer_version{layer}`: the loaded (public) layers and their catalog versions.
/// - `geoctl_router_loaded_timestamp_seconds`: when the current router was swapped in.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let requests = Mutex<[RequestKey: RequestMetrics]>([:])
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let layerGauges = Mutex<[String: CoreMetrics.Gauge]>([:])
    let reloads: CoreMetrics.Counter
    let reloadFailures: CoreMetrics.Counter
    let loadedAt: CoreMetrics.Gauge

    struct RequestMetrics {
        let counter: CoreMetrics.Counter
        let timer: CoreMetrics.Timer

        func record(elapsed: Duration) {
            counter.increment()
            timer.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
    }

    struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["geoctl_http_request_duration_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.factory = factory
        reloads = CoreMetrics.Counter(label: "geoctl_reloads_total", dimensions: [], factory: factory)
        reloadFailures = CoreMetrics.Counter(label: "geoctl_reload_failures_total", dimensions: [], factory: factory)
        loadedAt = CoreMetrics.Gauge(label: "geoctl_router_loaded_timestamp_seconds", dimensions: [], factory: factory)
    }

    /// Counts one answered request and its latency: one lock to find the (route, method,
    /// status) entry, made on first use; after that no allocation, no label strings.
    func recordRequest(route: String, method: String, status: Int, elapsed: Duration) {
        requestMetrics(route: route, method: method, status: status).record(elapsed: elapsed)
    }

    /// The counter and timer of one route, method and status, made on first use; the fast
    /// path keeps the one it records into.
    func requestMetrics(route: String, method: String, status: Int) -> RequestMetrics {
        let key = RequestKey(route: route, method: method, status: status)
        return requests.withLock { table in
            if let e = table[key] { return e }
            let timer = timers.withLock { timers in
                if let t = timers[route] { return t }
                let t = CoreMetrics.Timer(label: "geoctl_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
                timers[route] = t
                return t
            }
            let e = RequestMetrics(
                counter: CoreMetrics.Counter(label: "geoctl_http_requests_total",
                                             dimensions: [("route", route), ("method", method), ("status", String(status))],
                                             factory: factory),
                timer: timer)
            table[key] = e
            return e
        }
    }

    func recordReload(_ loaded: LoadedRouter) {
        reloads.increment()
        loadedAt.record(loaded.loadedAt)
        for (layer, version) in loaded.router.layerVersions {
            let gauge = layerGauges.withLock { table in
                if let g = table[layer] { return g }
                let g = CoreMetrics.Gauge(label: "geoctl_layer_version", dimensions: [("layer", layer)], factory: factory)
                table[layer] = g
                return g
            }
            gauge.record(version)
        }
    }

    func recordReloadFailure() { reloadFailures.increment() }

    /// Everything, in Prometheus text exposition format.
    public func exposition() -> [UInt8] {
        var out: [UInt8] = []
        registry.emit(into: &out)
        return out
    }
}
