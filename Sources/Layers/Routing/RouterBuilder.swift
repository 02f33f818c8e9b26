import GeoCore

/// A layer held in memory for routing.
struct RoutingLayer: Sendable {
    let name: String
    let version: Int
    /// Each feature's id as text (the GeoJSON id, else its 1-based position).
    let featureIDs: [String]
    /// Each needed property's values as text, per feature (nil where absent).
    let properties: [String: [String?]]
    let polygons: PolygonIndex?
    let nearest: NearestFeatureIndex

    var memoryBytes: Int {
        (polygons?.memoryBytes ?? 0) + featureIDs.count * 24
    }
}

/// A strategy with its layer and organisations resolved to indexes.
enum CompiledStrategy: Sendable {
    /// Layer index, the organisation index of each feature (-1: none), border metres.
    case covering(Int, [Int32], Double)
    /// Layer index, the organisation index of each feature, reach in metres.
    case nearest(Int, [Int32], Double)
    /// Organisation index.
    case fallback(Int)
}

/// Builds a ``Router``: loads the layers the rules name, checks them, resolves organisations.
struct RouterBuilder {
    let store: LayerStore
    let rules: RoutingRules
    /// When refreshing: the router whose unchanged layers are reused, and whose vanished
    /// layers make categories unavailable instead of failing the build.
    let previous: Router?
    /// Whether restricted layers may be read.
    let includeRestricted: Bool

    func build() throws -> Router {
        let file = rules.source
        var warnings: [String] = []
        var unavailable: [Int: String] = [:]
        // Every problem the rules have against this store, reported together.
        var problems: [ConfigurationError] = []

        // The organisations directory.
        var organisations: [Organisation] = []
        switch rules.organisations {
        case .list(let list):
            organisations = list
        case .layer(let name, let nameProperty, let idProperty, let phone, let email, let address):
            guard let info = try store.layer(named: name) else {
                problems.append(ConfigurationError(file: file, reason: "organisations: layer \"\(name)\" is not in the store"))
                break
            }
            if info.visibility == .restricted && !includeRestricted {
                throw RestrictedLayerError(rulesFile: file, layer: name)
            }
            let wanted = [nameProperty, idProperty, phone, email, address].compactMap { $0 }
            do { try checkProperties(wanted, of: info, at: "organisations") } catch { problems.append(error); break }
            try store.forEachFeature(of: name, filter: .all) { f in
                func text(_ p: String?) -> String? { p.flatMap { f.properties[$0]?.plainText } }
                guard let n = text(nameProperty) else { return }
                organisations.append(Organisation(id: text(idProperty), name: n, phone: text(phone), email: text(email), address: text(address)))
            }
        }
        var byKey: [String: Int] = [:]
        for (i, o) in organisations.enumerated() {
            if byKey[o.name] == nil { byKey[o.name] = i }
            if let id = o.id, byKey[id] == nil { byKey[id] = i }
        }

        // The layers, each loaded once with every property any rule reads from it.
        var needed: [String: Set<String>] = [:]
        var order: [String] = []
        for c in rules.categories {
            for s in c.strategies {
                switch s {
                case .covering(let l, let p, _), .nearest(let l, let p, _):
                    if needed[l] == nil { order.append(l) }
                    needed[l, default: []].insert(p)
                case .fallback: break
                }
            }
        }
        var layers: [RoutingLayer] = []
        var layerIndex: [String: Int] = [:]
        var missing: [String: String] = [:]
        for name in order {
            guard let info = try store.layer(named: name) else {
                let reason = "layer \"\(name)\" is not in the store"
                if let previous, previous.layers.contains(where: { $0.name == name }) {
                    missing[name] = "layer \"\(name)\" was dropped from the store after the router was built"
                    continue
                }
                problems.append(ConfigurationError(file: file, reason: "\(uses(name)): \(reason)"))
                continue
            }
            if info.visibility == .restricted && !includeRestricted {
                if let previous, previous.layers.contains(where: { $0.name == name }) {
                    missing[name] = "layer \"\(name)\" became restricted after the router was built"
                    continue
                }
                throw RestrictedLayerError(rulesFile: file, layer: name)
            }
            do {
                try checkProperties(needed[name]!.sorted(), of: info, at: uses(name))
            } catch {
                if previous != nil { missing[name] = error.reason; continue }
                problems.append(error)
                continue
            }
            var fits = true
            for c in rules.categories where c.strategies.contains(where: { if case .covering(name, _, _) = $0 { true } else { false } }) {
                do {
                    if let warning = try LayerRole.routingCovering.check(info) { warnings.append("category \(c.id): \(warning)") }
                } catch {
                    problems.append(ConfigurationError(file: file, reason: "category \(c.id): \(error)"))
                    fits = false
                }
            }
            if !fits || !problems.isEmpty { continue }
            if let reused = previous?.layers.first(where: { $0.name == name && $0.version == info.version }),
               needed[name]!.isSubset(of: Set(reused.properties.keys)) {
                layerIndex[name] = layers.count
                layers.append(reused)
                continue
            }
            layerIndex[name] = layers.count
            layers.append(try load(info, properties: needed[name]!))
        }

        // Each strategy with its organisations resolved.
        var unknownOrganisations: [String: Int] = [:]
        var compiled: [[CompiledStrategy]] = []
        for (ci, c) in rules.categories.enumerated() {
            var list: [CompiledStrategy] = []
            for s in c.strategies {
                switch s {
                case .covering(let l, let p, let border), .nearest(let l, let p, let border):
                    guard let li = layerIndex[l] else {
                        unavailable[ci] = missing[l] ?? "layer \"\(l)\" is not available"
                        continue
                    }
                    var orgs: [Int32] = []
                    var without = 0
                    for value in layers[li].properties[p]! {
                        guard let value, !value.isEmpty else { orgs.append(-1); without += 1; continue }
                        if let i = byKey[value] {
                            orgs.append(Int32(i))
                        } else {
                            organisations.append(Organisation(name: value))
                            byKey[value] = organisations.count - 1
                            unknownOrganisations[value, default: 0] += 1
                            orgs.append(Int32(organisations.count - 1))
                        }
                    }
                    if without > 0 {
                        warnings.append("\(Counted.text(without, "feature")) of \(l) \(without == 1 ? "has" : "have") no \(p): a \(c.id) appeal there goes to the next strategy")
                    }
                    if case .covering = s { list.append(.covering(li, orgs, border)) } else { list.append(.nearest(li, orgs, border)) }
                case .fallback(let o):
                    guard let i = byKey[o] else {
                        problems.append(ConfigurationError(file: file, reason: "category \(c.id): fallback organisation \"\(o)\" is not in the organisations directory"))
                        continue
                    }
                    list.append(.fallback(i))
                }
            }
            compiled.append(list)
        }
        if !problems.isEmpty { throw ConfigurationError.combining(problems, file: file) }
        // One line, however many: a city whose directory is not written yet would otherwise
        // get a screen of warnings on every command.
        let unknown = unknownOrganisations.keys.sorted()
        if unknown.count <= 3 {
            for name in unknown {
                warnings.append("organisation \"\(name)\" is not in the directory: its appeals are routed without contacts")
            }
        } else {
            let named = unknown.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
            warnings.append("\(unknown.count) organisations are not in the directory (\(named) and \(unknown.count - 3) more): their appeals are routed without contacts")
        }
        return Router(rules: rules, organisations: organisations, warnings: warnings, includeRestricted: includeRestricted, layers: layers,
                      strategies: compiled, unavailable: unavailable)
    }

