import GeoCore

/// What `affected` needs besides the layers.
public struct AffectedOptions: Sendable {
    /// The works or outage layer's name, for messages.
    public var layer: String
    public var fields: WindowFields
    public var query: TimeQuery
    /// Only these feature ids (their GeoJSON id, or 1-based number when they have none); nil for all.
    public var ids: Set<String>?
    /// How far from a line or point a building counts as touched, in metres. A polygon
    /// touches the buildings it intersects (buffer 0).
    public var bufferMetres: Double
    /// The buildings' address property.
    public var addressField: String
    /// The properties summed as residents (first present wins) and as flats.
    public var residentsFields: [String]
    public var flatsField: String
    /// The metric CRS; nil picks the UTM zone of the data.
    public var crs: String?

    public init(layer: String, fields: WindowFields = WindowFields(), query: TimeQuery = .all, ids: Set<String>? = nil,
                bufferMetres: Double = 0, addressField: String = "address", residentsFields: [String] = ["residents", "population"],
                flatsField: String = "flats", crs: String? = nil) {
        self.layer = layer
        self.fields = fields
        self.query = query
        self.ids = ids
        self.bufferMetres = bufferMetres
        self.addressField = addressField
        self.residentsFields = residentsFields
        self.flatsField = flatsField
        self.crs = crs
    }
}

