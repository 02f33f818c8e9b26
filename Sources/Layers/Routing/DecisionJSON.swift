import GeoCore

/// The JSON form of a routing decision, written straight into bytes: `geoctl route --format
/// json` and the HTTP service's `GET /route` both call it, so their answers are identical.
///
/// Members, in order: `lon`, `lat`, `category`, `category_ru`, `category_en`,
/// `deadline_days`, `organisation` (`id`, `name`, `phone`, `email`, `address`, or null),
/// `rule`, `rule_index`, `layer`, `feature_id`, `distance_m`, `flags`, `candidates`
/// (`feature_id`, `organisation`, `on_boundary`) and `neighbours` (`organisation`,
/// `feature_id`, `distance_m` to the centimetre).
public enum DecisionJSON {
    /// Appends the decision as compact JSON (no allocation besides `out` growing).
    public static func append(_ d: RoutingDecision, lon: Double, lat: Double, to out: inout [UInt8]) {
        appendPoint(lon: lon, lat: lat, to: &out)
        appendCategory(d.category, to: &out)
        if let org = d.organisation { appendOrganisation(org, to: &out) } else { JSONText.appendRaw("null", to: &out) }
        JSONText.appendRaw(#","rule":"#, to: &out)
        optional(d.rule?.description, &out)
        JSONText.appendRaw(#","rule_index":"#, to: &out)
        if let i = d.ruleIndex { JSONText.appendInteger(Int64(i), to: &out) } else { JSONText.appendRaw("null", to: &out) }
        JSONText.appendRaw(#","layer":"#, to: &out)
        optional(d.layer, &out)
        JSONText.appendRaw(#","feature_id":"#, to: &out)
        optional(d.featureID, &out)
        appendDistance(d.distanceMetres, to: &out)
        appendFlags(d.flags, to: &out)
        appendDetail(candidates: d.candidates, neighbours: d.neighbours, to: &out)
    }

    /// `{"lon":…,"lat":…`
    static func appendPoint(lon: Double, lat: Double, to out: inout [UInt8]) {
        JSONText.appendRaw(#"{"lon":"#, to: &out)
        JSONText.append(.number(lon), to: &out)
        JSONText.appendRaw(#","lat":"#, to: &out)
        JSONText.append(.number(lat), to: &out)
    }

    /// `,"category":…,"deadline_days":…,"organisation":` (the organisation's value follows).
    static func appendCategory(_ category: AppealCategory, to out: inout [UInt8]) {
        JSONText.appendRaw(#","category":"#, to: &out)
        JSONText.appendString(category.id, to: &out)
        JSONText.appendRaw(#","category_ru":"#, to: &out)
        JSONText.appendString(category.nameRU, to: &out)
        JSONText.appendRaw(#","category_en":"#, to: &out)
        JSONText.appendString(category.nameEN, to: &out)
        JSONText.appendRaw(#","deadline_days":"#, to: &out)
        JSONText.appendInteger(Int64(category.deadlineDays), to: &out)
        JSONText.appendRaw(#","organisation":"#, to: &out)
    }

    /// The organisation object with its contacts.
    static func appendOrganisation(_ org: Organisation, to out: inout [UInt8]) {
        JSONText.appendRaw(#"{"id":"#, to: &out)
        optional(org.id, &out)
        JSONText.appendRaw(#","name":"#, to: &out)
        JSONText.appendString(org.name, to: &out)
        JSONText.appendRaw(#","phone":"#, to: &out)
        optional(org.phone, &out)
        JSONText.appendRaw(#","email":"#, to: &out)
        optional(org.email, &out)
        JSONText.appendRaw(#","address":"#, to: &out)
        optional(org.address, &out)
        out.append(UInt8(ascii: "}"))
    }

    /// `,"distance_m":…`
    static func appendDistance(_ metres: Double?, to out: inout [UInt8]) {
        JSONText.appendRaw(#","distance_m":"#, to: &out)
        if let m = metres { JSONText.append(.number(m), to: &out) } else { JSONText.appendRaw("null", to: &out) }
    }

    /// `,"flags":[…]`
    static func appendFlags(_ flags: RouteFlags, to out: inout [UInt8]) {
        JSONText.appendRaw(#","flags":["#, to: &out)
        for (i, name) in flags.names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(name, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `,"candidates":[…],"neighbours":[…]}`: the end of the decision.
    static func appendDetail(candidates: [RoutingDecision.Candidate], neighbours: [RoutingDecision.Neighbour], to out: inout [UInt8]) {
        JSONText.appendRaw(#","candidates":["#, to: &out)
        for (i, c) in candidates.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendRaw(#"{"feature_id":"#, to: &out)
            JSONText.appendString(c.featureID, to: &out)
            JSONText.appendRaw(#","organisation":"#, to: &out)
            optional(c.organisation, &out)
            JSONText.appendRaw(#","on_boundary":"#, to: &out)
            out.append(contentsOf: (c.onBoundary ? "true" : "false").utf8)
            out.append(UInt8(ascii: "}"))
        }
        JSONText.appendRaw(#"],"neighbours":["#, to: &out)
        for (i, n) in neighbours.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendRaw(#"{"organisation":"#, to: &out)
            JSONText.appendString(n.organisation.name, to: &out)
            JSONText.appendRaw(#","feature_id":"#, to: &out)
            JSONText.appendString(n.featureID, to: &out)
            JSONText.appendRaw(#","distance_m":"#, to: &out)
            JSONText.append(.number((n.metres * 100).rounded() / 100), to: &out)
            out.append(UInt8(ascii: "}"))
        }
        JSONText.appendRaw("]}", to: &out)
    }

    /// The decision as compact JSON text.
    public static func text(_ d: RoutingDecision, lon: Double, lat: Double) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        append(d, lon: lon, lat: lat, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func optional(_ s: String?, _ out: inout [UInt8]) {
        if let s { JSONText.appendString(s, to: &out) } else { JSONText.appendRaw("null", to: &out) }
    }
}
