import GeoCore

/// Formats routed rows as GeoJSON features for one router: the same bytes as
/// ``RoutedAppealWriter/feature(number:row:result:router:)`` written by ``GeoJSONWriter``,
/// without building a `Feature` or a `JSONObject` per row.
///
/// A row read with its properties already encoded (``AppealRow/encodedProperties``) copies
/// them, then appends the `route_*` members; those that depend only on the organisation, or on
/// the category and rule, or on the layer, are encoded once, when the formatter is made. Rows
/// with more to say (an error, no match, a border with candidates or neighbours) and rows
/// whose properties were built take the general path: they are few.
struct RoutedGeoJSONFormatter: @unchecked Sendable {
    private let router: Router
    private let options: GeoJSONWriteOptions
    /// The members encoded once, in groups: see the `…Group` constants.
    private let members: EncodedCells
    /// Per organisation: `"route_status":"ok","route_organisation":…,…,"route_email":…,`.
    private static let organisationGroup = 0
    /// Per router layer, and one more for none: `"route_layer":…,`.
    private static let layerGroup = 1
    /// Per flag set (its raw value): `"route_flags":[…],`.
    private static let flagGroup = 2
    /// Per category, without a strategy (a fallback): `"route_deadline_days":N,"route_rule":null,`.
    private static let noRuleGroup = 3
    /// Then per category, per strategy: `"route_deadline_days":N,"route_rule":…,`; then per
    /// router layer, per feature: `"route_feature":…`.
    private static let ruleGroups = 4
    private let featureGroups: Int
    /// The layer group's entry for a result without a layer.
    private let noLayer: Int

    init(router: Router, options: GeoJSONWriteOptions) {
        self.router = router
        self.options = options
        noLayer = router.layers.count
        // A text member as the general path writes it: an empty text is null.
        func member(_ name: String, _ text: String?, to out: inout [UInt8]) {
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.append(text.map { $0.isEmpty ? .null : .string($0) } ?? .null, to: &out)
            out.append(UInt8(ascii: ","))
        }
        var groups: [[[UInt8]]] = []
        groups.append(router.organisations.map { org in
            var out = Array(#""route_status":"ok","#.utf8)
            member("route_organisation", org.name, to: &out)
            member("route_organisation_id", org.id, to: &out)
            member("route_phone", org.phone, to: &out)
            member("route_email", org.email, to: &out)
            return out
        })
        groups.append((router.layers.map { Optional($0.name) } + [nil]).map { name in
            var out: [UInt8] = []
            member("route_layer", name, to: &out)
            return out
        })
        groups.append((0 ... UInt8.max).map { raw in
            var out = Array(#""route_flags":"#.utf8)
            JSONText.append(.array(RouteFlags(rawValue: raw).names.map(JSONValue.string)), to: &out)
            out.append(UInt8(ascii: ","))
            return out
        })
        func deadline(_ category: AppealCategory) -> [UInt8] {
            var out = Array(#""route_deadline_days":"#.utf8)
            JSONText.append(Int64(String(category.deadlineDays)).map(JSONValue.integer) ?? .null, to: &out)
            out.append(UInt8(ascii: ","))
            return out
        }
        groups.append(router.rules.categories.map { category in
            var out = deadline(category)
            member("route_rule", nil, to: &out)
            return out
        })
        for category in router.rules.categories {
            groups.append(category.strategies.map { strategy in
                var out = deadline(category)
                member("route_rule", strategy.description, to: &out)
                return out
            })
        }
        featureGroups = groups.count
        for layer in router.layers {
            groups.append(layer.featureIDs.map { id in
                var out = Array(#""route_feature":"#.utf8)
                if !id.isEmpty { JSONText.appendString(id, to: &out) } else { out.append(contentsOf: "null".utf8) }
                return out
            })
        }
        members = EncodedCells(groups: groups)
    }

    /// Appends one row as ``GeoJSONWriter/encodeFeatures(_:options:)`` appends its feature,
    /// the separator before it included. `category` is the row's category index (-1 when unknown).
    func append(number: Int, row: AppealRow, result r: RouteResult, category: Int, first: Bool, to out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        if options.featurePerLine { out.append(0x0A) }
        let needsDetail = !r.flags.isDisjoint(with: RoutedAppealWriter.detailFlags)
        guard row.encodedProperties != nil, row.problem == nil, r.organisation >= 0, category >= 0, !needsDetail else {
            GeoJSONWriter.appendFeature(RoutedAppealWriter.feature(number: number, row: row, result: r, router: router),
                                        options: options, to: &out)
            return
        }
        out.append(contentsOf: #"{"type":"Feature""#.utf8)
        if let id = row.feature?.id ?? (row.id.isEmpty ? nil : FeatureID.string(row.id)) {
            out.append(contentsOf: #","id":"#.utf8)
            JSONText.append(id.jsonValue, to: &out)
        }
        out.append(contentsOf: #","properties":"#.utf8)
        // Borrowed, not copied: a copy of the slice would retain the chunk's bytes, which
        // both formatting threads share.
        row.encodedProperties!.withUnsafeBufferPointer { properties in
            if properties.count > 2 {  // the input's members, then a comma
                out.append(contentsOf: UnsafeBufferPointer(rebasing: properties.dropLast()))
                out.append(UInt8(ascii: ","))
            } else {
                out.append(UInt8(ascii: "{"))
            }
        }
        members.append(group: Self.organisationGroup, Int(r.organisation), to: &out)
        if r.strategy >= 0 {
            members.append(group: Self.ruleGroups + category, Int(r.strategy), to: &out)
        } else {
            members.append(group: Self.noRuleGroup, category, to: &out)
        }
        members.append(group: Self.layerGroup, r.layer >= 0 ? Int(r.layer) : noLayer, to: &out)
        if r.layer >= 0 && r.feature >= 0 {
            members.append(group: featureGroups + Int(r.layer), Int(r.feature), to: &out)
        } else {
            out.append(contentsOf: #""route_feature":null"#.utf8)
        }
        out.append(contentsOf: #","route_distance_m":"#.utf8)
        if let metres = r.metres { JSONText.append(.number((metres * 100).rounded() / 100), to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: ","))
        members.append(group: Self.flagGroup, Int(r.flags.rawValue), to: &out)
        out.append(contentsOf: #""route_others":[],"route_error":null},"geometry":"#.utf8)
        GeoJSONWriter.appendGeometry(.point(Point(x: row.lon, y: row.lat)), options: options, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
