import GeoCore

/// Where each appeal belongs for the statistics: the areas of a polygon layer that cover it
/// (boundary included; every one of them), or the organisation routing assigns it (exactly one).
public struct AppealAreas: Sendable {
    /// Area names, in first-seen order of the layer (or the organisations' ids).
    public var names: [String] = []
    /// Appeal `i` belongs to `members[start[i] ..< start[i + 1]]` (indexes into ``names``).
    public var start: [Int] = [0]
    public var members: [Int32] = []
    /// Deadline days per category index of the appeal set, from routing rules; nil without.
    public var categoryDeadlines: [Double]?
    /// What decided the areas, for the output.
    public var method = ""

    /// The name used for appeals no area covers (or routing could not place).
    public static let none = "(none)"

    /// Each appeal in every feature of `features` that covers it (GEOS semantics of covers,
    /// evaluated by ``PolygonIndex``). A feature is named by `property` when given and set,
    /// else by its id, else by its position from 1. Features sharing a name are one area: an
    /// appeal covered by two of them counts once there.
    public static func covering(_ appeals: AppealSet, features: [Feature], property: String?, layer: String) -> AppealAreas {
        var areas = AppealAreas()
        var nameIndex: [String: Int32] = [:]
        var featureArea: [Int32] = []
        for (k, f) in features.enumerated() {
            let name = property.flatMap { f.properties[$0]?.plainText } ?? f.id?.description ?? String(k + 1)
            if let known = nameIndex[name] { featureArea.append(known) } else {
                let a = Int32(areas.names.count)
                nameIndex[name] = a
                areas.names.append(name)
                featureArea.append(a)
            }
        }
        let noneIndex = Int32(areas.names.count)
        areas.names.append(none)
        let index = PolygonIndex(geometries: features.map(\.geometry))
        let areaOfFeature = featureArea
        // Per half of the appeals (two workers): the areas of each appeal, flat, and how many.
        struct Chunk: Sendable { var members: [Int32] = []; var counts: [UInt32] = [] }
        let lon = appeals.lon, lat = appeals.lat
        let chunks: [Chunk] = (try? parallelMap(appeals.count, minimumForTwo: 4096) { range -> [Chunk] in
            var chunk = Chunk()
            chunk.members.reserveCapacity(range.count + range.count / 8)
            chunk.counts.reserveCapacity(range.count)
            for i in range {
                let start = chunk.members.count
                index.forEachCovering(x: lon[i], y: lat[i]) { f, _ in
                    let a = areaOfFeature[f]
                    if !chunk.members[start...].contains(a) { chunk.members.append(a) }
                    return true
                }
                if chunk.members.count == start { chunk.members.append(noneIndex) }
                else if chunk.members.count - start > 1 { chunk.members[start...].sort() }
                chunk.counts.append(UInt32(chunk.members.count - start))
            }
            return [chunk]
        }) ?? []
        areas.members.reserveCapacity(appeals.count)
        areas.start.reserveCapacity(appeals.count + 1)
        for chunk in chunks {
            areas.members += chunk.members
            var end = areas.start.last!
            for c in chunk.counts {
                end += Int(c)
                areas.start.append(end)
            }
        }
        areas.method = "every feature of \(layer) covering the appeal (boundary included)" + (property.map { ", named by \($0)" } ?? ", by feature id")
        return areas
    }

    /// Each appeal for the organisation the router assigns it; the category's deadline from the rules.
    /// A category the rules do not know is matched by its Russian name too.
    public static func routed(_ appeals: AppealSet, router: Router) -> AppealAreas {
        var areas = AppealAreas()
        let categories = router.rules.categories
        let categoryMap: [Int] = appeals.categories.map { name in
            router.categoryIndex(of: name) ?? categories.firstIndex { $0.nameRU == name || $0.nameEN == name } ?? -1
        }
        areas.categoryDeadlines = categoryMap.map { $0 >= 0 ? Double(categories[$0].deadlineDays) : .nan }
        areas.names = router.organisations.map { $0.id ?? $0.name }
        let unrouted = Int32(areas.names.count)
        areas.names.append(none)
        let results: [Int32] = (try? parallelMap(appeals.count) { range -> [Int32] in
            range.map { i -> Int32 in
                let c = categoryMap[Int(appeals.category[i])]
                guard c >= 0 else { return unrouted }
                let r = router.route(x: appeals.lon[i], y: appeals.lat[i], category: c)
                return r.organisation >= 0 ? r.organisation : unrouted
            }
        }) ?? []
        areas.members = results
        areas.start = Array(0 ... results.count)
        areas.method = "the organisation routing assigns (\(router.rules.source))"
        return areas
    }

    /// Every appeal in one area named `name`.
    public static func whole(_ appeals: AppealSet, name: String = "all") -> AppealAreas {
        AppealAreas(names: [name], start: Array(0 ... appeals.count), members: [Int32](repeating: 0, count: appeals.count),
                    categoryDeadlines: nil, method: "all appeals")
    }
}
