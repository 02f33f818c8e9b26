import GeoCore

/// Routes appeals: for a point and a category, the organisation that answers for that place.
///
/// Built once from a ``LayerStore`` and ``RoutingRules``, then immutable and `Sendable`: one
/// router serves any number of concurrent callers. It holds its layers in memory (a
/// ``PolygonIndex`` per polygon layer, a ``NearestFeatureIndex`` per nearest rule), so a
/// route touches no database; ``refreshed(from:)`` builds the next router when the store
/// changes.
///
/// **Deterministic choice.** When several features of a covering layer cover the point, one
/// that holds it in its interior wins over one that has it only on its boundary; among equals
/// the feature imported first (lowest `fid`) wins. A point exactly on the border between two
/// territories therefore goes to the same one every run, and the decision lists both.
public struct Router: @unchecked Sendable {
    public let rules: RoutingRules
    /// The directory, plus any organisation a layer names that the directory lacks (without
    /// contacts; see ``warnings``).
    public let organisations: [Organisation]
    /// Problems that do not stop routing: organisations missing from the directory, features
    /// without an organisation.
    public let warnings: [String]
    /// Whether the rules may read restricted layers (see ``init(store:rules:includeRestricted:)``);
    /// a refreshed router keeps the same policy.
    public let includeRestricted: Bool
    let layers: [RoutingLayer]
    let strategies: [[CompiledStrategy]]
    let categoryIndex: [String: Int]
    /// Categories that cannot be routed any more, with the reason (after a refresh).
    let unavailable: [Int: String]

    /// The categories that cannot be routed until their layers are back (a layer the rules
    /// use was dropped, say), each with the reason; empty when every category routes.
    public var unavailableCategories: [String: String] {
        Dictionary(uniqueKeysWithValues: unavailable.map { (rules.categories[$0.key].id, $0.value) })
    }

    // The hot path's tables: plain values and flat arrays, so a route copies no array and
    // touches no reference count (shared counts are what two cores fight over).
    // Pointers into frozen buffers held by `tables` (immutable once built).
    let polygonIndexes: UnsafePointer<PolygonIndex.Raw>
    /// The same indexes whole, slot for slot (for the border test, which needs the tree).
    let borderIndexes: UnsafePointer<PolygonIndex>
    let nearestIndexes: UnsafePointer<NearestFeatureIndex>
    let steps: UnsafePointer<Step>
    /// `steps[categoryStart[c] ..< categoryStart[c + 1]]` are category c's strategies.
    let categoryStart: UnsafePointer<Int32>
    /// Every compiled strategy's organisation-per-feature table, concatenated.
    let organisationTable: UnsafePointer<Int32>
    /// Per category: 1 when unavailable.
    let categoryUnavailable: UnsafePointer<UInt8>
    let categoryCount: Int
    private let tables: [AnyObject]

    /// One strategy as plain values.
    struct Step: Sendable {
        /// 0 covering, 1 nearest, 2 fallback.
        var kind: UInt8
        /// Into `polygonIndexes` (covering) or `nearestIndexes` (nearest).
        var index: Int32
        /// The router's layer index, for results.
        var layer: Int16
        /// Start of this strategy's organisations in `organisationTable`; the fallback's organisation.
        var organisations: Int32
        /// Border metres (covering) or reach (nearest).
        var metres: Double
    }

    /// Builds a router; a rule naming a layer or property the store lacks is an error here,
    /// not when an appeal arrives.
    ///
    /// Restricted layers (``Visibility/restricted``) are read only with `includeRestricted:
    /// true`, the same policy as the CLI's `--include-restricted`: without it, rules that name a
    /// restricted layer fail with ``RestrictedLayerError``.
    public init(store: LayerStore, rules: RoutingRules, includeRestricted: Bool = false) throws {
        self = try RouterBuilder(store: store, rules: rules, previous: nil, includeRestricted: includeRestricted).build()
    }

