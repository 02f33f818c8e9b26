import Dispatch
import GeoCore

/// Waste-site coverage against the sanitary rules, building by building.
///
/// **Method.** Everything is projected with PROJ into one local metric CRS: the UTM zone
/// of the data, unless another is given. Distances are planar there, from a building's
/// outline to a site's point; the distance is 0 when the site lies inside the outline.
/// Over a city-sized extent in a UTM zone the scale factor is between 0.9996 and about
/// 1.0004, so a 100 m distance is within 4 cm of the geodesic; tests check 0.5 m against
/// PROJ's geodesic. Distances are rounded to the millimetre before they are compared with
/// the rules, so a building exactly 100 m away is covered.
public enum CoverageAnalysis {
    /// Runs the analysis on features in WGS84 lon/lat.
    /// With `suggest`, also proposes new sites for the uncovered buildings (``SuggestedSite``).
    public static func run(buildings: [Feature], sites: [Feature], districts: [Feature] = [], sensitive: [Feature] = [],
                           rules: CoverageRules, crs: String? = nil, suggest: Bool = false) throws -> CoverageReport {
        var extent = BoundingBox.empty
        // On both cores; not over `buildings + sites`, which would copy every feature.
        for box in try parallelMap(buildings.count, { range -> [BoundingBox] in
            var box = BoundingBox.empty
            for i in range { if let b = buildings[i].geometry?.boundingBox { box.extend(b) } }
            return [box]
        }) { extent.extend(box) }
        for f in sites { if let b = f.geometry?.boundingBox { extent.extend(b) } }
        if let crs { try CoordinateTransformer.requireMetric(crs: crs) }
        let target = crs ?? (extent.isEmpty ? "EPSG:32641" : UTMZone(for: extent).crsName)
        let project = try CoordinateTransformer(from: "EPSG:4326", to: target)
        // PROJ sampled on a grid over the data and interpolated, measured to 0.01 mm of PROJ
        // itself; positions beyond it (and CRSs it cannot meet the tolerance for) go to PROJ.
        var sampled = extent
        for f in sensitive { if let b = f.geometry?.boundingBox { sampled.extend(b) } }
        let grid = try InterpolatedProjection(project, extent: sampled, tolerance: Self.projectionTolerance)

        // Sites as points in metres.
        let sitePoints: [Point?] = try sites.map { s in
            guard let g = s.geometry else { return nil }
            switch try project.transform(g) {
            case .point(let p): return p
            case let other: return other.boundingBox?.center
            }
        }
        // Nearest-site rings of 100 m and more read a grid of 100 m cells: a few array reads.
        let siteGrid = PointGrid(points: sitePoints, cellSize: rules.residentialMaxMetres)
        let reductions = sites.map { rules.reduction(of: $0.properties) }

        // Buildings as outlines in metres, projected on every core straight into flat
        // buffers. Polygons are projected in one batch per worker: one call, not one per building.
        let chunks = try parallelMap(buildings.count) { range -> [FlatOutlines.Chunk] in
            var transformer: CoordinateTransformer?   // only for what the grid does not take
            func exact() throws -> CoordinateTransformer {
                if let transformer { return transformer }
                let t = try CoordinateTransformer(from: "EPSG:4326", to: target)
                transformer = t
                return t
            }
            var flat: [Double] = []
            for i in range { if case .polygon(let p)? = buildings[i].geometry { flat += p.coordinates } }
            if let grid { try grid.transform(flat: &flat) } else { try exact().transform(flat: &flat) }
            var chunk = FlatOutlines.Chunk()
            var offset = 0
            for i in range {
                switch buildings[i].geometry {
                case .polygon(let p)?:
                    chunk.addPolygon(flat, offset: offset, count: p.coordinates.count, ringStarts: p.ringStarts)
                    offset += p.coordinates.count
                case let g?: chunk.add(try exact().transform(g))
                case nil: chunk.add(nil)
                }
            }
            return [chunk]
        }
        let flat = FlatOutlines(chunks)
        let buildingBoxes = flat.boxes
        let buildingTree = PackedRTree(buildingBoxes)

        var report = CoverageReport(rules: rules, crs: target)
        report.projectionError = grid?.maximumError

        // Per building: the nearest site, by rings of growing radius (a site farther than r
        // from the outline's box is farther than r from the outline). On every core.
        let maxMetres = rules.residentialMaxMetres
        let noSites = sites.isEmpty
        let nearest: [(site: Int, metres: Double)?] = try parallelMap(flat.count) { range in
            range.map { b -> (site: Int, metres: Double)? in
                let box = buildingBoxes[b]
                guard box.minX.isFinite, !noSites else { return nil }
                var radius = maxMetres
                while radius < 1e6 {
                    var best: (Int, Double)?
                    siteGrid.forEach(minX: box.minX - radius, minY: box.minY - radius, maxX: box.maxX + radius, maxY: box.maxY + radius) { s, x, y in
                        let d = flat.distance(x: x, y: y, to: b)
                        if best == nil || d < best!.1 || (d == best!.1 && s < best!.0) { best = (s, d) }
                    }
                    if let best, best.1 <= radius { return (best.0, millimetres(best.1)) }
                    radius *= 2
                }
                return nil
            }
        }

        // Per site: what lies nearer than its minimum distances. On every core.
        let sensitiveGeometries = try sensitive.map { f -> Geometry? in try f.geometry.map { try project.transform($0) } }
        let sensitiveTree = PackedRTree(sensitiveGeometries.map { $0?.boundingBox ?? .farAway })
        let sensitiveMedical = sensitive.map { rules.medicalKinds.contains($0.properties[rules.sensitiveKindProperty]?.plainText ?? "") }
        var siteResults: [SiteResult] = try parallelMap(sites.count, minimumForTwo: 512) { range in
            range.map { s -> SiteResult in
                let site = sites[s]
                var result = SiteResult(index: s, id: site.id?.description ?? String(s + 1))
                let (fraction, reason) = reductions[s]
                result.reduction = reason
                result.residentialMinMetres = rules.residentialMinMetres * (1 - fraction)
                result.medicalMinMetres = rules.medicalMinMetres * (1 - fraction)
                result.containers = site.properties[rules.containersProperty]?.doubleValue.map { Int($0) }
                result.bulkyBins = site.properties[rules.bulkyBinsProperty]?.doubleValue.map { Int($0) }
                let separate = site.properties[rules.separateCollectionProperty] == .bool(true)
                result.separateCollection = separate
                let limit = separate ? rules.maxSeparateContainers : rules.maxMixedContainers
                if let c = result.containers, c > limit {
                    result.problems.append("\(c) containers, more than \(limit) (\(separate ? "separate" : "mixed") collection, \(CoverageRules.source))")
                }
                if let b = result.bulkyBins, b > rules.maxBulkyBins {
                    result.problems.append("\(b) bulky-waste bins, more than \(rules.maxBulkyBins) (\(CoverageRules.source))")
                }
                guard let p = sitePoints[s] else { return result }
                let reach = max(result.residentialMinMetres, result.medicalMinMetres)
                let residentialMin = result.residentialMinMetres, medicalMin = result.medicalMinMetres
                var violations: [Violation] = []
                buildingTree.search(minX: p.x - reach, minY: p.y - reach, maxX: p.x + reach, maxY: p.y + reach) { b in
                    let d = millimetres(flat.distance(x: p.x, y: p.y, to: b))
                    if d.isFinite, d < residentialMin {
                        violations.append(Violation(kind: .building, index: b, id: buildings[b].id?.description ?? String(b + 1),
                                                    metres: d, minimumMetres: residentialMin))
                    }
                    return true
                }
                sensitiveTree.search(minX: p.x - reach, minY: p.y - reach, maxX: p.x + reach, maxY: p.y + reach) { o in
                    guard let g = sensitiveGeometries[o] else { return true }
                    let medical = sensitiveMedical[o]
                    let minimum = medical ? medicalMin : residentialMin
                    let d = millimetres(PlanarDistance.point(p, to: g))
                    if d < minimum {
                        violations.append(Violation(kind: medical ? .medical : .children, index: o,
                                                    id: sensitive[o].id?.description ?? String(o + 1), metres: d, minimumMetres: minimum))
                    }
                    return true
                }
                violations.sort { ($0.metres, $0.index) < ($1.metres, $1.index) }
                result.violations = violations
                return result
            }
        }
        // The sites nearer than their minimum to each building, in site order.
        var tooClose = [[Int]](repeating: [], count: buildings.count)
        for r in siteResults { for v in r.violations where v.kind == .building { tooClose[v.index].append(r.index) } }

        // Buildings, assigned to their nearest site within the maximum. On every core.
        let districtIndex = PolygonIndex(geometries: districts.map(\.geometry))
        let siteIDs = siteResults.map(\.id)
        let tooCloseSites = tooClose
        let districtCount = districts.count
        report.buildings = try parallelMap(buildings.count) { range in
            range.map { b -> BuildingResult in
                var r = BuildingResult(index: b, id: buildings[b].id?.description ?? String(b + 1))
                if let n = nearest[b] {
                    r.nearestSite = n.site
                    r.nearestSiteID = siteIDs[n.site]
                    r.nearestMetres = n.metres
                    r.covered = n.metres <= rules.residentialMaxMetres
                }
                if !tooCloseSites[b].isEmpty { r.tooCloseSites = tooCloseSites[b].map { siteIDs[$0] } }
                if districtCount > 0, let c = buildings[b].geometry.flatMap(Self.centre) {
                    r.district = (0 ..< districtCount).first { districtIndex.location(x: c.x, y: c.y, feature: $0) != .exterior }
                }
                return r
            }
        }
        for r in report.buildings where r.covered { siteResults[r.nearestSite!].served.append(r.index) }
        for s in siteResults.indices {
            let load = siteResults[s].served.reduce(0.0) { sum, b in
                sum + (rules.loadProperties.lazy.compactMap { buildings[b].properties[$0]?.doubleValue }.first ?? 0)
            }
            if let c = siteResults[s].containers, c > 0, !siteResults[s].served.isEmpty { siteResults[s].loadPerContainer = load / Double(c) }
        }
        report.sites = siteResults

        if suggest {
            let input = SiteSuggestion.Input(outlines: (0 ..< flat.count).map(flat.geometry), buildingTree: buildingTree, sensitive: sensitiveGeometries,
                                             sensitiveMedical: sensitiveMedical, sensitiveTree: sensitiveTree,
                                             uncovered: report.buildings.filter { !$0.covered }.map(\.index), rules: rules)
            let (proposed, unreachable) = SiteSuggestion.suggest(input)
            let back = try CoordinateTransformer(from: target, to: "EPSG:4326")
            for (p, served, clearance) in proposed {
                report.suggestions.append(SuggestedSite(location: try back.transform(x: p.x, y: p.y), buildings: served,
                                                        nearestBuildingMetres: millimetres(clearance)))
            }
            report.unreachable = unreachable
        }

        // Per district.
        for (d, district) in districts.enumerated() {
            var r = DistrictResult(index: d, id: district.id?.description ?? String(d + 1),
                                   name: district.properties["name"]?.plainText ?? district.id?.description ?? String(d + 1))
            for b in report.buildings where b.district == d {
                r.buildings += 1
                if b.covered { r.covered += 1 }
                if !b.tooCloseSites.isEmpty { r.tooClose += 1 }
            }
            report.districts.append(r)
        }
        return report
    }

