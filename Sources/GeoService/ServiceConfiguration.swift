import Layers

/// Everything `geoctl serve` is told: where the layers and rules are, where to listen, who may
/// read restricted layers, and the limits that keep one client from starving the others.
public struct ServiceConfiguration: Sendable {
    /// Whether the service watches the store and the rules file and swaps in a new router.
    public enum ReloadMode: String, Sendable, CaseIterable {
        case auto
        case off
    }

    /// The store's path (SpatiaLite), for logs and the default ``openStore``.
    public var storePath: String
    public var rulesPath: String
    /// Loopback unless told otherwise.
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// YAML: API key → the restricted layers it may read.
    public var apiKeysPath: String?
    public var reload: ReloadMode = .auto
    /// How often the default change source looks at the catalog versions and the rules file.
    public var pollInterval: Duration = .milliseconds(250)
    /// The largest request body accepted (POST /route); larger gets 413.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Largest single header field and whole header block, in bytes; more gets the connection closed.
    public var maxHeaderBytes: Int = 16 * 1024
    /// A connection with no request for this long is closed.
    public var idleTimeout: Duration = .seconds(60)
    /// The most features one OGC API items page returns.
    public var maxItemsPerPage: Int = 10_000
    /// Where connections and handlers run (see ``ServiceThreading``); `GEOCTL_SERVE_THREADING`
    /// overrides it.
    public var threading: ServiceThreading = .eventLoop
    /// Whether `GET /route` requests that route are answered in the connection's pipeline
    /// (``RouteFastPath``); the same bytes either way. `GEOCTL_SERVE_FAST_ROUTE=0` turns it off.
    public var answerRouteOnEventLoop = true
    /// How many event-loop threads serve connections; nil: one per core (NIO's shared group).
    /// On a machine shared with other work (a load generator, a database), fewer loops than
    /// cores trade peak throughput for shorter tails: see BENCHMARKS.md.
    public var eventLoopThreads: Int?
    /// Opens the store; the default opens ``storePath`` as SpatiaLite. A PostGIS store plugs in here.
    public var openStore: @Sendable () throws -> any LayerStore
    /// Tells the reloader when to look again; polling by default, a push source (PostgreSQL
    /// NOTIFY) plugs in here.
    public var changeSource: (any StoreChangeSource)?

    public init(storePath: String, rulesPath: String) {
        self.storePath = storePath
        self.rulesPath = rulesPath
        openStore = { try SpatiaLiteStore(path: storePath, create: false) }
    }
}
