import ArgumentParser
import GeoCore
import Layers

/// `geoctl at --lon X --lat Y`: what is here across the store's layers.
struct AtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "at",
        abstract: "What is here: every polygon feature covering a point, and the nearest institution of each kind.",
        discussion: "On a shared border or vertex every feature that touches the point is listed. Restricted layers only with --include-restricted.")

    @Option(help: "Longitude (WGS84).") var lon: Double
    @Option(help: "Latitude (WGS84).") var lat: Double
    @Option(help: "How far to look for institutions, in metres.") var within = 5000.0
    @Option(help: "Output: table or json.") var format: ReportFormat = .table
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard (-180 ... 180).contains(lon), (-90 ... 90).contains(lat) else { throw ValidationError("--lon must be in -180…180 and --lat in -90…90") }
    }

    func run() throws {
        let store = try storeOptions.open()
        let report: PlaceReport
        do {
            report = try WhatIsHere.report(store: store, lon: lon, lat: lat, includeRestricted: visibility.includeRestricted, withinMetres: within)
        } catch { throw fail(error) }
        if format == .json {
            print(report.json.compactText)
            return
        }
        print("At \(fixed(lon, 6)), \(fixed(lat, 6)):")
        if report.coverings.isEmpty { print("  no polygon layer covers this point") }
        for c in report.coverings {
            let values = c.properties.members.compactMap { m in m.value.plainText.map { "\(m.key): \($0)" } }
            print("  \(c.layer) (\(c.kind.rawValue)) #\(c.featureID)\(c.onBoundary ? " [on its border]" : ""): \(values.joined(separator: "; "))")
        }
        if !report.nearest.isEmpty { print("Nearest institutions:") }
        for n in report.nearest {
            let name = n.properties["name"]?.plainText ?? "#\(n.featureID)"
            print("  \(n.kind): \(name) — \(fixed(n.metres, 0)) m (\(n.layer) #\(n.featureID))")
        }
    }
}
