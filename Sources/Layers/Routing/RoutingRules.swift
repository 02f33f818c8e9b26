import GeoCore

/// An organisation that can receive appeals, with its contacts.
public struct Organisation: Sendable, Hashable {
    /// A short stable key (`admin`, `ORG-03`); optional.
    public var id: String?
    public var name: String
    public var phone: String?
    public var email: String?
    public var address: String?

    public init(id: String? = nil, name: String, phone: String? = nil, email: String? = nil, address: String? = nil) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
        self.address = address
    }
}

/// Where the organisations directory comes from.
public enum OrganisationSource: Sendable, Hashable {
    /// Listed in the rules file (or a file it names).
    case list([Organisation])
    /// A store layer with one feature per organisation, fields named by the given properties.
    case layer(name: String, nameProperty: String, idProperty: String?, phoneProperty: String?,
               emailProperty: String?, addressProperty: String?)
}

/// One way to find who answers for a point, tried in a category's order.
public enum RoutingStrategy: Sendable, Hashable, CustomStringConvertible {
    /// The polygon of `layer` that covers the point (boundary included); the organisation is
    /// the feature's `organisationProperty`. The decision flags other organisations' borders
    /// within `borderMetres` (0: no border check).
    case covering(layer: String, organisationProperty: String, borderMetres: Double)
    /// The nearest feature of `layer` within `withinMetres`; the organisation is its
    /// `organisationProperty`.
    case nearest(layer: String, organisationProperty: String, withinMetres: Double)
    /// Always this organisation (by id or name).
    case fallback(organisation: String)

    public var layer: String? {
        switch self {
        case .covering(let l, _, _), .nearest(let l, _, _): l
        case .fallback: nil
        }
    }

    public var description: String {
        switch self {
        case .covering(let l, let p, let b): "covering \(l).\(p)" + (b > 0 ? " (borders within \(fixed(b)) m)" : "")
        case .nearest(let l, let p, let m): "nearest \(l).\(p) within \(fixed(m)) m"
        case .fallback(let o): "fallback \(o)"
        }
    }

