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
        out.append(contentsOf: #"{"lon":"#.utf8)
        JSONText.append(.number(lon), to: &out)
        out.append(contentsOf: #","lat":"#.utf8)
        JSONText.append(.number(lat), to: &out)
        out.append(contentsOf: #","category":"#.utf8)
        JSONText.appendString(d.category.id, to: &out)
        out.append(contentsOf: #","category_ru":"#.utf8)
        JSONText.appendString(d.category.nameRU, to: &out)
        out.append(contentsOf: #","category_en":"#.utf8)
        JSONText.appendString(d.category.nameEN, to: &out)
        out.append(contentsOf: #","deadline_days":"#.utf8)
        JSONText.appendInteger(Int64(d.deadlineDays), to: &out)
        out.append(contentsOf: #","organisation":"#.utf8)
        if let org = d.organisation {
            out.append(contentsOf: #"{"id":"#.utf8)
            optional(org.id, &out)
            out.append(contentsOf: #","name":"#.utf8)
            JSONText.appendString(org.name, to: &out)
            out.append(contentsOf: #","phone":"#.utf8)
            optional(org.phone, &out)
            out.append(contentsOf: #","email":"#.utf8)
            optional(org.email, &out)
            out.append(contentsOf: #","address":"#.utf8)
            optional(org.address, &out)
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","rule":"#.utf8)
        optional(d.rule?.description, &out)
        out.append(contentsOf: #","rule_index":"#.utf8)
        if let i = d.ruleIndex { JSONText.appendInteger(Int64(i), to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","layer":"#.utf8)
        optional(d.layer, &out)
        out.append(contentsOf: #","feature_id":"#.utf8)
        optional(d.featureID, &out)
        out.append(contentsOf: #","distance_m":"#.utf8)
        if let m = d.distanceMetres { JSONText.append(.number(m), to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","flags":["#.utf8)
        for (i, name) in d.flags.names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(name, to: &out)
        }
        out.append(contentsOf: #"],"candidates":["#.utf8)
        for (i, c) in d.candidates.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"feature_id":"#.utf8)
            JSONText.appendString(c.featureID, to: &out)
            out.append(contentsOf: #","organisation":"#.utf8)
            optional(c.organisation, &out)
            out.append(contentsOf: #","on_boundary":"#.utf8)
            out.append(contentsOf: (c.onBoundary ? "true" : "false").utf8)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"neighbours":["#.utf8)
        for (i, n) in d.neighbours.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"organisation":"#.utf8)
            JSONText.appendString(n.organisation.name, to: &out)
            out.append(contentsOf: #","feature_id":"#.utf8)
            JSONText.appendString(n.featureID, to: &out)
            out.append(contentsOf: #","distance_m":"#.utf8)
            JSONText.append(.number((n.metres * 100).rounded() / 100), to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
    }

    /// The decision as compact JSON text.
    public static func text(_ d: RoutingDecision, lon: Double, lat: Double) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        append(d, lon: lon, lat: lat, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private static func optional(_ s: String?, _ out: inout [UInt8]) {
        if let s { JSONText.appendString(s, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }
}