    private func uses(_ layer: String) -> String {
        let categories = rules.categories.filter { $0.strategies.contains { $0.layer == layer } }.map(\.id)
        return "categor\(categories.count == 1 ? "y" : "ies") \(categories.joined(separator: ", "))"
    }

    private func checkProperties(_ properties: [String], of info: LayerInfo, at place: String) throws(ConfigurationError) {
        let known = Set(info.columns.map(\.property))
        for p in properties where !known.contains(p) {
            throw ConfigurationError(file: rules.source, reason: "\(place): layer \"\(info.name)\" has no property \"\(p)\" (it has: \(info.columns.map(\.property).joined(separator: ", ")))")
        }
    }

    private func load(_ info: LayerInfo, properties: Set<String>) throws -> RoutingLayer {
        var geometries: [Geometry?] = []
        var ids: [String] = []
        var values: [String: [String?]] = [:]
        for p in properties { values[p] = [] }
        try store.forEachFeature(of: info.name, filter: .all) { f in
            geometries.append(f.geometry)
            ids.append(f.id?.description ?? String(ids.count + 1))
            for p in properties { values[p]!.append(f.properties[p]?.plainText) }
        }
        let polygonal = info.geometryKinds.allSatisfy { $0 == .polygon || $0 == .multiPolygon }
        // One polygon index serves both the covering rules and the distances (0 inside).
        let polygons = PolygonIndex(geometries: geometries)
        return RoutingLayer(name: info.name, version: info.version, featureIDs: ids, properties: values,
                            polygons: polygonal ? polygons : nil,
                            nearest: NearestFeatureIndex(geometries: geometries, polygons: polygons))
    }
}
