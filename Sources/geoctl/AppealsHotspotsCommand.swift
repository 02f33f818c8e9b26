import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl appeals hotspots`: cells with significantly many appeals.
struct AppealsHotspotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspots",
        abstract: "Hot spots: cells with significantly more appeals than expected (excess) or than around (Gi*).",
        discussion: """
        --method excess (default): the excess over the expected count. With --exposure \
        LAYER[.PROPERTY] the expected count is proportional to the layer's features in the cell (or \
        the sum of PROPERTY), e.g. buildings, flats or population; one-sided negative binomial test \
        (Poisson plus the extra variation α·E² the cells show, estimated robustly). Without it, \
        each month is tested against the cell's other months (one-sided exact binomial test): \
        "emerging" hot spots. --method gi: Getis-Ord Gi* on the counts with binary weights (a \
        hexagon, its 6 neighbours and itself), two-sided normal p, or conditional randomisation with \
        --permutations N. Every p is corrected by Benjamini-Hochberg over all tests of the run (q); \
        classes hot-99/95/90 and cold-90/95/99 are q ≤ 0.01/0.05/0.10 on the side of z. --by-month: \
        one result per cell and month ("tension points": which spots persist, which are new). Each \
        duplicate group (same category, 40 m, 48 h) counts once unless --keep-duplicates. \
        Output columns: cell,i,j,lon,lat,period,count,expected,z,p,q,class.
        """)

    @OptionGroup var common: AppealsOptions
    @OptionGroup var cells: CellOptions
    @Option(help: "excess or gi.") var method: HotSpotMethodArgument = .excess
    @Option(help: "The false-discovery rate for the summary of hot cells.") var alpha = 0.05
    @Option(help: "Gi*: conditional-randomisation permutations (0: normal p).") var permutations = 0
    @Option(help: "Excess: the expected count is proportional to this layer's features in the cell, or .PROPERTY's sum.") var exposure: String?
    @Flag(name: .customLong("by-month"), help: "One result per cell and month.") var byMonth = false
    @Flag(name: .customLong("keep-duplicates"), help: "Count every appeal; by default each duplicate group (same category, 40 m, 48 h) counts once.") var keepDuplicates = false

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1") }
        guard permutations >= 0, permutations <= 100_000 else { throw ValidationError("--permutations must be 0…100000") }
        if exposure != nil && method == .gi { throw ValidationError("--exposure belongs to --method excess") }
    }

    func run() throws {
        var timer = PhaseTimer()
        let store = try common.storeOptions.open()
        let loaded = try common.load(store: store)
        timer.mark("load")
        let appeals = keepDuplicates ? loaded : loaded.withoutDuplicates(DuplicateGroups(loaded, metres: 40, hours: 48, anyCategory: false))
        let heat = try cells.heatMap(appeals, common: common, store: store)
        var exposureValues: [Double]?
        if let exposure {
            let (layer, property) = try common.layerAndProperty(exposure, store: store)
            do { exposureValues = try HotSpots.exposure(try common.features(layer, store: store), property: property, area: heat.area) } catch let e as ExitCode { throw e } catch { throw appealsFail(error) }
        }
        let result = HotSpots.run(appeals, heat: heat, method: method.value, exposure: exposureValues, byMonth: byMonth, permutations: permutations)
        timer.mark("step")
        let writer: CellWriter
        do { writer = try CellWriter(heat.area) } catch { throw appealsFail(error) }
        var table = TextTable("cell", "i", "j", "lon", "lat", "period", "count", "expected", "z", "p", "q", "class")
        var centres: [Point] = []
        for k in 0 ..< heat.area.count { centres.append(try writer.centre(k)) }
        for c in result.cells {
            let g = heat.area.cells[c.cell]
            table.add(String(c.cell + 1), String(g.i), String(g.j), degreesText(centres[c.cell].x), degreesText(centres[c.cell].y),
                      c.period ?? "", String(c.count), number(c.expected, 3), String(c.z), String(c.p), String(c.q), c.hotClass.rawValue)
        }
        let geojson = {
            try writer.geojson(rows: result.cells.map { c in
                var props: [(String, JSONValue)] = [("count", .integer(Int64(c.count)))]
                if let e = c.expected { props.append(("expected", .number(e))) }
                props += [("z", .number(c.z)), ("p", .number(c.p)), ("q", .number(c.q)), ("class", .string(c.hotClass.rawValue))]
                if let period = c.period { props.append(("period", .string(period))) }
                return (c.cell, props)
            }, name: "hotspots")
        }
        if common.output != nil {
            try common.emit(table.render(.csv), name: "hotspots.csv")
            try common.emit(try geojson(), name: "hotspots.geojson")
        } else if common.format == .geojson {
            print(try geojson())
        } else {
            print(render(common.format == .table ? hotOnly(table) : table, common.format))
        }
        let hot = result.cells.filter { $0.q <= alpha && $0.hotClass.isHot }.count
        let cold = result.cells.filter { $0.q <= alpha && !$0.hotClass.isHot && $0.hotClass != .none }.count
        if !keepDuplicates { common.note("\(loaded.count - appeals.count) duplicates (same category, 40 m, 48 h) counted once with their group's first appeal") }
        common.note("\(hot) hot and \(cold) cold at FDR \(number(alpha)) of \(result.tests) tests; \(result.description); \(writer.description)")
    }

    /// The table format lists only the cells with a class.
    func hotOnly(_ table: TextTable) -> TextTable {
        var out = table
        out.rows = table.rows.filter { $0.last?.text != "none" }
        return out
    }
}

enum HotSpotMethodArgument: String, ExpressibleByArgument, CaseIterable {
    case excess, gi
    var value: HotSpotMethod { HotSpotMethod(rawValue: rawValue)! }
}
