import GeoCore

/// A router's decisions as JSON, written from its compact results: the same bytes as
/// ``DecisionJSON/append(_:lon:lat:to:)`` of ``Router/explain(_:lon:lat:category:)``, with
/// what does not depend on the point (a category's names and deadline, an organisation with
/// its contacts, a rule's text, a list of flags) encoded once when the writer is made.
/// The HTTP service answers every `GET /route` with it; make one per router.
public final class DecisionJSONWriter: Sendable {
    public let router: Router
    /// Per category: `,"category":…,"organisation":`.
    private let categories: [[UInt8]]
    /// Per organisation: its object.
    private let organisations: [[UInt8]]
    /// Per category and strategy: `,"rule":"…","rule_index":k,"layer":`.
    private let rules: [[[UInt8]]]
    /// Per router layer: its name as a JSON string.
    private let layers: [[UInt8]]
    /// Per flags value (all 128): `,"flags":[…]`.
    private let flagLists: [[UInt8]]

    public init(router: Router) {
        self.router = router
        categories = router.rules.categories.map { c in
            var out: [UInt8] = []
            DecisionJSON.appendCategory(c, to: &out)
            return out
        }
        organisations = router.organisations.map { org in
            var out: [UInt8] = []
            DecisionJSON.appendOrganisation(org, to: &out)
            return out
        }
        rules = router.rules.categories.map { c in
            c.strategies.enumerated().map { i, s in
                var out: [UInt8] = Array(#","rule":"#.utf8)
                JSONText.appendString(s.description, to: &out)
                JSONText.appendRaw(#","rule_index":"#, to: &out)
                JSONText.appendInteger(Int64(i), to: &out)
                JSONText.appendRaw(#","layer":"#, to: &out)
                return out
            }
        }
        layers = router.layers.map { l in
            var out: [UInt8] = []
            JSONText.appendString(l.name, to: &out)
            return out
        }
        flagLists = (0 ..< 128).map { raw in
            var out: [UInt8] = []
            DecisionJSON.appendFlags(RouteFlags(rawValue: UInt8(raw)), to: &out)
            return out
        }
    }

    /// Routes the point for the category (an index of the router's, available) and appends
    /// the decision.
    public func appendRouting(lon: Double, lat: Double, category c: Int, to out: inout [UInt8]) {
        append(router.route(x: lon, y: lat, category: c), lon: lon, lat: lat, category: c, to: &out)
    }

    /// Appends the decision for `r`, the router's result for this point and category index.
    public func append(_ r: RouteResult, lon: Double, lat: Double, category c: Int, to out: inout [UInt8]) {
        DecisionJSON.appendPoint(lon: lon, lat: lat, to: &out)
        out.append(contentsOf: categories[c])
        guard r.organisation >= 0 else {
            JSONText.appendRaw(#"null,"rule":null,"rule_index":null,"layer":null,"feature_id":null"#, to: &out)
            DecisionJSON.appendDistance(nil, to: &out)
            appendFlags(r.flags, to: &out)
            DecisionJSON.appendDetail(candidates: [], neighbours: [], to: &out)
            return
        }
        out.append(contentsOf: organisations[Int(r.organisation)])
        if r.strategy >= 0 {
            out.append(contentsOf: rules[c][Int(r.strategy)])
        } else {
            JSONText.appendRaw(#","rule":null,"rule_index":null,"layer":"#, to: &out)
        }
        if r.layer >= 0 {
            out.append(contentsOf: layers[Int(r.layer)])
            JSONText.appendRaw(#","feature_id":"#, to: &out)
            JSONText.appendString(router.layers[Int(r.layer)].featureIDs[Int(r.feature)], to: &out)
        } else {
            JSONText.appendRaw(#"null,"feature_id":null"#, to: &out)
        }
        DecisionJSON.appendDistance(r.metres, to: &out)
        appendFlags(r.flags, to: &out)
        let detail = router.borderDetail(r, lon: lon, lat: lat, category: c)
        DecisionJSON.appendDetail(candidates: detail.candidates, neighbours: detail.neighbours, to: &out)
    }

    private func appendFlags(_ flags: RouteFlags, to out: inout [UInt8]) {
        if Int(flags.rawValue) < flagLists.count {
            out.append(contentsOf: flagLists[Int(flags.rawValue)])
        } else {
            DecisionJSON.appendFlags(flags, to: &out)
        }
    }
}