/// Which buildings each active works or outage feature touches, and who must tell them.
///
/// **Rule.** Everything is projected into one local metric CRS (``MetricFrame``). A polygon
/// touches a building when GEOS finds them at distance 0: intersecting, touching included.
/// A line or point touches a building within `bufferMetres` of it, the distance GEOS's
/// (computed as GEOS does, in ``PlanarShape``, and checked against GEOS by the tests),
/// rounded to the millimetre: a building exactly at the buffer's distance is touched, as is
/// one whose edge a line runs along.
public enum AffectedBuildings {
    /// Runs on features in WGS84 lon/lat. `organisation` names who answers for a building,
    /// given a point inside it (lon/lat); nil leaves buildings ungrouped. `buildingBoxes`, the
    /// buildings' boxes kept from reading them, saves reading every building's coordinates
    /// (nil: they are read here).
    public static func run(features: [Feature], buildings: [Feature], buildingBoxes: FeatureBoxes? = nil, options: AffectedOptions,
                           organisation: (@Sendable (Point) -> String?)? = nil) throws -> AffectedReport {
        let (windows, problems, allBoxes) = FeatureWindows.read(features, layer: options.layer, fields: options.fields, boxes: true)
        var unknown = options.ids ?? []
        var active: [Int] = []
        for (i, f) in features.enumerated() {
            if let ids = options.ids {
                let name = f.id?.description ?? String(i + 1)
                guard ids.contains(name) else { continue }
                unknown.remove(name)
            }
            guard let w = windows[i].window, options.query.matches(w) else { continue }
            active.append(i)
        }
        if let missing = unknown.sorted().first { throw WorksError.unknownFeature(layer: options.layer, id: missing) }

        let boxes = active.map { allBoxes[$0] }
        var extent = BoundingBox.empty
        for b in boxes where b.minX.isFinite { extent.extend(b) }
        if !extent.isEmpty { extent = extent.expanded(by: 0.01 + options.bufferMetres / 50_000) }
        let frame = try MetricFrame(extent: extent, crs: options.crs)
        let buffer = options.bufferMetres
        // The active features in metres, once, flat; and their lon/lat boxes grown by their reach.
        let shapes = try frame.planarShapes(features, active)
        // A polygon or multipolygon reaches what it touches; anything else, the buffer.
        let areal = active.map { features[$0].geometry?.isAreal ?? false }
        let reaches = areal.map { $0 ? 0 : buffer }
        let grown: [BoundingBox] = active.indices.map { k in shapes.isEmpty(k) ? .farAwayBox : frame.grown(boxes[k], by: reaches[k]) }
        // Fine cells: most of the 200,000 buildings then find theirs empty.
        let grid = BoxGrid(grown, cellsPerBox: 16)

        // One pass over the buildings, on every core: each building's lon/lat box against the
        // features' grid (a few cells per building, most of them empty); a building some
        // feature may reach is projected once (the rest stay in lon/lat), rejected when its
        // box in metres is beyond the reach, else measured.
        struct Pair: Sendable { var feature: Int32; var building: Int32; var metres: Double }
        // Shapes and buildings are read in place (no copy of a shape or a geometry per candidate).
        // The buildings' boxes kept from the read, else each read from its coordinates in the pass.
        let kept = buildingBoxes.flatMap { $0.count == buildings.count ? $0.flat : nil }
        let pairs: [Pair] = try shapes.withViews { shape in
          try BorrowedElements.with(kept ?? []) { bx in
            try BorrowedElements.with(buildings) { building in
                try parallelMap(buildings.count, slicesPerWorker: 8) { range in
                    var project = frame.projector()
                    var outline = PlanarShape()
                    var candidates: [Int] = []
                    var found: [Pair] = []
                    var visits = grid.visits()
                    // A polygon building's positions are copied out as its box is read: no
                    // reference count touched per building (see PolygonScratch).
                    var scratch = PolygonScratch()
                    defer { scratch.free() }
                    let ahead = 12
                    for b in range {
                        if kept == nil && b + ahead < range.upperBound { CacheHint.coordinates(building[b + ahead].geometry) }
                        let box: BoundingBox
                        var copied = false
                        if kept != nil {
                            box = BoundingBox(minX: bx[4 * b], minY: bx[4 * b + 1], maxX: bx[4 * b + 2], maxY: bx[4 * b + 3])
                            if box.minX.isNaN { continue }
                        } else if let read = scratch.read(building[b].geometry) {
                            box = read
                            copied = true
                        } else {
                            guard let b = building[b].geometry.flatBoundingBox else { continue }
                            box = b
                        }
                        candidates.removeAll(keepingCapacity: true)
                        grid.search(minX: box.minX, minY: box.minY, maxX: box.maxX, maxY: box.maxY, visits: &visits) { candidates.append($0) }
                        if candidates.isEmpty { continue }
                        if !copied { copied = scratch.read(building[b].geometry) != nil }
                        if copied { copied = scratch.readRings(building[b].geometry) }
                        if copied {
                            try outline.load(polygon: scratch.coordinates, ringStarts: scratch.ringStarts) { try project.transform(&$0) }
                        } else {
                            try outline.load(building[b].geometry!) { try project.transform(&$0) }
                        }
                        outline.withView { o in
                            for k in candidates {
                                // Features without geometry have no box in the grid: never candidates.
                                let reach = reaches[k], s = shape[k]
                                // Rounded to the millimetre, anything beyond reach + 1 mm stays beyond.
                                if PlanarShapeView.boxGap(s, o) > reach + 0.001 { continue }
                                let d = millimetres(PlanarShapeView.distance(s, o))
                                if d <= reach { found.append(Pair(feature: Int32(k), building: Int32(b), metres: d)) }
                            }
                        }
                    }
                    return found
                }
            }
          }
        }
        // The pass ran in layer order: each affected building's pairs are one run of `pairs`
        // (its features then sorted into layer order). Per feature, its hits in building order:
        // the pairs counted per feature, then placed (a counting sort, no array per feature).
        var buildingsHit: [Int] = [], runStarts: [Int] = []
        var hitStarts = [Int](repeating: 0, count: active.count + 1)
        for (n, p) in pairs.enumerated() {
            if buildingsHit.last != Int(p.building) {
                buildingsHit.append(Int(p.building))
                runStarts.append(n)
            }
            hitStarts[Int(p.feature) + 1] += 1
        }
        runStarts.append(pairs.count)
        for k in active.indices { hitStarts[k + 1] += hitStarts[k] }
        var byFeature = [AffectedFeature.Hit](repeating: AffectedFeature.Hit(building: 0, metres: 0), count: pairs.count)
        var next = hitStarts
        for p in pairs {
            byFeature[next[Int(p.feature)]] = AffectedFeature.Hit(building: Int(p.building), metres: p.metres)
            next[Int(p.feature)] += 1
        }
        let touched = buildingsHit, runs = runStarts, activeList = active
        let organisations: [String?] = try parallelMap(touched.count, minimumForTwo: 4096, slicesPerWorker: 4) { range in
            guard let organisation else { return range.map { _ in nil } }
            let geos = GEOSContext()
            return try range.map { k -> String? in
                guard let g = buildings[touched[k]].geometry, let p = try Self.inside(g, geos) else { return nil }
                return organisation(p)
            }
        }
        var report = AffectedReport(crs: frame.crs, method: "\(frame.method); "
            + "a polygon touches the buildings it intersects (touching counts); a line or point, those within \(fixedText(buffer)) m, GEOS distance rounded to the millimetre")
        // With --id, only the chosen features' dates matter.
        report.problems = options.ids.map { ids in problems.filter { ids.contains($0.feature) } } ?? problems
        report.grouped = organisation != nil
        var position = [Int32](repeating: -1, count: buildings.count)
        for (k, b) in touched.enumerated() { position[b] = Int32(k) }
        // The report's buildings and features, on every core (property lookups, ids, tallies).
        report.buildings = BorrowedElements.with(buildings) { building in
            parallelArray(touched.count, minimumForTwo: 4096, slicesPerWorker: 4) { k -> AffectedBuilding in
                let b = touched[k]
                let p = building[b].properties
                var touching = pairs[runs[k] ..< runs[k + 1]].map { activeList[Int($0.feature)] }
                if touching.count > 1 { touching.sort() }
                return AffectedBuilding(
                    index: b, id: building[b].id?.description ?? String(b + 1),
                    address: p[options.addressField]?.plainText, organisation: organisations[k],
                    residents: options.residentsFields.lazy.compactMap { p[$0]?.doubleValue }.first,
                    flats: p[options.flatsField]?.doubleValue, features: touching)
            }
        }
        let affected = report.buildings, hits = byFeature, starts = hitStarts, positions = position
        report.features = parallelArray(active.count, minimumForTwo: 4096, slicesPerWorker: 4) { k -> AffectedFeature in
            let i = activeList[k]
            let own = hits[starts[k] ..< starts[k + 1]]
            var f = AffectedFeature(index: i, id: features[i].id?.description ?? String(i + 1), window: windows[i].window!,
                                    kind: shapes.isEmpty(k) ? "no geometry" : areal[k] ? "area" : "line or point", hits: Array(own))
            f.organisations = OrganisationCount.tally(affected, own.lazy.map { Int(positions[$0.building]) })
            return f
        }
        report.organisations = OrganisationCount.tally(report.buildings, report.buildings.indices)
        return report
    }

