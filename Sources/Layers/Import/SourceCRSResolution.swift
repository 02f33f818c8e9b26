import GeoCore

/// Which CRS an import reads its coordinates in, and what the catalog calls it.
struct SourceCRSResolution {
    /// The definition to transform from (nil: WGS84 lon/lat, or left to the file's legacy `crs`).
    var definition: String?
    /// What the catalog records: the store's name for it, the EPSG code or the definition.
    var label: String?
    /// Said to the user (a `.prj` recognised as a stored CRS…).
    var notes: [String] = []

    /// `--from-crs` first (a stored name before an EPSG code or PROJ text), then the CRS the
    /// file declares (a `.prj`, a TAB CoordSys), matched against the store's named CRSs.
    static func resolve(fromCRS: String?, declaredWKT: String?, file: String, store: LayerStore) throws -> SourceCRSResolution {
        let named = ((store as? NamedCRSStore).flatMap { try? $0.namedCRSs() }) ?? []
        if let given = fromCRS {
            if let match = named.first(where: { $0.name.lowercased() == given.lowercased() }) {
                return SourceCRSResolution(definition: match.definition, label: match.name)
            }
            return SourceCRSResolution(definition: given, label: nil)
        }
        guard let wkt = declaredWKT else { return SourceCRSResolution() }
        let context = ProjContext()
        if CRSComparison.sameProjection(wkt, "EPSG:4326", context: context) {
            return SourceCRSResolution(definition: "EPSG:4326", label: "EPSG:4326")
        }
        for crs in named where !CoordinateTransformer.isPipeline(crs.definition) {
            if CRSComparison.sameProjection(wkt, crs.definition, context: context) {
                return SourceCRSResolution(definition: crs.definition, label: crs.name,
                                           notes: ["\(file): its CRS is the store's \(crs.name); transforming with that definition"])
            }
        }
        let label = CRSComparison.identify(wkt, context: context) ?? CRSComparison.projString(wkt, context: context) ?? "WKT"
        return SourceCRSResolution(definition: wkt, label: label)
    }
}