    init(rules: RoutingRules, organisations: [Organisation], warnings: [String], includeRestricted: Bool,
         layers: [RoutingLayer], strategies: [[CompiledStrategy]], unavailable: [Int: String]) {
        self.rules = rules
        self.includeRestricted = includeRestricted
        self.organisations = organisations
        self.warnings = warnings
        self.layers = layers
        self.strategies = strategies
        self.unavailable = unavailable
        var index: [String: Int] = [:]
        for (i, c) in rules.categories.enumerated() { index[c.id] = i }
        categoryIndex = index
        // Flatten for the hot path.
        var polygonIndexes: [PolygonIndex] = [], nearestIndexes: [NearestFeatureIndex] = []
        var polygonSlot: [Int: Int] = [:], nearestSlot: [Int: Int] = [:]
        for (i, l) in layers.enumerated() {
            if let p = l.polygons { polygonSlot[i] = polygonIndexes.count; polygonIndexes.append(p) }
            nearestSlot[i] = nearestIndexes.count
            nearestIndexes.append(l.nearest)
        }
        var steps: [Step] = [], starts: [Int32] = [0], table: [Int32] = []
        for list in strategies {
            for s in list {
                switch s {
                case .covering(let l, let orgs, let border):
                    steps.append(Step(kind: 0, index: Int32(polygonSlot[l] ?? -1), layer: Int16(l), organisations: Int32(table.count), metres: border))
                    table += orgs
                case .nearest(let l, let orgs, let within):
                    steps.append(Step(kind: 1, index: Int32(nearestSlot[l]!), layer: Int16(l), organisations: Int32(table.count), metres: within))
                    table += orgs
                case .fallback(let org):
                    steps.append(Step(kind: 2, index: -1, layer: -1, organisations: Int32(org), metres: 0))
                }
            }
            starts.append(Int32(steps.count))
        }
        let p = FrozenBuffer(polygonIndexes.map(\.raw)), n = FrozenBuffer(nearestIndexes), st = FrozenBuffer(steps)
        let b = FrozenBuffer(polygonIndexes)
        let cs = FrozenBuffer(starts), ot = FrozenBuffer(table)
        let cu = FrozenBuffer((0 ..< rules.categories.count).map { unavailable[$0] == nil ? UInt8(0) : 1 })
        tables = [p, b, n, st, cs, ot, cu]
        self.polygonIndexes = p.pointer
        borderIndexes = b.pointer
        self.nearestIndexes = n.pointer
        self.steps = st.pointer
        self.categoryStart = cs.pointer
        self.organisationTable = ot.pointer
        self.categoryUnavailable = cu.pointer
        categoryCount = rules.categories.count
    }

    /// The next router for the store as it is now: changed layers reloaded, unchanged ones
    /// shared. A category whose layer or property has gone becomes unavailable (its routes
    /// fail with ``RoutingError/categoryUnavailable(_:reason:)``); the others keep routing.
    /// This router itself is unchanged.
    public func refreshed(from store: LayerStore) throws -> Router {
        try RouterBuilder(store: store, rules: rules, previous: self, includeRestricted: includeRestricted).build()
    }

    /// The category's index for ``route(x:y:category:)``, or nil when unknown.
    public func categoryIndex(of id: String) -> Int? { categoryIndex[id] }

