import Foundation
import GeoCore

/// What `TerritoryCheck` needs to know about the layer.
public struct TerritoryCheckOptions: Sendable {
    /// The property naming the responsible organisation.
    public var organisationField: String
    /// The property holding each feature's id; nil uses the GeoJSON feature id.
    public var idField: String?
    /// Overlaps and gaps smaller than this (square metres) are slivers: digitising noise,
    /// reported apart, and they do not fail the check.
    public var minAreaSquareMetres: Double
    /// The CRS areas are measured in; nil picks the UTM zone of the data.
    public var crs: String?

    /// 10 m²: a 0.1 m misfit along a 100 m shared border.
    public static let defaultMinAreaSquareMetres = 10.0

    public init(organisationField: String = "org", idField: String? = nil,
                minAreaSquareMetres: Double = TerritoryCheckOptions.defaultMinAreaSquareMetres, crs: String? = nil) {
        self.organisationField = organisationField
        self.idField = idField
        self.minAreaSquareMetres = minAreaSquareMetres
        self.crs = crs
    }
}

/// Finds the places where nobody, or two organisations, answer for an appeal: overlaps between
/// territories of different organisations, gaps inside the boundary, ground outside it, plus
/// invalid, empty and null geometries, missing organisations and duplicate ids.
///
/// A pure function of the features: works on any store's layers, or on files.
/// Overlay is GEOS's (OverlayNG) on coordinates projected by PROJ into a local metric CRS,
/// so every area is in square metres.
public enum TerritoryCheck {
    /// Checks `territories` (polygons) against `boundary` (the polygons they should tile
    /// exactly). Without a boundary, only holes enclosed by the territories count as gaps.
    public static func run(territories: [Feature], boundary: [Feature], layer: String,
                           options: TerritoryCheckOptions = TerritoryCheckOptions()) throws -> CheckReport {
        var extent = BoundingBox.empty
        for f in boundary.isEmpty ? territories : boundary { if let b = f.geometry?.boundingBox { extent.extend(b) } }
        if let crs = options.crs { try CoordinateTransformer.requireMetric(crs: crs) }
        let target = options.crs ?? (extent.isEmpty ? "EPSG:32641" : UTMZone(for: extent).crsName)
        var problems: [CheckProblem] = []

        // Each territory: its organisation, its id, whether it is usable at all.
        let organisations = territories.map { f -> String? in
            guard let text = f.properties[options.organisationField]?.plainText, !text.isEmpty else { return nil }
            return text
        }
        let references = FeatureReference.all(territories, idField: options.idField)
        problems += try geometryProblems(territories, references: references)
        for (i, org) in organisations.enumerated() where org == nil && territories[i].geometry != nil {
            problems.append(CheckProblem(kind: .missingOrganisation, severity: .problem, features: [references[i]],
                                         geometry: territories[i].geometry.flatMap(Self.marker),
                                         detail: "\(references[i]) has no \(options.organisationField) property: an appeal here reaches nobody"))
        }
        problems += duplicateIDs(references, territories)

        // Project everything once, about a local origin (whole kilometres near the centre):
        // coordinates of tens of kilometres rather than millions of metres keep the areas of
        // 3,000 territories summed to within a few square millimetres. Invalid polygons are
        // repaired for the overlay only.
        let centre = extent.isEmpty ? Point(x: 0, y: 0) : try CoordinateTransformer(from: "EPSG:4326", to: target).transform(x: extent.center.x, y: extent.center.y)
        let origin = Point(x: (centre.x / 1000).rounded() * 1000, y: (centre.y / 1000).rounded() * 1000)
        let projected = try project(territories, to: target, origin: origin)
        let projectedBoundary = try project(boundary, to: target, origin: origin)
        let boxes = projected.map { $0?.boundingBox ?? .farAway }
        let tree = PackedRTree(boxes)
        let unproject = try Unprojector(target, origin: origin)
        func label(_ i: Int) -> String { organisations[i] ?? "(no \(options.organisationField))" }

        // One union of all territories, for gaps and ground outside the boundary; and for a
        // shortcut: when the areas add up to the union's, no two territories overlap and
        // the pairwise search below is skipped (the common case for a clean layer).
        let geos = GEOSContext()
        let members = try projected.compactMap { try $0.map(geos.geometry) }
        let union = try geos.collection(of: members).unaryUnion()
        let areaSum = projected.reduce(0.0) { sum, g in sum + (g?.polygons.reduce(0.0) { $0 + $1.area } ?? 0) }
        let overlapsPossible = areaSum - (try union.area()) > Self.overlapAreaTolerance

        // Overlaps: every pair whose boxes meet, on both cores.
        let pairs = !overlapsPossible ? [] : try parallelMap(territories.count, minimumForTwo: 256) { range -> [[Overlap]] in
            let geos = GEOSContext()
            var cache: [Int: GEOSGeometry] = [:]
            func geometry(_ i: Int) throws -> GEOSGeometry? {
                if let g = cache[i] { return g }
                guard let value = projected[i] else { return nil }
                let g = try geos.geometry(value)
                cache[i] = g
                return g
            }
            return try range.map { i -> [Overlap] in
                guard let a = try geometry(i) else { return [] }
                var found: [Overlap] = []
                var candidates: [Int] = []
                let box = boxes[i]
                tree.search(minX: box.minX, minY: box.minY, maxX: box.maxX, maxY: box.maxY) { j in
                    if j > i { candidates.append(j) }
                    return true
                }
                for j in candidates.sorted() {
                    guard let b = try geometry(j) else { continue }
                    for part in try polygonalParts(of: try a.intersection(b)) {
                        found.append(Overlap(first: i, second: j, part: part))
                    }
                }
                return found
            }
        }
        for overlap in pairs.joined() {
            let (i, j) = (overlap.first, overlap.second)
            let area = overlap.part.area
            let same = organisations[i] != nil && organisations[i] == organisations[j]
            let severity: CheckProblem.Severity = same ? .notice : (area < options.minAreaSquareMetres ? .sliver : .problem)
            let orgs = same ? [label(i)] : [label(i), label(j)]
            problems.append(CheckProblem(
                kind: same ? .sameOrganisationOverlap : .overlap, severity: severity,
                features: [references[i], references[j]], organisations: orgs, areaSquareMetres: area,
                geometry: try unproject(.polygon(overlap.part)),
                detail: same
                    ? "\(references[i]) and \(references[j]) of \(label(i)) overlap on \(squareMetres(area))"
                    : "\(label(i)) (\(references[i])) and \(label(j)) (\(references[j])) both claim \(squareMetres(area))"))
        }

        // Gaps and ground outside the boundary.
        let gapParts: [Polygon]
        var outsideParts: [Polygon] = []
        if projectedBoundary.contains(where: { $0 != nil }) {
            let bounds = try geos.collection(of: try projectedBoundary.compactMap { try $0.map(geos.geometry) }).unaryUnion()
            gapParts = try polygonalParts(of: try bounds.difference(union))
            outsideParts = try polygonalParts(of: try union.difference(bounds))
        } else {
            // The holes of the union are ground enclosed by territories that nobody claims.
            gapParts = try polygonalParts(of: union).flatMap { p in
                (1 ..< max(1, p.ringCount)).map { Polygon(rings: [Array(p.ring($0))]).orientedByRightHandRule() }
            }
        }
        for gap in gapParts {
            let area = gap.area
            let around = try neighbours(of: gap, tree: tree, projected: projected, geos: geos)
            let orgs = Array(Set(around.map(label))).sorted()
            problems.append(CheckProblem(
                kind: .gap, severity: area < options.minAreaSquareMetres ? .sliver : .problem,
                features: around.map { references[$0] }, organisations: orgs, areaSquareMetres: area,
                geometry: try unproject(.polygon(gap)),
                detail: "\(squareMetres(area)) inside the boundary that no territory covers"
                    + (orgs.isEmpty ? "" : ", between \(orgs.joined(separator: ", "))")))
        }
        for part in outsideParts {
            let area = part.area
            let owners = try claimants(of: part, tree: tree, projected: projected, geos: geos)
            problems.append(CheckProblem(
                kind: .outsideBoundary, severity: area < options.minAreaSquareMetres ? .sliver : .problem,
                features: owners.map { references[$0] }, organisations: Array(Set(owners.map(label))).sorted(),
                areaSquareMetres: area, geometry: try unproject(.polygon(part)),
                detail: "\(owners.map { "\(label($0)) (\(references[$0]))" }.joined(separator: " and ")) claim\(owners.count == 1 ? "s" : "") \(squareMetres(area)) outside the boundary"))
        }

        let method = "areas planar in \(target) (PROJ), within ±0.2% of the ellipsoidal area inside a UTM zone; "
            + "overlay by GEOS \(GEOSContext.version.split(separator: "-").first ?? "") on the projected coordinates; "
            + "slivers: below \(squareMetres(options.minAreaSquareMetres))"
        return CheckReport(layer: layer, featureCount: territories.count, method: method, problems: problems)
    }