    /// A building's centre for district assignment: the mean of its outline's vertices.
    static func centre(_ g: Geometry) -> Point? {
        guard let p = g.polygons.first, p.ringCount > 0 else { return g.boundingBox?.center }
        let r = p.ringRange(0)
        var x = 0.0, y = 0.0
        for k in r.lowerBound ..< r.upperBound - 1 { x += p.coordinates[2 * k]; y += p.coordinates[2 * k + 1] }
        let n = Double(r.count - 1)
        return Point(x: x / n, y: y / n)
    }

    /// How far the interpolated projection may stray from PROJ: 0.01 mm, a hundredth of the
    /// millimetre distances are rounded to.
    static let projectionTolerance = 1e-5

    static func millimetres(_ d: Double) -> Double { (d * 1000).rounded() / 1000 }
}

/// What a coverage run found.
public struct CoverageReport: Sendable {
    public var rules: CoverageRules
    /// The CRS distances were measured in.
    public var crs: String
    public var buildings: [BuildingResult] = []
    public var sites: [SiteResult] = []
    public var districts: [DistrictResult] = []
    /// Proposed new sites (with `suggest`).
    public var suggestions: [SuggestedSite] = []
    /// Uncovered buildings no proposed site can reach within the rules.
    public var unreachable: [Int] = []