    private func fixed(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

/// An appeal category: its names, deadline and strategies.
public struct AppealCategory: Sendable, Hashable {
    public var id: String
    public var nameRU: String
    public var nameEN: String
    /// Days the organisation has to answer.
    public var deadlineDays: Int
    public var strategies: [RoutingStrategy]

    public init(id: String, nameRU: String, nameEN: String, deadlineDays: Int, strategies: [RoutingStrategy]) {
        self.id = id
        self.nameRU = nameRU
        self.nameEN = nameEN
        self.deadlineDays = deadlineDays
        self.strategies = strategies
    }
}

/// The routing rules: categories with their strategies, and the organisations directory.
///
/// ```yaml
/// organisations:                 # a list, or {file: orgs.yaml}, or {layer: NAME, name: PROP, …}
///   - {id: admin, name: Администрация, phone: "+7 …", email: …, address: …}
/// categories:
///   - id: pothole
///     name_ru: Яма на дороге
///     name_en: Pothole
///     deadline_days: 10
///     strategies:
///       - nearest: {layer: roads, organisation: owner, within_metres: 30}
///       - covering: {layer: territories, organisation: org, border_metres: 5}
///       - fallback: admin
/// ```
public struct RoutingRules: Sendable {
    public var organisations: OrganisationSource
    public var categories: [AppealCategory]
    /// The file the rules came from.
    public var source: String

    /// Every store layer the rules read: the strategies' layers and the organisations layer.
    public var layerNames: [String] {
        var names: [String] = []
        if case .layer(let name, _, _, _, _, _) = organisations { names.append(name) }
        for c in categories { for s in c.strategies { if let l = s.layer, !names.contains(l) { names.append(l) } } }
        return names
    }

    public init(organisations: OrganisationSource, categories: [AppealCategory], source: String = "<rules>") {
        self.organisations = organisations
        self.categories = categories
        self.source = source
    }

    /// Reads and checks a rules file (YAML, or JSON for `.json`). Layers and properties are
    /// checked against a store when a ``Router`` is built.
    public init(path: String) throws(ConfigurationError) {
        try self.init(StructuredFile.load(path), file: path)
    }

    /// Every problem of the file is reported at once (``ConfigurationError/combining(_:file:)``),
    /// each naming the file and, inside a category, the category.
    init(_ value: JSONValue, file: String) throws(ConfigurationError) {
        source = file
        var problems: [ConfigurationError] = []
        let root = try ConfigurationReader(value, file: file, position: "rules", allowed: ["organisations", "categories"])
        var organisations = OrganisationSource.list([])
        var directoryKnown = false
        if let orgValue = root.object["organisations"] {
            do throws(ConfigurationError) {
                organisations = try Self.organisations(orgValue, file: file)
                directoryKnown = true
            } catch { problems.append(error) }
        } else {
            problems.append(root.fail("\"organisations\" is missing"))
        }
        self.organisations = organisations
        var items: [JSONValue] = []
        do throws(ConfigurationError) {
            guard let list = try root.list("categories"), !list.isEmpty else { throw root.fail("\"categories\" must be a non-empty list") }
            items = list
        } catch { problems.append(error) }
        var categories: [AppealCategory] = []
        for (i, item) in items.enumerated() {
            var label = "categories[\(i)]"
            if case .object(let o) = item, let id = o["id"]?.plainText, !id.isEmpty { label = "category \(id)" }
            do throws(ConfigurationError) {
                let c = try ConfigurationReader(item, file: file, position: "categories[\(i)]",
                                                allowed: ["id", "name_ru", "name_en", "deadline_days", "strategies"])
                let id = try c.requiredText("id")
                if categories.contains(where: { $0.id == id }) { throw c.fail("category id \"\(id)\" is used twice") }
                guard let days = try c.number("deadline_days"), days >= 1, days == days.rounded() else {
                    throw c.fail(".deadline_days must be a whole number of days, at least 1")
                }
                guard let list = try c.list("strategies"), !list.isEmpty else { throw c.fail(".strategies must be a non-empty list") }
                var strategies: [RoutingStrategy] = []
                for (k, s) in list.enumerated() {
                    strategies.append(try Self.strategy(s, file: file, position: "categories[\(i)].strategies[\(k)]"))
                }
                categories.append(AppealCategory(id: id, nameRU: try c.requiredText("name_ru"), nameEN: try c.requiredText("name_en"),
                                                 deadlineDays: Int(days), strategies: strategies))
            } catch {
                problems.append(ConfigurationError(file: file, reason: "\(label): \(error.reason)"))
            }
        }
        self.categories = categories
        if directoryKnown, case .list(let orgs) = organisations {
            for c in categories {
                for case .fallback(let o) in c.strategies where !orgs.contains(where: { $0.id == o || $0.name == o }) {
                    problems.append(ConfigurationError(file: file, reason: "category \(c.id): fallback organisation \"\(o)\" is not in the organisations directory"))
                }
            }
        }
        if !problems.isEmpty { throw .combining(problems, file: file) }
    }

    private static func strategy(_ value: JSONValue, file: String, position: String) throws(ConfigurationError) -> RoutingStrategy {
        guard case .object(let o) = value, o.count == 1, let member = o.members.first else {
            throw ConfigurationError(file: file, reason: "\(position) must be one of covering: {…}, nearest: {…}, fallback: NAME")
        }
        let at = "\(position).\(member.key)"
        switch member.key {
        case "fallback":
            guard let name = member.value.plainText, !name.isEmpty else { throw ConfigurationError(file: file, reason: "\(at) must name an organisation") }
            return .fallback(organisation: name)
        case "covering":
            let r = try ConfigurationReader(member.value, file: file, position: at, allowed: ["layer", "organisation", "border_metres"])
            let border = try r.number("border_metres") ?? 0
            guard border >= 0 && border <= 1000 else { throw r.fail(".border_metres must be between 0 and 1000") }
            return .covering(layer: try r.requiredText("layer"), organisationProperty: try r.requiredText("organisation"), borderMetres: border)
        case "nearest":
            let r = try ConfigurationReader(member.value, file: file, position: at, allowed: ["layer", "organisation", "within_metres"])
            guard let within = try r.number("within_metres"), within > 0, within <= 10_000 else {
                throw r.fail(".within_metres must be a distance in metres, above 0 and at most 10000")
            }
            return .nearest(layer: try r.requiredText("layer"), organisationProperty: try r.requiredText("organisation"), withinMetres: within)
        default:
            throw ConfigurationError(file: file, reason: "\(position): unknown strategy \"\(member.key)\" (expected covering, nearest or fallback)")
        }
    }

    private static func organisations(_ value: JSONValue, file: String) throws(ConfigurationError) -> OrganisationSource {
        if case .array(let items) = value {
            var list: [Organisation] = []
            for (i, item) in items.enumerated() {
                let r = try ConfigurationReader(item, file: file, position: "organisations[\(i)]", allowed: ["id", "name", "phone", "email", "address"])
                let org = Organisation(id: try r.text("id"), name: try r.requiredText("name"), phone: try r.text("phone"),
                                       email: try r.text("email"), address: try r.text("address"))
                if list.contains(where: { $0.name == org.name || ($0.id != nil && $0.id == org.id) }) {
                    throw r.fail("organisation \"\(org.name)\" is listed twice")
                }
                list.append(org)
            }
            return .list(list)
        }
        let r = try ConfigurationReader(value, file: file, position: "organisations",
                                        allowed: ["file", "layer", "name", "id", "phone", "email", "address"])
        if let other = try r.text("file") {
            let path = other.hasPrefix("/") ? other : (file.split(separator: "/").dropLast().joined(separator: "/") + "/" + other)
            let loaded = try StructuredFile.load(file.contains("/") ? path : other)
            return try organisations(loaded, file: other)
        }
        guard let layer = try r.text("layer") else { throw r.fail("must be a list, {file: …} or {layer: …}") }
        return .layer(name: layer, nameProperty: try r.text("name") ?? "name", idProperty: try r.text("id"),
                      phoneProperty: try r.text("phone"), emailProperty: try r.text("email"), addressProperty: try r.text("address"))
    }
}
