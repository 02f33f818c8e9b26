import GeoCore

/// The checks any layer deserves before it is published or routed on: null, empty and
/// invalid geometries, duplicate ids, mixed geometry types, and features far from the region
/// of the other layers or with lat/lon swapped.
public enum LayerCheck {
    /// Checks `features`; `region` is where they are expected to lie (nil skips that check).
    public static func run(features: [Feature], layer: String, region: ExpectedRegion?, idField: String? = nil) throws -> CheckReport {
        let references = FeatureReference.all(features, idField: idField)
        var problems: [CheckProblem] = []
        let geos = GEOSContext()
        var kinds: [GeometryKind: Int] = [:]
        for (i, f) in features.enumerated() {
            let ref = references[i]
            guard let g = f.geometry else {
                problems.append(CheckProblem(kind: .nullGeometry, severity: .problem, features: [ref], detail: "\(ref) has no geometry"))
                continue
            }
            kinds[g.kind, default: 0] += 1
            guard let box = g.boundingBox else {
                problems.append(CheckProblem(kind: .emptyGeometry, severity: .problem, features: [ref], detail: "\(ref) has an empty \(g.typeName)"))
                continue
            }
            if let invalid = CheckProblem.invalidity(of: g, ref, geos: geos) { problems.append(invalid) }
            if let verdict = region?.verdict(at: box.center) {
                let kind: CheckProblem.Kind = verdict == .swapped ? .swappedCoordinates : .outsideRegion
                problems.append(CheckProblem(kind: kind, severity: .problem, features: [ref], geometry: .point(box.center),
                                             detail: ExpectedRegion.describe(verdict, index: i, id: ref.id, at: box.center)))
            }
        }
        problems += TerritoryCheck.duplicateIDs(references, features)
        problems += mixedTypes(kinds)
        return CheckReport(layer: layer, featureCount: features.count,
                           method: "validity by GEOS \(GEOSContext.version.split(separator: "-").first ?? ""); "
                               + (region.map { "expected region \($0.bounds) (the other layers' extent with a margin)" } ?? "no other layers to compare the region with"),
                           problems: problems)
    }

    /// Points, lines and polygons in one layer are a problem; Polygons beside MultiPolygons
    /// (or Points beside MultiPoints) only a notice.
    static func mixedTypes(_ kinds: [GeometryKind: Int]) -> [CheckProblem] {
        guard kinds.count > 1 else { return [] }
        let families = Set(kinds.keys.map(family))
        let listing = kinds.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
        return [CheckProblem(kind: .mixedGeometryTypes, severity: families.count > 1 ? .problem : .notice,
                             detail: "the layer mixes \(listing)")]
    }

    private static func family(_ kind: GeometryKind) -> Int {
        switch kind {
        case .point, .multiPoint: 0
        case .lineString, .multiLineString: 1
        case .polygon, .multiPolygon: 2
        case .geometryCollection: 3
        }
    }
}
