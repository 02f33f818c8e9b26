import ArgumentParser
import Foundation
import GeoCore
import Layers

/// The cell flags `heatmap` and `hotspots` share, and their GeoJSON and CSV output.
struct CellOptions: ParsableArguments {
    @Option(name: .customLong("cell-metres"), help: "Hexagon edge (or square side), metres.") var cellMetres: Double = 250
    @Option(help: "hex or square.") var shape: CellShapeArgument = .hex
    @Option(help: "The study area: a polygon layer (default: the appeals' convex hull).") var boundary: String?

    func validate() throws {
        guard cellMetres.isFinite, cellMetres >= 1 else { throw ValidationError("--cell-metres must be a number ≥ 1") }
    }

    func heatMap(_ appeals: AppealSet, common: AppealsOptions, store: any LayerStore) throws -> HeatMap {
        let grid = CellGrid(shape: shape.value, size: cellMetres)
        do {
            let area: StudyArea
            if let boundary {
                area = try StudyArea.boundary(try common.features(boundary, store: store), layer: boundary, grid: grid, crs: appeals.crs)
            } else {
                area = try StudyArea.hull(x: appeals.x, y: appeals.y, grid: grid, crs: appeals.crs)
            }
            return HeatMap(appeals, area: area)
        } catch let e as ExitCode { throw e } catch { throw appealsFail(error) }
    }
}

enum CellShapeArgument: String, ExpressibleByArgument, CaseIterable {
    case hex, square
    var value: CellShape { CellShape(rawValue: rawValue)! }
}

/// Cells as GeoJSON polygons (WGS84) and CSV rows with their centres.
struct CellWriter {
    let area: StudyArea
    let back: CoordinateTransformer

    init(_ area: StudyArea) throws {
        self.area = area
        back = try CoordinateTransformer(from: area.crs, to: "EPSG:4326")
    }

    /// The cell's polygon in lon/lat.
    func polygon(_ k: Int) throws -> Geometry {
        var ring = area.grid.ring(area.cells[k])
        try back.transform(flat: &ring)
        return .polygon(Polygon(rings: [ring]))
    }

    func centre(_ k: Int) throws -> Point {
        let c = area.grid.centre(area.cells[k])
        return try back.transform(x: c.x, y: c.y)
    }

    /// `columns` holds the extra property names; `values(k, row)` their values for a row.
    func geojson(rows: [(cell: Int, properties: [(String, JSONValue)])], name: String) throws -> String {
        var features: [Feature] = []
        features.reserveCapacity(rows.count)
        for r in rows {
            let c = area.cells[r.cell]
            var props: JSONObject = ["i": .integer(Int64(c.i)), "j": .integer(Int64(c.j))]
            for (k, v) in r.properties { props.appendUnchecked(key: k, value: v) }
            features.append(Feature(id: .integer(Int64(r.cell + 1)), geometry: try polygon(r.cell), properties: props))
        }
        return GeoJSONWriter.text(of: features)
    }

    /// The sentence naming the CRS and the cells.
    var description: String {
        "\(area.count) \(area.grid.shape == .hex ? "hexagons of \(number(area.grid.size)) m edge" : "squares of \(number(area.grid.size)) m side") in \(area.crs), \(area.description)"
    }
}

/// `String(format: "%.7f", v)` (a cell centre's degrees in the CSV) through C's vsnprintf,
/// without Foundation's formatter per value.
func degreesText(_ v: Double) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { buffer -> String in
        let n = withVaList([v]) { vsnprintf(buffer.baseAddress!, 48, "%.7f", $0) }
        return n > 0 && n < 48 ? String(cString: buffer.baseAddress!) : String(format: "%.7f", v)
    }
}