    /// Names and versions of the layers the router holds.
    public var layerVersions: [String: Int] {
        Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0.version) })
    }

    /// Approximate memory of the router's indexes, in bytes.
    public var memoryBytes: Int { layers.reduce(0) { $0 + $1.memoryBytes } }

    // MARK: The hot path

    /// Routes a point (WGS84 lon/lat) for a category given by index: integers only, no
    /// allocation in the common case. See ``decide(lon:lat:category:)`` for the explained form.
    @inline(__always)
    public func route(x: Double, y: Double, category: Int) -> RouteResult {
        var result = RouteResult()
        guard x >= -180 && x <= 180 && y >= -90 && y <= 90,
              category >= 0 && category < categoryCount, categoryUnavailable[category] == 0 else {
            result.flags.insert(.invalidInput)
            return result
        }
        var k = Int(categoryStart[category])
        let end = Int(categoryStart[category + 1])
        while k < end {
            let step = steps[k]
            k += 1
            switch step.kind {
            case 0:
                guard step.index >= 0 else { continue }
                let base = Int(step.organisations)
                var best = -1
                var bestInterior = false
                var count = 0
                var interiors = 0
                let organisationTable = organisationTable
                polygonIndexes[Int(step.index)].forEachCovering(x: x, y: y) { f, location in
                    count += 1
                    let interior = location == .interior
                    if interior { interiors += 1 }
                    if best < 0 || (interior && !bestInterior) || (interior == bestInterior && f < best) {
                        best = f
                        bestInterior = interior
                    }
                    return true
                }
                guard count > 0 else {
                    result.flags.insert(.outsideCovering)
                    continue
                }
                let org = organisationTable[base + best]
                guard org >= 0 else { continue }
                result.organisation = org
                result.coverings = UInt8(Swift.min(count, 255))
                result.strategy = Int16(k - 1 - Int(categoryStart[category]))
                result.layer = step.layer
                result.feature = Int32(best)
                if count > 1 {
                    if interiors > 1 {
                        result.flags.insert(.overlappingClaims)
                    } else {
                        var otherOrganisation = false
                        polygonIndexes[Int(step.index)].forEachCovering(x: x, y: y) { f, _ in
                            if organisationTable[base + f] != org { otherOrganisation = true; return false }
                            return true
                        }
                        if otherOrganisation { result.flags.insert(.onBorder) }
                    }
                }
                if step.metres > 0 && !result.flags.contains(.onBorder) && !result.flags.contains(.overlappingClaims) {
                    let near = borderIndexes[Int(step.index)].hasBoundaryNear(x: x, y: y, metres: step.metres) { f in
                        let other = organisationTable[base + f]
                        return other != org && other >= 0
                    }
                    if near { result.flags.insert(.nearBorder) }
                }
                return result
            case 1:
                guard let (f, d) = nearestIndexes[Int(step.index)].nearest(x: x, y: y, within: step.metres) else { continue }
                let org = organisationTable[Int(step.organisations) + f]
                guard org >= 0 else { continue }
                result.organisation = org
                result.strategy = Int16(k - 1 - Int(categoryStart[category]))
                result.layer = step.layer
                result.feature = Int32(f)
                result.metres = d
                return result
            default:
                result.organisation = step.organisations
                result.strategy = Int16(k - 1 - Int(categoryStart[category]))
                result.flags.insert(.fallback)
                return result
            }
        }
        result.flags.insert(.unrouted)
        return result
    }

    // MARK: The explained form

    /// Routes an appeal: the organisation with contacts, the rule, layer and feature that
    /// matched, the deadline and the flags. The same as ``decide(lon:lat:category:)``.
    public func route(lon: Double, lat: Double, category id: String) throws(RoutingError) -> RoutingDecision {
        try decide(lon: lon, lat: lat, category: id)
    }

    /// Routes an appeal and explains the decision.
    public func decide(lon: Double, lat: Double, category id: String) throws(RoutingError) -> RoutingDecision {
        guard lon.isFinite, lat.isFinite, lon >= -180, lon <= 180, lat >= -90, lat <= 90 else {
            throw .invalidCoordinates(lon: lon, lat: lat)
        }
        guard let c = categoryIndex[id] else {
            throw .unknownCategory(id, known: rules.categories.map(\.id))
        }
        if let reason = unavailable[c] { throw .categoryUnavailable(id, reason: reason) }
        let r = route(x: lon, y: lat, category: c)
        return explain(r, lon: lon, lat: lat, category: c)
    }

    /// The name of the layer a result matched in, if any.
    public func layerName(of r: RouteResult) -> String? {
        r.layer >= 0 ? layers[Int(r.layer)].name : nil
    }

    /// The id of the feature a result matched, if any.
    public func featureID(of r: RouteResult) -> String? {
        r.layer >= 0 && r.feature >= 0 ? layers[Int(r.layer)].featureIDs[Int(r.feature)] : nil
    }

    /// The full decision for a compact result.
    public func explain(_ r: RouteResult, lon: Double, lat: Double, category c: Int) -> RoutingDecision {
        let category = rules.categories[c]
        var d = RoutingDecision(category: category, flags: r.flags)
        guard r.organisation >= 0 else { return d }
        d.organisation = organisations[Int(r.organisation)]
        d.rule = r.strategy >= 0 ? category.strategies[Int(r.strategy)] : nil
        d.ruleIndex = r.strategy >= 0 ? Int(r.strategy) : nil
        d.distanceMetres = r.metres
        if r.layer >= 0 {
            d.layer = layers[Int(r.layer)].name
            d.featureID = layers[Int(r.layer)].featureIDs[Int(r.feature)]
            (d.candidates, d.neighbours) = borderDetail(r, lon: lon, lat: lat, category: c)
        }
        return d
    }
}

