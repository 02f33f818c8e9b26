import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl affected`: which buildings an outage or works touches, and who must tell them.
struct AffectedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "affected",
        abstract: "List the buildings works or outages touch, grouped by the organisation that must inform them.",
        discussion: """
        A polygon touches the buildings it intersects, touching included; a line or point, the \
        buildings within --buffer-metres (GEOS distance in the data's UTM zone through PROJ, \
        rounded to the millimetre, so a building exactly at the buffer counts). Windows are \
        half-open: a feature is active from its start up to, not including, its end; a bare end \
        date includes its whole day. Features with missing or bad dates are named on stderr and \
        skipped; the rest are reported, and the exit code is then 1. With --output DIR: \
        buildings.csv, buildings.geojson, notifications.csv (per feature and organisation), \
        organisations.csv and summary.json.
        """)

    @Option(help: "The outage or works layer.") var layer: String
    @Option(help: "Only this feature (its id); repeatable.") var id: [String] = []
    @OptionGroup var time: WorksTimeOptions
    @Option(help: "The buildings layer (polygons).") var buildings: String
    @Option(name: .customLong("buffer-metres"), help: "How far from a line or point a building counts as touched.") var bufferMetres = 0.0
    @Option(help: "A territories layer naming who answers for each building.") var territories: String?
    @Option(name: .customLong("org-field"), help: "The territories' organisation property.") var orgField = "org"
    @Option(help: "Routing rules (YAML or JSON) naming who answers for each building (with --category).") var rules: String?
    @Option(help: "With --rules: the category routed, e.g. other.") var category: String?
    @Option(name: .customLong("address-field"), help: "The buildings' address property.") var addressField = "address"
    @Option(help: "auto (the UTM zone of the data) or EPSG:N.") var crs = "auto"
    @Option(help: "table, csv, json or geojson.") var format: WorksFormat = .table
    @Option(help: "Write every result file to this folder.") var output: String?
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard bufferMetres >= 0, bufferMetres.isFinite else { throw ValidationError("--buffer-metres must be 0 or more") }
        if territories != nil && rules != nil { throw ValidationError("group by --territories or by --rules, not both") }
        if rules != nil && category == nil { throw ValidationError("--rules needs --category (the category whose rules decide)") }
    }

    func run() throws {
        let query = try time.query()
        let store = try storeOptions.open()
        let (info, features) = try loadWorksLayer(layer, kinds: [.works, .outage, .repair], from: store, visibility: visibility)
        let buildingFeatures = try loadLayer(buildings, from: store, visibility: visibility)
        var organisation: (@Sendable (Point) -> String?)?
        var groupedBy = "nobody (give --territories or --rules)"
        var contacts: [String: Organisation] = [:]
        if let territories {
            let orgs = TerritoryOrganisations(territories: try loadLayer(territories, from: store, visibility: visibility), organisationField: orgField)
            organisation = { orgs.organisation(at: $0) }
            contacts = orgs.contacts
            groupedBy = "the territories layer \(territories) (property \(orgField)), at a point inside each building"
        } else if let rules, let category {
            let router: Router
            do {
                let routingRules = try RoutingRules(path: rules)
                for name in routingRules.layerNames { _ = try visibility.visibleLayer(name, in: store) }
                router = try Router(store: store, rules: routingRules)
                _ = try router.decide(lon: 0, lat: 0, category: category)
            } catch { throw fail(error) }
            organisation = { p in (try? router.decide(lon: p.x, lat: p.y, category: category))?.organisation?.name }
            for o in router.organisations where contacts[o.name] == nil { contacts[o.name] = o }
            groupedBy = "routing rules \(rules), category \(category), at a point inside each building"
        }
        let report: AffectedReport
        do {
            let options = AffectedOptions(layer: layer, fields: time.fields(of: info), query: query, ids: id.isEmpty ? nil : Set(id),
                                          bufferMetres: bufferMetres, addressField: addressField, crs: crs == "auto" ? nil : crs)
            report = try AffectedBuildings.run(features: features, buildings: buildingFeatures, options: options, organisation: organisation)
        } catch { throw fail(error) }
        reportDateProblems(report.problems)
        let out = AffectedOutput(report: report, features: features, buildings: buildingFeatures, layer: layer, offset: time.offset,
                                 query: time.describe(query), groupedBy: groupedBy, contacts: contacts)
        switch format {
        case .table: print(out.table())
        case .csv: print(out.buildingRows().render(.csv))
        case .json: print(out.json().compactText)
        case .geojson: try out.writeGeoJSON("-")
        }
        if let output {
            try writeFile(out.buildingRows().render(.csv) + "\n", output, "buildings.csv")
            try writeFile(out.notificationRows().render(.csv) + "\n", output, "notifications.csv")
            try writeFile(out.organisationRows(report.organisations).render(.csv) + "\n", output, "organisations.csv")
            try writeFile(out.json().compactText + "\n", output, "summary.json")
            try out.writeGeoJSON("\(output)/buildings.geojson")
            Terminal.note("wrote buildings.csv, buildings.geojson, notifications.csv, organisations.csv and summary.json to \(output)")
        }
        KeepUntilExit.keep((features, buildingFeatures, report))
        if !report.problems.isEmpty { throw ExitStatus.badInput }
    }
}

/// The `affected` report as text, CSV, JSON and GeoJSON.
struct AffectedOutput {
    let report: AffectedReport
    let features: [Feature]
    let buildings: [Feature]
    let layer: String
    let offset: Int
    let query: String
    let groupedBy: String
    /// Phone and e-mail per organisation name, from the territories or the rules.
    let contacts: [String: Organisation]

    static let nobody = "(no organisation)"

    func when(_ w: TimeWindow) -> (String, String) {
        (ISOTimestamp.format(w.start, offset: offset), ISOTimestamp.format(w.end, offset: offset))
    }

    /// One row per feature and building it touches.
    func buildingRows() -> TextTable {
        var t = TextTable("feature_id", "start", "end", "building_id", "address", "organisation", "distance_m", "residents", "flats")
        let position = Dictionary(uniqueKeysWithValues: report.buildings.enumerated().map { ($1.index, $0) })
        for f in report.features {
            let (s, e) = when(f.window)
            for h in f.hits {
                let b = report.buildings[position[h.building]!]
                t.add(f.id, s, e, b.id, b.address ?? "", b.organisation ?? (report.grouped ? Self.nobody : ""), fixed(h.metres, 3),
                      plain(b.residents), plain(b.flats))
            }
        }
        return t
    }

    /// The notification list: per feature, each organisation and how many buildings it informs.
    func notificationRows() -> TextTable {
        var t = TextTable("feature_id", "start", "end", "organisation", "phone", "email", "buildings", "residents", "flats")
        for f in report.features {
            let (s, e) = when(f.window)
            for o in f.organisations {
                let c = o.organisation.flatMap { contacts[$0] }
                t.add(f.id, s, e, o.organisation ?? Self.nobody, c?.phone ?? "", c?.email ?? "", String(o.buildings),
                      plain(o.residents), plain(o.flats))
            }
        }
        return t
    }

    func organisationRows(_ list: [OrganisationCount]) -> TextTable {
        var t = TextTable("organisation", "phone", "email", "buildings", "residents", "flats")
        for o in list {
            let c = o.organisation.flatMap { contacts[$0] }
            t.add(o.organisation ?? Self.nobody, c?.phone ?? "", c?.email ?? "", String(o.buildings), plain(o.residents), plain(o.flats))
        }
        return t
    }

    func table() -> String {
        var parts: [String] = []
        for f in report.features {
            let (s, e) = when(f.window)
            let p = features[f.index].properties
            let what = ["resource", "kind", "reason", "permit", "contractor", "organisation", "phone"].compactMap { p[$0]?.plainText }.joined(separator: "; ")
            var head = "\(layer) \(f.id) (\(f.kind)), \(s) – \(e): \(Set(f.hits.map { $0.building }).count) buildings"
            if !what.isEmpty { head += "\n  " + what }
            parts.append(head)
            if !f.organisations.isEmpty {
                parts.append(organisationRows(f.organisations).render(.table).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            }
        }
        var totals = TextTable("total", "value")
        totals.add("features (\(query))", String(report.features.count))
        totals.add("buildings", String(report.buildings.count))
        if let r = report.totalResidents { totals.add("residents", plain(r)) }
        if let f = report.totalFlats { totals.add("flats", plain(f)) }
        totals.add("organisations to inform", String(report.organisations.filter { $0.organisation != nil }.count))
        if !report.problems.isEmpty { totals.add("features skipped for bad dates", String(report.problems.count)) }
        parts.append(totals.render(.table))
        if report.grouped && report.organisations.count > 0 {
            parts.append("all features, per organisation:\n" + organisationRows(report.organisations).render(.table))
        }
        parts.append("method: \(report.method); organisations from \(groupedBy)")
        return parts.joined(separator: "\n\n")
    }

    func json() -> JSONValue {
        // Residents and flats are counts: integers in JSON when they are whole.
        func amount(_ v: Double?) -> JSONValue {
            guard let v else { return .null }
            return v == v.rounded() && abs(v) < 9e15 ? .integer(Int64(v)) : .number(v)
        }
        func count(_ o: OrganisationCount) -> JSONValue {
            let c = o.organisation.flatMap { contacts[$0] }
            return .object(["organisation": o.organisation.map(JSONValue.string) ?? .null,
                     "phone": c?.phone.map(JSONValue.string) ?? .null, "email": c?.email.map(JSONValue.string) ?? .null,
                     "buildings": .integer(Int64(o.buildings)),
                     "residents": amount(o.residents), "flats": amount(o.flats)])
        }
        var ids: [Int: String] = [:]
        for b in report.buildings { ids[b.index] = b.id }
        let fs: [JSONValue] = report.features.map { f in
            let (s, e) = when(f.window)
            return .object(["id": .string(f.id), "start": .string(s), "end": .string(e), "geometry": .string(f.kind),
                            "buildings": .array(f.hits.map { h in .object(["id": .string(ids[h.building]!),
                                                                            "distance_m": .number(h.metres)]) }),
                            "organisations": .array(f.organisations.map(count))])
        }
        return .object([
            "layer": .string(layer), "query": .string(query), "crs": .string(report.crs), "method": .string(report.method),
            "organisations_from": .string(groupedBy),
            "totals": .object(["features": .integer(Int64(report.features.count)), "buildings": .integer(Int64(report.buildings.count)),
                               "residents": amount(report.totalResidents), "flats": amount(report.totalFlats)]),
            "organisations": .array(report.organisations.map(count)),
            "features": .array(fs),
            "problems": .array(report.problems.map { .object(["feature": .string($0.feature), "field": .string($0.field), "message": .string($0.message)]) }),
        ])
    }

    /// The affected buildings with their properties, organisation and the features touching them.
    func writeGeoJSON(_ path: String) throws {
        do {
            let w = try GeoJSONWriter(path: path)
            try w.begin(name: "affected buildings")
            for b in report.buildings {
                var f = buildings[b.index]
                f.properties["affected_by"] = .array(b.features.map { JSONValue.string(features[$0].id?.description ?? String($0 + 1)) })
                f.properties["organisation"] = b.organisation.map(JSONValue.string) ?? .null
                try w.write(f)
            }
            try w.finish()
        } catch { throw fail(error) }
    }
}