    /// A point inside a building (GEOS's point on surface), lon/lat.
    static func inside(_ g: Geometry, _ geos: GEOSContext) throws -> Point? {
        if case .point(let p) = g { return p }
        guard let built = try? geos.geometry(g), case .point(let p)? = try? built.pointOnSurface().value() else {
            return g.boundingBox?.center
        }
        return p
    }

    static func millimetres(_ d: Double) -> Double { (d * 1000).rounded() / 1000 }
}

func fixedText(_ v: Double) -> String {
    v == v.rounded() ? String(Int(v)) : String(v)
}

/// What `affected` found.
public struct AffectedReport: Sendable {
    /// The metric CRS distances were measured in.
    public var crs: String
    public var method: String
    /// The features active in the query, in layer order.
    public var features: [AffectedFeature] = []
    /// Every building some active feature touches, once, in layer order.
    public var buildings: [AffectedBuilding] = []
    /// Buildings per organisation over all active features.
    public var organisations: [OrganisationCount] = []
    /// Whether buildings were grouped by organisation at all.
    public var grouped = false
    /// Features skipped for missing or bad dates.
    public var problems: [DateProblem] = []

    public var totalResidents: Double? { sum(\.residents) }
    public var totalFlats: Double? { sum(\.flats) }

    private func sum(_ key: KeyPath<AffectedBuilding, Double?>) -> Double? {
        let values = buildings.compactMap { $0[keyPath: key] }
        return values.isEmpty ? nil : values.reduce(0, +)
    }
}

public struct AffectedFeature: Sendable {
    /// A touched building and its distance, in metres, rounded to the millimetre.
    public struct Hit: Sendable, Hashable {
        public var building: Int
        public var metres: Double
    }

    /// The feature's index in its layer.
    public var index: Int
    public var id: String
    public var window: TimeWindow
    /// `area`, or `line or point`.
    public var kind: String
    public var hits: [Hit]
    /// This feature's buildings per organisation: its notification list.
    public var organisations: [OrganisationCount] = []
}

public struct AffectedBuilding: Sendable {
    /// The building's index in its layer.
    public var index: Int
    public var id: String
    public var address: String?
    /// Who answers for it; nil when no territory or rule names anybody.
    public var organisation: String?
    public var residents: Double?
    public var flats: Double?
    /// The active features touching it (indexes in their layer).
    public var features: [Int]
}

/// Buildings one organisation must inform.
public struct OrganisationCount: Sendable, Hashable {
    /// The organisation, or nil for buildings nobody answers for.
    public var organisation: String?
    public var buildings: Int
    public var residents: Double?
    public var flats: Double?

    /// Per organisation, most buildings first; the unassigned last: over `list[i]` for each of `indices`.
    static func tally(_ list: [AffectedBuilding], _ indices: some Sequence<Int>) -> [OrganisationCount] {
        // A feature touches a few buildings of a few organisations: a short list searched in
        // order beats hashing each name; an index by name once the list grows.
        var counts: [OrganisationCount] = []
        var index: [String?: Int]?
        for i in indices {
            // Field by field: copying the whole building (its strings, its features) costs more.
            let organisation = list[i].organisation
            var at: Int
            if let index {
                at = index[organisation] ?? -1
            } else {
                at = counts.firstIndex { $0.organisation == organisation } ?? -1
            }
            if at < 0 {
                at = counts.count
                counts.append(OrganisationCount(organisation: organisation, buildings: 0))
                index?[organisation] = at
                if index == nil && counts.count > 16 {
                    index = Dictionary(uniqueKeysWithValues: counts.enumerated().map { ($1.organisation, $0) })
                }
            }
            counts[at].buildings += 1
            if let r = list[i].residents { counts[at].residents = (counts[at].residents ?? 0) + r }
            if let f = list[i].flats { counts[at].flats = (counts[at].flats ?? 0) + f }
        }
        return counts.sorted {
            if ($0.organisation == nil) != ($1.organisation == nil) { return $1.organisation == nil }
            if $0.buildings != $1.buildings { return $0.buildings > $1.buildings }
            return ($0.organisation ?? "") < ($1.organisation ?? "")
        }
    }
}

/// A works analysis was asked something its layers cannot answer.
public enum WorksError: Error, Sendable, CustomStringConvertible {
    case unknownFeature(layer: String, id: String)

    public var description: String {
        switch self {
        case .unknownFeature(let layer, let id): "\(layer): no feature with id \(id)"
        }
    }
}

extension BoundingBox {
    /// A box no search reaches, for features without geometry.
    static let farAwayBox = BoundingBox(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
}
