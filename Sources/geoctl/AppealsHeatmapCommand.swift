import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl appeals heatmap`: appeals per cell over the study area, empty cells included.
struct AppealsHeatmapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatmap",
        abstract: "Appeals per hexagon (or square) over the study area, empty cells included.",
        discussion: """
        Cells live in the UTM zone of the appeals (PROJ), hexagons flat-topped from the origin like \
        PostGIS's ST_HexagonGrid; a point on an edge counts once. The study area is --boundary's \
        polygons (every cell meeting them), else the appeals' convex hull. GeoJSON: one Polygon per \
        cell with i, j and count; CSV: cell,i,j,lon,lat,count (the centre). --output DIR writes \
        heatmap.geojson and heatmap.csv.
        """)

    @OptionGroup var common: AppealsOptions
    @OptionGroup var cells: CellOptions

    func run() throws {
        var timer = PhaseTimer()
        let store = try common.storeOptions.open()
        let appeals = try common.load(store: store)
        timer.mark("load")
        let heat = try cells.heatMap(appeals, common: common, store: store)
        timer.mark("step")
        let writer: CellWriter
        do { writer = try CellWriter(heat.area) } catch { throw appealsFail(error) }
        var table = TextTable("cell", "i", "j", "lon", "lat", "count")
        for k in 0 ..< heat.area.count {
            let c = heat.area.cells[k]
            let p = try writer.centre(k)
            table.add(String(k + 1), String(c.i), String(c.j), degreesText(p.x), degreesText(p.y), String(heat.counts[k]))
        }
        let geojson = { try writer.geojson(rows: (0 ..< heat.area.count).map { ($0, [("count", JSONValue.integer(Int64(heat.counts[$0])))]) }, name: "heatmap") }
        if common.output != nil {
            try common.emit(table.render(.csv), name: "heatmap.csv")
            try common.emit(try geojson(), name: "heatmap.geojson")
        } else if common.format == .geojson {
            print(try geojson())
        } else {
            print(render(table, common.format))
        }
        common.note("\(writer.description); \(appeals.count - heat.outside) appeals counted, \(heat.outside) outside the study area")
    }
}
