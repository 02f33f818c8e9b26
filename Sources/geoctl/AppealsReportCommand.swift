import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl appeals report`: one self-contained HTML page in Russian.
struct AppealsReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One self-contained HTML page (Russian, no network): map, tables, trend, duplicates.",
        discussion: """
        Writes DIR/report.html: the heat map and the hot spots on an SVG map with the territories \
        (--by and --boundary outlines), a table and bar chart per category and per organisation \
        (--rules) or area (--by), breaches highlighted, a monthly trend line and the largest duplicate \
        groups (same category, 40 m, 48 h). Hot spots: the excess test, against --exposure when given, \
        else each month against the cell's other months.
        """)

    @OptionGroup var common: AppealsOptions
    @OptionGroup var cells: CellOptions
    @Option(help: "Routing rules: the table per organisation, deadlines per category.") var rules: String?
    @Option(help: "Areas for the table (without --rules) and the map: a polygon layer, optionally .PROPERTY.") var by: String?
    @Option(help: "The expected count is proportional to this layer's features in the cell (or .PROPERTY's sum).") var exposure: String?
    @Option(name: .customLong("as-of"), help: "The cut-off for open appeals (default: the latest timestamp).") var asOf: String?

    func validate() throws {
        guard common.output != nil else { throw ValidationError("report needs --output DIR") }
    }

    func run() throws {
        let store = try common.storeOptions.open()
        let appeals = try common.load(store: store)
        let heat = try cells.heatMap(appeals, common: common, store: store)
        let cutOff = try common.cutOff(asOf, appeals: appeals)
        var outlines: [Geometry] = []
        var areas = AppealAreas.whole(appeals)
        var areaWord = "территория"
        if let by {
            let (layer, property) = try common.layerAndProperty(by, store: store)
            let features = try common.features(layer, store: store)
            outlines += features.compactMap(\.geometry)
            areas = AppealAreas.covering(appeals, features: features, property: property, layer: layer)
        }
        if let boundary = cells.boundary { outlines += try common.features(boundary, store: store).compactMap(\.geometry) }
        var deadlines: [Double]?
        if let rules {
            do {
                let routed = AppealAreas.routed(appeals, router: try Router(store: store, rules: try RoutingRules(path: rules)))
                deadlines = routed.categoryDeadlines
                areas = routed
                areaWord = "организация"
            } catch { throw appealsFail(error) }
        }
        var exposureValues: [Double]?
        if let exposure {
            let (layer, property) = try common.layerAndProperty(exposure, store: store)
            do { exposureValues = try HotSpots.exposure(try common.features(layer, store: store), property: property, area: heat.area) } catch let e as ExitCode { throw e } catch { throw appealsFail(error) }
        }
        let duplicates = DuplicateGroups(appeals, metres: 40, hours: 48, anyCategory: false)
        var whole = AppealAreas.whole(appeals)
        whole.categoryDeadlines = deadlines
        let report = AppealsHTMLReport(
            appeals: appeals, heat: heat,
            hotSpots: hotSpots(appeals.withoutDuplicates(duplicates), heat: HeatMap(appeals.withoutDuplicates(duplicates), area: heat.area), exposure: exposureValues),
            outlines: outlines,
            byCategory: AppealStats.rows(appeals, areas: whole, period: nil, asOf: cutOff),
            byArea: AppealStats.rows(appeals, areas: areas, period: nil, asOf: cutOff).reduced(),
            areaWord: areaWord,
            monthly: AppealStats.rows(appeals, areas: AppealAreas.whole(appeals).withDeadlines(deadlines), period: .month, asOf: cutOff).reduced(),
            duplicates: duplicates, asOf: cutOff)
        do { try common.emit(try report.html(), name: "report.html") } catch let e as ExitCode { throw e } catch { throw appealsFail(error) }
        Terminal.note("wrote \(common.output!)/report.html: \(appeals.count) appeals, \(heat.area.count) cells, periods in \(appeals.zone)")
    }
}

/// The year's and, with an exposure, each month's excess: persistent and one-month spots both show.
func hotSpots(_ appeals: AppealSet, heat: HeatMap, exposure: [Double]?) -> HotSpotResult {
    var year = HotSpots.run(appeals, heat: heat, method: .excess, exposure: exposure, byMonth: false, permutations: 0)
    guard exposure != nil else { return year }
    let months = HotSpots.run(appeals, heat: heat, method: .excess, exposure: exposure, byMonth: true, permutations: 0)
    year.cells += months.cells
    year.description += "; and the same for each month"
    return year
}

extension AppealAreas {
    /// The same areas with these per-category deadlines.
    func withDeadlines(_ d: [Double]?) -> AppealAreas { var a = self; a.categoryDeadlines = d; return a }
}

