import GeoCore

/// Who answers for a point, from a territories layer: the organisation property of the
/// territory holding it (inside before on the border; the first in layer order on a tie).
public struct TerritoryOrganisations: Sendable {
    private let index: PolygonIndex
    private let names: [String?]
    /// Each organisation's contacts, from the first of its territories that gives them.
    public let contacts: [String: Organisation]

    /// `phoneField` and `emailField` name the territories' contact properties.
    public init(territories: [Feature], organisationField: String, phoneField: String = "phone", emailField: String = "email") {
        index = PolygonIndex(geometries: territories.map(\.geometry))
        names = territories.map { f in f.properties[organisationField]?.plainText.flatMap { $0.isEmpty ? nil : $0 } }
        var contacts: [String: Organisation] = [:]
        for (f, name) in zip(territories, names) {
            guard let name else { continue }
            func text(_ field: String) -> String? { f.properties[field]?.plainText.flatMap { $0.isEmpty ? nil : $0 } }
            var o = contacts[name] ?? Organisation(name: name)
            if o.phone == nil { o.phone = text(phoneField) }
            if o.email == nil { o.email = text(emailField) }
            contacts[name] = o
        }
        self.contacts = contacts
    }

    /// The organisation for lon/lat `p`, or nil when no territory (with an organisation) holds it.
    public func organisation(at p: Point) -> String? {
        var best: (Int, PointLocation)?
        index.forEachCovering(x: p.x, y: p.y) { t, location in
            guard names[t] != nil else { return true }
            if best == nil || (best!.1 != .interior && location == .interior) || (best!.1 == location && t < best!.0) {
                best = (t, location)
            }
            return true
        }
        return best.flatMap { names[$0.0] }
    }
}
