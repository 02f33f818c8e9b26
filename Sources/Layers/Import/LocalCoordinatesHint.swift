import GeoCore

/// What to say when a file without a CRS (or labelled WGS84) holds coordinates that are not
/// longitude/latitude: they look like a local system (МСК), and these named CRSs of the store
/// would put the layer inside the store's region. Nothing is applied: the user chooses.
struct LocalCoordinatesHint {
    /// How many features are sampled for the extent.
    static let sampleLimit = 5000

    /// The hint for the file at `path` (read as a GeoJSON text sequence when `sequence`), and
    /// the named CRSs that would fit; the text names no command-line flag.
    static func hint(path: String, sequence: Bool, store: LayerStore, excluding layer: String) -> (text: String, fitting: [String]) {
        guard let reader = try? GeoJSONReader(path: path, coordinateCheck: .projected, sequence: sequence) else { return ("", []) }
        var box = BoundingBox.empty
        var count = 0
        while count < sampleLimit, let feature = try? reader.next() {
            count += 1
            if let b = feature.geometry?.boundingBox { box.extend(b) }
        }
        guard !box.isEmpty else { return ("", []) }
        // The sample is longitude/latitude: one stray coordinate (a typo further on), not a
        // file in another system. The error names that feature; a hint would mislead.
        if box.minX >= -180 && box.maxX <= 180 && box.minY >= -90 && box.maxY <= 90 { return ("", []) }
        let looksLocal = max(abs(box.minX), abs(box.maxX), abs(box.minY), abs(box.maxY)) >= 10_000
        var text = looksLocal
            ? "these look like projected coordinates of a local system (МСК): x \(Int(box.minX))…\(Int(box.maxX)), y \(Int(box.minY))…\(Int(box.maxY))"
            : "these are not longitude/latitude: x \(box.minX)…\(box.maxX), y \(box.minY)…\(box.maxY)"
        if looksLocal, let zone = zonePrefix(box) { text += " (the easting's leading \(zone) may be a zone number)" }
        let named = ((store as? NamedCRSStore).flatMap { try? $0.namedCRSs() }) ?? []
        guard let region = (try? ExpectedRegion(store: store, excluding: layer)) ?? nil else {
            return (text + (named.isEmpty
                ? "; the store has no named CRS yet (register the local system: geoctl crs add, or crs fit from control points)"
                : "; the store has no region to compare with; its named CRSs: \(named.map(\.name).joined(separator: ", "))"), [])
        }
        var fitting: [String] = []
        let corners = [Point(x: box.minX, y: box.minY), Point(x: box.maxX, y: box.maxY), box.center]
        for crs in named {
            guard let t = try? CoordinateTransformer(from: crs.definition, to: "EPSG:4326") else { continue }
            let inside = corners.allSatisfy { p in
                guard let q = try? t.transform(x: p.x, y: p.y) else { return false }
                return region.verdict(at: q) == nil
            }
            if inside { fitting.append(crs.name) }
        }
        if let first = fitting.first {
            return (text + "; under the store's named CRS \(first) the layer falls inside the store's region"
                + (fitting.count > 1 ? " (so it does under \(fitting.dropFirst().joined(separator: ", ")))" : ""), fitting)
        }
        if named.isEmpty {
            return (text + "; the store has no named CRS yet (register the local system: geoctl crs add, or crs fit from control points)", [])
        }
        return (text + "; none of the store's named CRSs (\(named.map(\.name).joined(separator: ", "))) puts them inside its region", [])
    }

    /// The leading digit(s) of a 7-digit easting, as Russian zone systems prefix them (`2 293 680`).
    private static func zonePrefix(_ box: BoundingBox) -> Int? {
        guard box.minX >= 1_000_000, box.maxX < 100_000_000 else { return nil }
        let a = Int(box.minX) / 1_000_000, b = Int(box.maxX) / 1_000_000
        return a == b ? a : nil
    }
}
