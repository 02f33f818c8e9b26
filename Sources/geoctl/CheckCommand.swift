import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl check`: find what would send an appeal nowhere, or to two organisations.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check layers for gaps, overlaps, invalid geometries and other problems.",
        discussion: """
        Exit codes: 0 nothing above the threshold; 2 problems found (the check ran); 1 bad input; \
        74 the store or an output file could not be read or written.
        """,
        subcommands: [CheckTerritoriesCommand.self, CheckLayerCommand.self])
}

/// How a check report is printed on stdout.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, geojson
}

/// Output options shared by the check commands.
struct CheckOutputOptions: ParsableArguments {
    @Option(help: "stdout format: table (summary and problems), json, csv (one row per finding) or geojson.")
    var format: CheckFormat = .table
    @Option(help: "Also write every finding as a GeoJSON feature to this file.")
    var output: String?

    /// Prints the report, writes `--output`, and exits 2 when it failed.
    func finish(_ report: CheckReport) throws {
        switch format {
        case .table: print(CheckPrinting.table(report))
        case .csv: print(CheckPrinting.rows(report).render(.csv))
        case .json: print(CheckPrinting.json(report).compactText)
        case .geojson: try CheckPrinting.writeGeoJSON(report, to: "-")
        }
        if let output {
            try CheckPrinting.writeGeoJSON(report, to: output)
            Terminal.note("wrote \(report.problems.count) findings to \(output)")
        }
        if !report.passed { throw ExitStatus.problemsFound }
    }
}

/// `geoctl check territories LAYER --boundary BOUNDARY`.
struct CheckTerritoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "territories",
        abstract: "Find overlaps, gaps, slivers and bad geometries in responsibility territories.",
        discussion: """
        Overlaps between organisations and gaps inside the boundary are polygons with their \
        area in m² (planar in the data's UTM zone, through PROJ; overlay by GEOS) and the \
        organisations concerned. Those under --min-area-m2 are slivers, listed apart, and do \
        not fail the check. Without --boundary, only holes enclosed by the territories count \
        as gaps.
        """)

    @Argument(help: "The territories layer (polygons).") var layer: String
    @Option(help: "The boundary the territories must tile (e.g. the city).") var boundary: String?
    @Option(help: "The property naming the organisation.") var orgField = "org"
    @Option(help: "The property holding feature ids (default: the GeoJSON id).") var idField: String?
    @Option(name: .customLong("min-area-m2"), help: "Overlaps and gaps below this area are slivers.")
    var minArea = TerritoryCheckOptions.defaultMinAreaSquareMetres
    @Option(help: "auto (the UTM zone of the data) or EPSG:N.") var crs = "auto"
    @OptionGroup var outputOptions: CheckOutputOptions
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard minArea >= 0, minArea.isFinite else { throw ValidationError("--min-area-m2 must be a number ≥ 0") }
    }

    func run() throws {
        let store = try storeOptions.open()
        let territories = try loadLayer(layer, from: store, visibility: visibility)
        let bounds = try boundary.map { try loadLayer($0, from: store, visibility: visibility) } ?? []
        let report: CheckReport
        do {
            let options = TerritoryCheckOptions(organisationField: orgField, idField: idField, minAreaSquareMetres: minArea,
                                                crs: crs == "auto" ? nil : crs)
            report = try TerritoryCheck.run(territories: territories, boundary: bounds, layer: layer, options: options)
        } catch { throw fail(error) }
        try outputOptions.finish(report)
    }
}

/// `geoctl check layer LAYER`.
struct CheckLayerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layer",
        abstract: "Generic checks for any layer: validity, empty and null geometries, duplicate ids, mixed types, region.",
        discussion: """
        The expected region is the extent of the store's other layers grown by half its size; \
        a feature outside it is reported, as swapped lat/lon when swapping puts it inside.
        """)

    @Argument(help: "The layer to check.") var layer: String
    @Option(help: "The property holding feature ids (default: the GeoJSON id).") var idField: String?
    @OptionGroup var outputOptions: CheckOutputOptions
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        let features = try loadLayer(layer, from: store, visibility: visibility)
        let report: CheckReport
        do {
            let info = try visibility.visibleLayer(layer, in: store)
            let region = try ExpectedRegion(store: store, excluding: info.name)
            report = try LayerCheck.run(features: features, layer: layer, region: region, idField: idField)
        } catch let e as ExitCode { throw e } catch { throw fail(error) }
        try outputOptions.finish(report)
    }
}

/// Every feature of a visible layer, in import order.
func loadLayer(_ name: String, from store: SpatiaLiteStore, visibility: VisibilityOptions) throws -> [Feature] {
    let info = try visibility.visibleLayer(name, in: store)
    var features: [Feature] = []
    do { try store.forEachFeature(of: info.name, filter: .all) { features.append($0) } } catch { throw fail(error) }
    return features
}

/// How check reports look on stdout and on disk.
enum CheckPrinting {
    static func table(_ report: CheckReport) -> String {
        var summary = TextTable("finding", "severity", "count", "area m²")
        for row in report.summary {
            summary.add(row.kind.rawValue, row.severity.rawValue, String(row.count), row.areaSquareMetres.map { fixed($0, 1) } ?? "")
        }
        var lines = ["\(report.layer): \(report.featureCount) features checked; "
            + (report.passed ? "no problem above the threshold" : "\(report.failures.count) problems")]
        if !report.problems.isEmpty { lines += ["", summary.render(.table)] }
        let listed = report.problems.filter { $0.severity != .notice || report.problems.count < 50 }
        if !listed.isEmpty {
            lines.append("")
            for p in listed.prefix(200) { lines.append("\(p.severity == .problem ? "✗" : p.severity == .sliver ? "~" : "·") \(p.kind.rawValue): \(p.detail)") }
            if listed.count > 200 { lines.append("… and \(listed.count - 200) more (see --output or --format json)") }
        }
        lines += ["", "method: \(report.method)"]
        return lines.joined(separator: "\n")
    }

    static func rows(_ report: CheckReport) -> TextTable {
        var t = TextTable("type", "severity", "area_m2", "organisations", "features", "ids", "detail")
        for p in report.problems {
            t.add(p.kind.rawValue, p.severity.rawValue, p.areaSquareMetres.map { fixed($0, 2) } ?? "",
                  p.organisations.joined(separator: "; "), p.features.map { String($0.index) }.joined(separator: " "),
                  p.features.map { $0.id.map { "\($0)" } ?? "" }.joined(separator: " "), p.detail)
        }
        return t
    }

    static func json(_ report: CheckReport) -> JSONValue {
        let features = report.features()
        let problems = features.map { f -> JSONValue in
            var o = f.properties
            o["location"] = f.geometry.flatMap { $0.boundingBox?.center }.map { .array([.number($0.x), .number($0.y)]) } ?? .null
            return .object(o)
        }
        return .object([
            "layer": .string(report.layer),
            "features_checked": .integer(Int64(report.featureCount)),
            "passed": .bool(report.passed),
            "problems": .integer(Int64(report.failures.count)),
            "slivers": .integer(Int64(report.problems.filter { $0.severity == .sliver }.count)),
            "notices": .integer(Int64(report.problems.filter { $0.severity == .notice }.count)),
            "method": .string(report.method),
            "findings": .array(problems),
        ])
    }

    static func writeGeoJSON(_ report: CheckReport, to path: String) throws {
        do {
            let writer = try GeoJSONWriter(path: path)
            try writer.begin(name: "\(report.layer)-problems")
            for f in report.features() { try writer.write(f) }
            try writer.finish()
        } catch { throw fail(error) }
    }
}
