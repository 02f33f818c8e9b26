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
        let per: [[Int32]] = (try? parallelMap(appeals.count) { range -> [[Int32]] in
            range.map { i -> [Int32] in
                var found: [Int32] = []
                index.forEachCovering(x: appeals.lon[i], y: appeals.lat[i]) { f, _ in
                    let a = areaOfFeature[f]
                    if !found.contains(a) { found.append(a) }
                    return true
                }
                return found.isEmpty ? [noneIndex] : found.sorted()
            }
        }) ?? []
        areas.members.reserveCapacity(appeals.count)
        areas.start.reserveCapacity(appeals.count + 1)
        for list in per {
            areas.members += list
            areas.start.append(areas.members.count)
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
