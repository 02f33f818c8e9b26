import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl route`: one appeal explained, or a whole file routed in order.
struct RouteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Route appeals to the organisation responsible for the place.",
        discussion: """
        One appeal: --lon X --lat Y --category C (an explanation, or --format json). A batch: \
        --input FILE (GeoJSON points with a category property, or CSV with lon, lat and category \
        columns; - for stdin), in WGS84 unless the GeoJSON names its crs or --from-crs does (the \
        columns then hold x and y) --output FILE (.csv, or .geojson; - for stdout as CSV). Every input \
        row gives one output row in the same order; a row with bad coordinates or an unknown \
        category gets status "error" and a message. A summary per organisation goes to stderr; when \
        every row failed for one reason the output is still written and the exit code is 1. \
        The rules come from --rules, else $GEOCTL_RULES.
        """)

    @Option(help: "Longitude (WGS84).") var lon: Double?
    @Option(help: "Latitude (WGS84).") var lat: Double?
    @Option(help: "The appeal's category id (see the rules).") var category: String?

    @Option(help: "Batch input: GeoJSON points or CSV; - for stdin.") var input: String?
    @Option(help: "Batch output: .csv or .geojson; - for stdout (CSV).") var output: String?
    @Option(name: .customLong("lon-column"), help: "CSV input: the longitude column.") var lonColumn = "lon"
    @Option(name: .customLong("lat-column"), help: "CSV input: the latitude column.") var latColumn = "lat"
    @Option(name: .customLong("category-column"), help: "CSV input: the category column (GeoJSON: the property).") var categoryColumn = "category"
    @Option(name: .customLong("from-crs"), help: "Batch: the input's CRS (EPSG code, PROJ string or WKT); default the GeoJSON crs member, else WGS84 lon/lat.")
    var fromCRS: String?
    @Option(help: "Batch: worker threads.") var threads = 2

    @Option(help: "The routing rules (YAML or JSON); default $GEOCTL_RULES.") var rules: String?
    @Option(help: "Output for one appeal: table (an explanation) or json.") var format: ReportFormat = .table
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        if input == nil {
            guard lon != nil, lat != nil, category != nil else {
                throw ValidationError("give --lon, --lat and --category for one appeal, or --input and --output for a batch")
            }
        } else if output == nil {
            throw ValidationError("--input needs --output (- for stdout)")
        }
        if rulesPath == nil { throw ValidationError("name the routing rules with --rules FILE (or set GEOCTL_RULES)") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var rulesPath: String? {
        rules ?? ProcessInfo.processInfo.environment["GEOCTL_RULES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func run() throws {
        let inputFormat = input.map { AppealBatchFormat.guess(path: $0) }, outputFormat = output.map { RoutedAppealWriter.Format.guess(path: $0) }
        let options = AppealBatchOptions(lonColumn: lonColumn, latColumn: latColumn, categoryColumn: categoryColumn, sourceCRS: fromCRS)
        // A batch is parsed while the store is opened and the router built.
        let opened = input.map { BatchRoute.open(input: $0, format: inputFormat!, options: options, for: outputFormat ?? .csv) }
        let store = try storeOptions.open()
        let router: Router
        let routingRules: RoutingRules
        do { routingRules = try RoutingRules(path: rulesPath!) } catch { throw fail(error) }
        // Rules may name a restricted layer only when the caller says so, as every command.
        // Every layer that is missing (or hidden: the same words) is named in one run.
        var hidden: [String] = []
        for name in routingRules.layerNames {
            let info: LayerInfo?
            do { info = try store.layer(named: name) } catch { throw fail(error) }
            if info == nil || (info?.visibility == .restricted && !visibility.includeRestricted) {
                let users = routingRules.categories.filter { $0.strategies.contains { $0.layer == name } }.map(\.id)
                hidden.append("\(routingRules.source): \(users.isEmpty ? "organisations" : "category " + users.joined(separator: ", ")): no layer named \"\(name)\"")
            }
        }
        if !hidden.isEmpty {
            Terminal.error(hidden.count == 1 ? hidden[0] : "\(hidden.count) problems:\n" + hidden.map { "  " + $0 }.joined(separator: "\n"))
            throw ExitStatus.badInput
        }
        do {
            router = try Router(store: store, rules: routingRules, includeRestricted: visibility.includeRestricted)
        } catch {
            throw fail(error)
        }
        for w in router.warnings { Terminal.note("geoctl: warning: \(w)") }
        if let input, let output {
            try BatchRoute(router: router, input: input, output: output, inputFormat: inputFormat!, outputFormat: outputFormat!,
                           options: options, threads: threads, opened: opened).run()
            return
        }
        let decision: RoutingDecision
        do { decision = try router.decide(lon: lon!, lat: lat!, category: category!) } catch { throw fail(error) }
        if format == .json {
            print(DecisionJSON.text(decision, lon: lon!, lat: lat!))
        } else {
            print(DecisionText.explain(decision, lon: lon!, lat: lat!))
        }
    }
}

/// Human explanations of decisions.
enum DecisionText {
    static func explain(_ d: RoutingDecision, lon: Double, lat: Double) -> String {
        var lines = ["Appeal «\(d.category.nameRU)» (\(d.category.id)) at \(fixed(lon, 6)), \(fixed(lat, 6))"]
        guard let org = d.organisation else {
            lines.append("→ no organisation: no rule matched and the category has no fallback")
            return lines.joined(separator: "\n")
        }
        lines.append("→ \(org.name)")
        let contacts = [org.phone.map { "tel. \($0)" }, org.email.map { "e-mail \($0)" }, org.address].compactMap { $0 }
        if !contacts.isEmpty { lines.append("  " + contacts.joined(separator: ", ")) }
        lines.append("  deadline: \(d.deadlineDays) day\(d.deadlineDays == 1 ? "" : "s")")
        if let rule = d.rule, let i = d.ruleIndex {
            var why = "  why: rule \(i + 1) of \(d.category.strategies.count), \(rule)"
            if let layer = d.layer, let id = d.featureID {
                switch rule {
                case .covering: why += ": feature \(id) of \(layer) covers the point"
                case .nearest: why += ": feature \(id) of \(layer) is \(fixed(d.distanceMetres ?? 0, 1)) m away"
                case .fallback: break
                }
            }
            lines.append(why)
        }
        if d.flags.contains(.outsideCovering) { lines.append("  note: the point is outside every feature of a covering rule's layer") }
        if d.flags.contains(.onBorder) {
            lines.append("  note: the point lies exactly on a border; covering features: "
                + d.candidates.map { "\($0.featureID) (\($0.organisation ?? "?"))" }.joined(separator: ", ")
                + " — the first imported wins")
        }
        if d.flags.contains(.overlappingClaims) {
            lines.append("  note: overlapping claims; every feature holding the point: "
                + d.candidates.map { "\($0.featureID) (\($0.organisation ?? "?"))\($0.onBoundary ? " on its border" : "")" }.joined(separator: ", "))
        }
        if d.flags.contains(.nearBorder) || !d.neighbours.isEmpty {
            for n in d.neighbours {
                lines.append("  note: within \(fixed(n.metres, 1)) m of the border with \(n.organisation.name) (feature \(n.featureID))")
            }
        }
        return lines.joined(separator: "\n")
    }
}
