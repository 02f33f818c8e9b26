import ArgumentParser
import Layers

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
        try visibility.layer(layer, as: .checkedTerritories, in: store)
        if let boundary { try visibility.layer(boundary, as: .territoryBoundary, in: store) }
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