extension Router {
    /// For a result of a covering rule: every feature covering the point when there are
    /// several (border or overlap), and the other organisations whose border passes within the
    /// rule's border distance. Empty for other results, and without any search when the route
    /// already showed there is nothing to list.
    func borderDetail(_ r: RouteResult, lon: Double, lat: Double, category c: Int)
        -> (candidates: [RoutingDecision.Candidate], neighbours: [RoutingDecision.Neighbour]) {
        guard r.organisation >= 0, r.layer >= 0, r.strategy >= 0,
              case .covering(_, let orgs, let border) = strategies[c][Int(r.strategy)] else { return ([], []) }
        // The route counted the features covering the point: with one, there are no candidates.
        let listCandidates = r.coverings > 1
        // Unless the point was on a border or in an overlap, the route already looked for
        // another organisation's border within `border` metres with the same test; when it
        // found none, there are no neighbours.
        let searched = border > 0 && !r.flags.contains(.onBorder) && !r.flags.contains(.overlappingClaims)
        let listNeighbours = !searched || r.flags.contains(.nearBorder)
        guard listCandidates || listNeighbours, let polygons = layers[Int(r.layer)].polygons else { return ([], []) }
        var candidates: [RoutingDecision.Candidate] = [], neighbours: [RoutingDecision.Neighbour] = []
        let featureIDs = layers[Int(r.layer)].featureIDs
        if listCandidates {
            polygons.forEachCovering(x: lon, y: lat) { f, location in
                candidates.append(RoutingDecision.Candidate(
                    featureID: featureIDs[f], organisation: orgs[f] >= 0 ? organisations[Int(orgs[f])].name : nil,
                    onBoundary: location == .boundary))
                return true
            }
            candidates.sort { ($0.onBoundary ? 1 : 0, $0.featureID) < ($1.onBoundary ? 1 : 0, $1.featureID) }
            if candidates.count < 2 { candidates = [] }
        }
        if listNeighbours {
            var seen: Set<Int32> = [r.organisation]
            for near in polygons.boundariesNear(x: lon, y: lat, metres: max(border, 0)) {
                let org = orgs[near.feature]
                guard org >= 0, seen.insert(org).inserted else { continue }
                neighbours.append(RoutingDecision.Neighbour(organisation: organisations[Int(org)], featureID: featureIDs[near.feature], metres: near.metres))
            }
        }
        return (candidates, neighbours)
    }
}