    // MARK: Per-feature checks

    /// Null, empty, non-polygonal and invalid geometries, with GEOS's reason and location.
    static func geometryProblems(_ features: [Feature], references: [FeatureReference]) throws -> [CheckProblem] {
        let geos = GEOSContext()
        var problems: [CheckProblem] = []
        for (i, f) in features.enumerated() {
            let ref = references[i]
            guard let g = f.geometry else {
                problems.append(CheckProblem(kind: .nullGeometry, severity: .problem, features: [ref],
                                             detail: "\(ref) has no geometry"))
                continue
            }
            if g.pointCount == 0 {
                problems.append(CheckProblem(kind: .emptyGeometry, severity: .problem, features: [ref],
                                             detail: "\(ref) has an empty \(g.typeName)"))
                continue
            }
            if g.polygons.isEmpty {
                problems.append(CheckProblem(kind: .notPolygonal, severity: .problem, features: [ref], geometry: marker(g),
                                             detail: "\(ref) is a \(g.typeName), not a Polygon or MultiPolygon"))
                continue
            }
            if let invalid = CheckProblem.invalidity(of: g, ref, geos: geos) { problems.append(invalid) }
        }
        return problems
    }

    /// Ids used by more than one feature.
    static func duplicateIDs(_ references: [FeatureReference], _ features: [Feature]) -> [CheckProblem] {
        var byID: [FeatureID: [Int]] = [:]
        for r in references { if let id = r.id { byID[id, default: []].append(r.index) } }
        return byID.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }.map { indexes in
            let refs = indexes.map { references[$0] }
            return CheckProblem(kind: .duplicateID, severity: .problem, features: refs,
                                geometry: features[indexes[1]].geometry.flatMap(marker),
                                detail: "id \(refs[0].id!) is used by features \(indexes.map(String.init).joined(separator: ", "))")
        }
    }

    /// A point to show a feature by: its box centre.
    static func marker(_ g: Geometry) -> Geometry? {
        g.boundingBox.map { .point($0.center) }
    }

    // MARK: Overlay helpers

    private struct Overlap: Sendable {
        var first: Int
        var second: Int
        var part: Polygon
    }

    /// Every feature in metres; polygons GEOS finds invalid are repaired (make-valid,
    /// polygonal parts kept) so one bad feature cannot stop the overlay.
    private static func project(_ features: [Feature], to target: String, origin: Point) throws -> [Geometry?] {
        try parallelMap(features.count, minimumForTwo: 512) { range in
            let transformer = try CoordinateTransformer(from: "EPSG:4326", to: target)
            let geos = GEOSContext()
            return try range.map { i -> Geometry? in
                guard let g = features[i].geometry, !g.polygons.isEmpty, g.pointCount > 0 else { return nil }
                let metres = translated(try transformer.transform(g), by: Point(x: -origin.x, y: -origin.y))
                guard let built = try? geos.geometry(metres) else { return nil }
                if built.isValid { return metres }
                let parts = try polygonalParts(of: try built.makeValid())
                return parts.isEmpty ? nil : .multiPolygon(MultiPolygon(polygons: parts))
            }
        }
    }

    /// Below this many square metres in total, the sum of the territories' areas and the
    /// area of their union count as equal: no overlap to look for. 0.001 m² (10 cm × 1 cm):
    /// far above the rounding of areas about a local origin (3e-6 m² for 3,000 territories),
    /// far below any overlap worth a finding.
    static let overlapAreaTolerance = 1e-3

    /// `g` moved by `offset`.
    static func translated(_ g: Geometry, by offset: Point) -> Geometry {
        func move(_ flat: inout [Double]) {
            for i in stride(from: 0, to: flat.count - 1, by: 2) {
                flat[i] += offset.x
                flat[i + 1] += offset.y
            }
        }
        switch g {
        case .point(let p): return .point(Point(x: p.x + offset.x, y: p.y + offset.y))
        case .multiPoint(var m): move(&m.coordinates); return .multiPoint(m)
        case .lineString(var l): move(&l.coordinates); return .lineString(l)
        case .multiLineString(var m): move(&m.coordinates); return .multiLineString(m)
        case .polygon(var p): move(&p.coordinates); return .polygon(p)
        case .multiPolygon(var m):
            for k in m.polygons.indices { move(&m.polygons[k].coordinates) }
            return .multiPolygon(m)
        case .geometryCollection(let members): return .geometryCollection(members.map { translated($0, by: offset) })
        }
    }

    /// The polygons of an overlay result with a positive area (lines and points dropped).
    static func polygonalParts(of g: GEOSGeometry) throws -> [Polygon] {
        func collect(_ value: Geometry) -> [Polygon] {
            switch value {
            case .polygon(let p): [p]
            case .multiPolygon(let m): m.polygons
            case .geometryCollection(let members): members.flatMap(collect)
            default: []
            }
        }
        return collect(try g.value()).filter { $0.area > 0 }
    }

    /// Territories touching a gap (within 1 cm): the organisations around it.
    private static func neighbours(of part: Polygon, tree: PackedRTree, projected: [Geometry?], geos: GEOSContext) throws -> [Int] {
        let shape = try geos.geometry(.polygon(part))
        let box = Geometry.polygon(part).boundingBox!.expanded(by: 0.01)
        var result: [Int] = []
        for j in tree.items(intersecting: box).sorted() {
            guard let g = projected[j] else { continue }
            if try shape.distance(to: try geos.geometry(g)) <= 0.01 { result.append(j) }
        }
        return result
    }

    /// Territories holding a piece of ground (tested at a point inside it).
    private static func claimants(of part: Polygon, tree: PackedRTree, projected: [Geometry?], geos: GEOSContext) throws -> [Int] {
        let inside = try geos.geometry(.polygon(part)).pointOnSurface()
        guard case .point(let p) = try inside.value() else { return [] }
        var result: [Int] = []
        for j in tree.items(intersecting: BoundingBox(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y)).sorted() {
            guard let g = projected[j] else { continue }
            if try geos.geometry(g).covers(inside) { result.append(j) }
        }
        return result
    }

    static func squareMetres(_ a: Double) -> String {
        a >= 100 ? "\(Int(a.rounded())) m²" : String(format: "%.2f m²", a)
    }
}

/// Back from the metric CRS to WGS84 lon/lat, for output.
private struct Unprojector {
    let transformer: CoordinateTransformer
    let origin: Point

    init(_ source: String, origin: Point) throws {
        transformer = try CoordinateTransformer(from: source, to: "EPSG:4326")
        self.origin = origin
    }

    func callAsFunction(_ g: Geometry) throws -> Geometry {
        try transformer.transform(TerritoryCheck.translated(g, by: origin))
    }
}
