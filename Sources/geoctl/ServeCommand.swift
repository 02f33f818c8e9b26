import ArgumentParser
import Foundation
import GeoService
import Layers
import Logging
import PostGISStore
import Synchronization

/// `geoctl serve`: the HTTP routing service (see GeoService).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve routing, what-is-here, MapIt, Open311 discovery and OGC API – Features over HTTP.",
        discussion: """
        Loads the router from --store and --rules, then answers on --host:--port (loopback by \
        default). With --reload auto (the default) it watches the store's catalog and the rules \
        file and swaps in a new router without dropping a request (on a postgresql:// store it \
        LISTENs and reloads at once on NOTIFY, polling the catalog while that connection is down); a failed reload keeps the old \
        one and /readyz names the error. SIGTERM or SIGINT stops accepting, lets in-flight \
        requests finish (at most 10 s) and exits 0. The endpoints are described at /openapi.json.
        """)

    @Option(help: "The routing rules (YAML or JSON); default $GEOCTL_RULES.") var rules: String?
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(name: .customLong("api-keys"), help: "YAML: API key → the restricted layers it may read (header X-API-Key).") var apiKeys: String?
    @Option(help: "auto: reload when the store or the rules change; off: never.") var reload: ServiceConfiguration.ReloadMode = .auto
    @Option(name: .customLong("max-body-mb"), help: "The largest request body accepted, in MiB.") var maxBodyMB = 16
    @Option(help: "Event-loop threads serving connections (default: one per core).") var threads: Int?
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may wait for its next request (or a stalled request for its next byte) before it is closed.")
    var idleTimeout = 60
    @OptionGroup var storeOptions: StoreOptions

    var rulesPath: String? {
        rules ?? ProcessInfo.processInfo.environment["GEOCTL_RULES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if rulesPath == nil { throw ValidationError("name the routing rules with --rules FILE (or set GEOCTL_RULES)") }
        if !(0 ... 65535).contains(port) { throw ValidationError("--port must be 0…65535") }
        if !(1 ... 1024).contains(maxBodyMB) { throw ValidationError("--max-body-mb must be 1…1024") }
        if let threads, !(1 ... 256).contains(threads) { throw ValidationError("--threads must be 1…256") }
        if !(1 ... 3600).contains(idleTimeout) { throw ValidationError("--idle-timeout must be 1…3600 seconds") }
    }

    func run() throws {
        // Swift concurrency keeps its own pool: installing NIO's event loops as the global
        // executor halved req/s at 16 and 64 connections here (BENCHMARKS.md), though it
        // helped a single connection. The command stays synchronous so the root does too.
        _ = try storeOptions.open()  // a missing store is an I/O error before anything listens
        let location = storeOptions.path
        // The store opens through the same factory as every other command; GeoService gets
        // only the opener (and, on PostgreSQL, a change source), so it never links libpq.
        var configuration = ServiceConfiguration(storePath: StoreFactory.displayName(location), rulesPath: rulesPath!)
        configuration.openStore = { try StoreFactory.open(location, create: false) }
        configuration.host = host
        configuration.port = port
        configuration.apiKeysPath = apiKeys
        configuration.reload = reload
        configuration.maxBodyBytes = maxBodyMB * 1024 * 1024
        configuration.eventLoopThreads = threads
        configuration.idleTimeout = .seconds(idleTimeout)
        var logger = Logger(label: "geoctl.serve")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        if StoreFactory.isPostgres(location) {
            // Reload at once on NOTIFY; poll the catalog versions while the connection is down.
            configuration.changeSource = PostGISChangeSource(url: location, pollInterval: configuration.pollInterval, logger: logger)
        }
        let server: GeoServer
        do {
            server = try GeoServer(configuration: configuration, logger: logger) { port in
                // The address actually bound (useful with --port 0), for people and scripts.
                FileHandle.standardError.write(Data("geoctl serve: listening on http://\(host):\(port)\n".utf8))
            }
        } catch {
            throw fail(error)
        }
        let finished = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        Task {
            do { try await server.run() } catch { failure.withLock { $0 = error } }
            finished.signal()
        }
        finished.wait()
        if let error = failure.withLock({ $0 }) { throw fail(error) }
    }
}

extension ServiceConfiguration.ReloadMode: ExpressibleByArgument {}