    /// With outlines projected through ``InterpolatedProjection``: its measured largest
    /// deviation from PROJ, in metres; nil when every position went through PROJ itself.
    public var projectionError: Double?

    /// Summary counts, each in one pass that copies no result (200,000 copies of a result
    /// with its strings cost more than the counting).
    public var coveredCount: Int { count(buildings.indices) { buildings[$0].covered } }
    public var tooCloseCount: Int { count(buildings.indices) { !buildings[$0].tooCloseSites.isEmpty } }
    public var sitesWithViolations: Int { count(sites.indices) { !sites[$0].violations.isEmpty } }
    public var sitesOverLimits: Int { count(sites.indices) { !sites[$0].problems.isEmpty } }
    public var sitesServingNoBuilding: Int { count(sites.indices) { sites[$0].served.isEmpty } }

    private func count(_ range: Range<Int>, _ test: (Int) -> Bool) -> Int {
        var n = 0
        for i in range where test(i) { n += 1 }
        return n
    }

    public var method: String {
        let projection = projectionError.map { String(format: "PROJ sampled on a grid, within %.3f mm of PROJ", $0 * 1000) } ?? "PROJ"
        return "planar distances in \(crs) (\(projection)), building outline to site point, rounded to the millimetre; \(CoverageRules.source), \(rules.profile) profile"
    }
}

