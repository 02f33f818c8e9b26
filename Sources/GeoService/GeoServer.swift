import Foundation
import Hummingbird
import HummingbirdCore
import Layers
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The HTTP service behind `geoctl serve`: a Hummingbird application whose routes call
/// Layers and answer JSON. Tests drive ``application`` in-process (HummingbirdTesting) or
/// over a socket; the CLI runs it with graceful shutdown on SIGTERM/SIGINT.
public struct GeoServer: Sendable {
    public let configuration: ServiceConfiguration
    /// The current router, swapped by the reloader.
    public let state: RoutingState
    public let metrics: ServiceMetrics
    /// The event loops made for ``ServiceConfiguration/eventLoopThreads``, stopped after ``run(gracePeriod:)``.
    private let ownLoops: MultiThreadedEventLoopGroup?
    public let application: Application<HeadResponder<RouterResponder<BasicRequestContext>>>
    /// Every route the application answers, as "METHOD /path/{parameter}".
    public let routes: [String]
    /// The threading in force (the configuration's, or `GEOCTL_SERVE_THREADING`'s).
    public let threading: ServiceThreading

    /// Loads the first router (an error here stops the service before it listens), reads
    /// the API keys, and builds the application. `onListening` hears the bound port.
    public init(configuration: ServiceConfiguration, logger: Logger = Logger(label: "geoctl.serve"),
                onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) throws {
        self.configuration = configuration
        let state = RoutingState()
        let metrics = ServiceMetrics()
        let loader = RouterLoader(configuration: configuration)
        let first = try loader.load(previous: nil)
        state.install(first)
        FreedMemory.release()
        metrics.recordReload(first)
        let keys = try configuration.apiKeysPath.map { try APIKeys(path: $0) } ?? APIKeys()
        let context = ServiceContext(configuration: configuration, state: state, metrics: metrics, keys: keys,
                                     store: SharedStore(open: configuration.openStore))
        let router = Hummingbird.Router()
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        let table = RouteTable()
        router.add(middleware: ProblemMiddleware(routes: table, maxBodyBytes: configuration.maxBodyBytes))
        router.add(middleware: KeyCheckMiddleware(keys: keys))
        context.addRoutes(to: router)
        routes = router.routes.map { "\($0.method) \($0.path)" }
        table.record(routes)

        var services: [any Service] = []
        if configuration.reload == .auto {
            services.append(ReloadService(state: state, loader: loader,
                                          source: configuration.changeSource ?? PollingChangeSource(interval: configuration.pollInterval),
                                          metrics: metrics, logger: logger))
        }
        let limit = configuration.maxHeaderBytes
        threading = ServiceThreading.fromEnvironment(ProcessInfo.processInfo.environment, default: configuration.threading)
        let maxBody = configuration.maxBodyBytes
        let fastRoute = configuration.answerRouteOnEventLoop && ProcessInfo.processInfo.environment["GEOCTL_SERVE_FAST_ROUTE"] != "0"
        let fastPath: (@Sendable (ConnectionLifetime) -> RouteFastPath)? = fastRoute ? { @Sendable lifetime in
            RouteFastPath(state: state, metrics: metrics, lifetime: lifetime)
        } : nil
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ExpectContinueHandler(maxBodyBytes: maxBody), MalformedRequestHandler(maxHeaderBytes: limit)],
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limit, maxHeaderListSize: limit, maxHeaderFieldCount: 100))
        let idle = configuration.idleTimeout.components
        let idleTimeout = TimeAmount.nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
        // NIO's shared loops unless `eventLoopThreads` says otherwise; those are ours to stop.
        let ownLoops = configuration.eventLoopThreads.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
        self.ownLoops = ownLoops
        let server = HTTPServerBuilder.geoctlHTTP1(configuration: http, idleTimeout: idleTimeout, threading: threading, fastPath: fastPath)
        application = Application(
            responder: HeadResponder(inner: router.buildResponder()),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil,
                                 reuseAddress: true),
            services: services,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: ownLoops.map { .shared($0) } ?? .singleton,
            logger: logger)
        self.state = state
        self.metrics = metrics
    }

    /// Runs until SIGTERM or SIGINT: then stops accepting, lets in-flight requests finish
    /// (cancelled after `gracePeriod`), and returns.
    public func run(gracePeriod: Duration = .seconds(10)) async throws {
        FreedMemory.mapLargeBuffers()
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: application)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: application.logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        configuration.maximumCancellationDuration = .seconds(2)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            try? await ownLoops?.shutdownGracefully()
            throw error
        }
        try await ownLoops?.shutdownGracefully()
    }
}
