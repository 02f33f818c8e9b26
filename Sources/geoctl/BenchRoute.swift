import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl bench route`: appeals routed to territories in memory, points per second.
struct BenchRoute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Route every appeal of a file to the territory covering it: points/s on one core and on all.",
        discussion: """
        The territories are imported into a temporary store and a Router is built with one rule \
        (covering territories.org, else a fallback), as `geoctl route` would. The appeals are \
        read once into arrays; then each run routes all of them; the median is reported. Also \
        reported: the join counts (appeals covered by at least one territory, appeal–territory \
        pairs under covers and under contains) to cross-check against PostGIS and GeoPandas.
        """)

    @Option(help: "Territories (GeoJSON polygons with an organisation property).") var territories: String
    @Option(help: "Appeals (GeoJSON points).") var appeals: String
    @Option(name: .customLong("organisation-property"), help: "The territories' organisation property.") var organisationProperty = "org"
    @Option(help: "Runs per measurement; the median is reported.") var runs = 5
    @Option(help: "Border check distance in metres (0: covers only).") var border = 0.0
    @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let router: Router
        let buildSeconds: Double
        var x: [Double] = [], y: [Double] = []
        let parseSeconds: Double
        do {
            let store = try SpatiaLiteStore(path: folder + "/bench.sqlite", create: true)
            _ = try LayerImporter(store: store, sidecarFolder: folder)
                .importFile(territories, options: ImportOptions(layer: "territories", kind: .territory))
            let rules = RoutingRules(
                organisations: .list([Organisation(id: "admin", name: "Администрация")]),
                categories: [AppealCategory(id: "any", nameRU: "любая", nameEN: "any", deadlineDays: 1, strategies: [
                    .covering(layer: "territories", organisationProperty: organisationProperty, borderMetres: border),
                    .fallback(organisation: "admin"),
                ])], source: "<bench>")
            let t0 = Terminal.now()
            router = try Router(store: store, rules: rules)
            buildSeconds = Terminal.now() - t0
            let t1 = Terminal.now()
            let reader = try GeoJSONReader(path: appeals)
            while let f = try reader.next() {
                guard case .point(let p)? = f.geometry else { continue }
                x.append(p.x)
                y.append(p.y)
            }
            parseSeconds = Terminal.now() - t1
        } catch {
            throw fail(error)
        }
        let n = x.count
        let categories = [Int](repeating: 0, count: n)

        func median(_ body: () -> Void) -> Double {
            var times: [Double] = []
            for _ in 0 ..< max(1, runs) {
                let t = Terminal.now()
                body()
                times.append(Terminal.now() - t)
            }
            return times.sorted()[times.count / 2]
        }
        var checksum = 0
        let single = median {
            var sum = 0
            for i in 0 ..< n { sum &+= Int(router.route(x: x[i], y: y[i], category: 0).organisation) }
            checksum = sum
        }
        let threads = ProcessInfo.processInfo.activeProcessorCount
        var results: [RouteResult] = []
        let parallel = median { results = router.route(x: x, y: y, categories: categories, threads: threads) }
        var parallelSum = 0
        for r in results { parallelSum &+= Int(r.organisation) }
        guard parallelSum == checksum else {
            Terminal.error("parallel and single-thread routing disagree")
            throw ExitStatus.badInput
        }

        // Join counts for the cross-check, straight from the index.
        var inAny = 0, coversPairs = 0, containsPairs = 0
        let index: PolygonIndex
        do {
            index = PolygonIndex(geometries: try GeoJSONReader(path: territories).readAll().map(\.geometry))
        } catch { throw fail(error) }
        for i in 0 ..< n {
            var c = 0, k = 0
            index.forEachCovering(x: x[i], y: y[i]) { _, location in
                c += 1
                if location == .interior { k += 1 }
                return true
            }
            if c > 0 { inAny += 1 }
            coversPairs += c
            containsPairs += k
        }
        var m = Measures()
        m.add("appeals", "appeals", .int(n))
        m.add("territories", "territories", .int(index.featureCount))
        m.add("border_m", "border check", Cell(json: .number(border), text: border > 0 ? "\(fixed(border, 1)) m" : "off (covers only)"))
        m.add("parse_s", "parse appeals (s)", .number(parseSeconds, 3))
        m.add("build_router_s", "build router (s)", .number(buildSeconds, 3))
        m.add("route_1_thread_s", "route, 1 thread (s)", .number(single, 4))
        m.add("points_per_s_1_thread", "points/s, 1 thread", .number(Double(n) / single, 0))
        m.add("threads", "threads", .int(threads))
        m.add("route_threads_s", "route, \(threads) threads (s)", .number(parallel, 4))
        m.add("points_per_s_threads", "points/s, \(threads) threads", .number(Double(n) / parallel, 0))
        m.add("router_index_mib", "router index memory (MiB)", .number(Double(router.memoryBytes) / 1_048_576, 2))
        m.add("peak_mib", "peak process memory (MiB)", .number(Terminal.peakMemoryMiB(), 1))
        m.add("appeals_in_a_territory", "appeals in a territory", .int(inAny))
        m.add("appeals_in_none", "appeals in none", .int(n - inAny))
        m.add("pairs_covers", "pairs under covers", .int(coversPairs))
        m.add("pairs_contains", "pairs under contains", .int(containsPairs))
        print(m.render(format))
    }
}