public struct BuildingResult: Sendable {
    /// The building's index in the input (its properties are there).
    public var index: Int
    public var id: String
    public var nearestSite: Int?
    public var nearestSiteID: String?
    public var nearestMetres: Double?
    /// A site within the maximum distance.
    public var covered = false
    /// Sites nearer than their (possibly reduced) minimum distance.
    public var tooCloseSites: [String] = []
    /// Index of the district holding the building's centre.
    public var district: Int?
}

/// Something nearer to a site than the rules allow.
public struct Violation: Sendable, Hashable {
    public enum Kind: String, Sendable { case building, children, medical }
    public var kind: Kind
    public var index: Int
    public var id: String
    public var metres: Double
    public var minimumMetres: Double
}

public struct SiteResult: Sendable {
    /// The site's index in the input (its properties are there).
    public var index: Int
    public var id: String
    public var containers: Int?
    public var bulkyBins: Int?
    /// The exception that reduced the minimum distances, if any.
    public var reduction: String?
    public var residentialMinMetres = 0.0
    public var medicalMinMetres = 0.0
    public var violations: [Violation] = []
    /// Buildings whose nearest site this is, within the maximum distance.
    public var served: [Int] = []
    /// Residents (or flats) of the served buildings per container.
    public var loadPerContainer: Double?
    /// Container limits exceeded.
    public var problems: [String] = []
    /// The site collects waste separately (its container limit and reduction follow).
    public var separateCollection = false
}

public struct DistrictResult: Sendable {
    public var index: Int
    public var id: String
    public var name: String
    public var buildings = 0
    public var covered = 0
    public var tooClose = 0
    public var uncovered: Int { buildings - covered }
    public var coveredPercent: Double { buildings == 0 ? 100 : 100 * Double(covered) / Double(buildings) }
}

/// Planar distances in a projected CRS.
enum PlanarDistance {
    /// From a point to a geometry: 0 inside a polygon, else to the nearest vertex or edge.
    static func point(_ p: Point, to g: Geometry) -> Double {
        switch g {
        case .point(let q): return ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
        case .polygon(let polygon):
            return point(p, toPolygon: polygon)
        case .multiPolygon(let m):
            var best = Double.infinity
            for polygon in m.polygons { best = min(best, point(p, toPolygon: polygon)) }
            return best
        default:
            var best = Double.infinity
            g.forEachFlatArray { flat in
                if flat.count == 2 { best = min(best, point(p, to: .point(Point(x: flat[0], y: flat[1])))) }
                var k = 0
                while k + 3 < flat.count {
                    best = min(best, segment(p, flat[k], flat[k + 1], flat[k + 2], flat[k + 3]))
                    k += 2
                }
            }
            return best
        }
    }

    /// From a point to one polygon: 0 inside, else to its nearest edge (one pass over the
    /// edges does both).
    static func point(_ p: Point, toPolygon polygon: Polygon) -> Double {
        var best = Double.infinity
        var crossings = false
        polygon.forEachEdge { x1, y1, x2, y2 in
            best = min(best, segment(p, x1, y1, x2, y2))
            if crosses(p, x1, y1, x2, y2) { crossings.toggle() }
        }
        return crossings ? 0 : best
    }

    /// Whether the ray from `p` towards +x crosses the edge (the even-odd rule's step).
    @inline(__always)
    static func crosses(_ p: Point, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Bool {
        (y1 > p.y) != (y2 > p.y) && p.x < x1 + (p.y - y1) * (x2 - x1) / (y2 - y1)
    }

    @inline(__always)
    static func segment(_ p: Point, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Double {
        let dx = x2 - x1, dy = y2 - y1
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((p.x - x1) * dx + (p.y - y1) * dy) / len2 : 0
        t = max(0, min(1, t))
        let cx = x1 + t * dx - p.x, cy = y1 + t * dy - p.y
        return (cx * cx + cy * cy).squareRoot()
    }
}

extension BoundingBox {
    /// A box no query reaches, for features without geometry.
    static let farAway = BoundingBox(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
}