/// The compact result of ``Router/route(x:y:category:)``: indexes into the router's tables.
public struct RouteResult: Sendable, Hashable {
    /// Index into ``Router/organisations``; -1 when nothing matched.
    public var organisation: Int32 = -1
    /// Index of the strategy that matched in the category's list; -1 for none.
    public var strategy: Int16 = -1
    /// The router's layer that matched; -1 for none (fallback).
    public var layer: Int16 = -1
    /// The matching feature's index in that layer; -1 for none.
    public var feature: Int32 = -1
    /// For a nearest rule: the distance in metres.
    public var metres: Double?
    public var flags: RouteFlags = []
    /// For a covering rule: how many of the layer's features cover the point (at most 255),
    /// so that ``Router/explain(_:lon:lat:category:)`` lists candidates only when there are several.
    var coverings: UInt8 = 0

    public init() {}
}

/// What is notable about a decision.
public struct RouteFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// A covering rule found no feature at the point (outside every territory, or in a gap).
    public static let outsideCovering = RouteFlags(rawValue: 1)
    /// The point lies exactly on a border (or vertex) shared with another organisation.
    public static let onBorder = RouteFlags(rawValue: 2)
    /// Another organisation's border passes within the rule's border distance.
    public static let nearBorder = RouteFlags(rawValue: 4)
    /// Several features hold the point in their interiors: overlapping claims.
    public static let overlappingClaims = RouteFlags(rawValue: 8)
    /// The fallback organisation took it.
    public static let fallback = RouteFlags(rawValue: 16)
    /// No strategy matched and the category has no fallback.
    public static let unrouted = RouteFlags(rawValue: 32)
    /// Bad coordinates or an unknown or unavailable category.
    public static let invalidInput = RouteFlags(rawValue: 64)

    /// The flags' names, for output.
    public var names: [String] {
        var n: [String] = []
        if contains(.outsideCovering) { n.append("outside_territory") }
        if contains(.onBorder) { n.append("on_border") }
        if contains(.nearBorder) { n.append("near_border") }
        if contains(.overlappingClaims) { n.append("overlapping_claims") }
        if contains(.fallback) { n.append("fallback") }
        if contains(.unrouted) { n.append("unrouted") }
        if contains(.invalidInput) { n.append("invalid_input") }
        return n
    }
}

/// A routing decision with everything a person or a service needs to act on it.
public struct RoutingDecision: Sendable {
    public struct Candidate: Sendable, Hashable {
        public var featureID: String
        public var organisation: String?
        /// The point is on this feature's boundary rather than inside it.
        public var onBoundary: Bool
    }

    public struct Neighbour: Sendable, Hashable {
        public var organisation: Organisation
        public var featureID: String
        /// Distance from the point to that organisation's border.
        public var metres: Double
    }

    public var category: AppealCategory
    public var organisation: Organisation?
    /// The strategy that matched, and its index in the category's list.
    public var rule: RoutingStrategy?
    public var ruleIndex: Int?
    public var layer: String?
    public var featureID: String?
    public var distanceMetres: Double?
    public var flags: RouteFlags
    /// Every feature covering the point when there are several (border or overlap).
    public var candidates: [Candidate] = []
    /// Other organisations whose border is within the rule's border distance.
    public var neighbours: [Neighbour] = []

    public var deadlineDays: Int { category.deadlineDays }

    init(category: AppealCategory, flags: RouteFlags) {
        self.category = category
        self.flags = flags
    }
}

/// Why an appeal could not be routed.
public enum RoutingError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownCategory(String, known: [String])
    case invalidCoordinates(lon: Double, lat: Double)
    case categoryUnavailable(String, reason: String)

    public var description: String {
        switch self {
        case .unknownCategory(let c, let known): "unknown category \"\(c)\" (known: \(known.joined(separator: ", ")))"
        case .invalidCoordinates(let lon, let lat): "invalid coordinates lon \(lon), lat \(lat): need -180…180 and -90…90"
        case .categoryUnavailable(let c, let reason): "category \"\(c)\" cannot be routed: \(reason)"
        }
    }
}
