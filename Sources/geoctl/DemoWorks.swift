import Foundation
import GeoCore
import Layers

/// The demo's tour of `affected` and `conflicts`: one outage's notification list, one clash.
enum DemoWorks {
    static let offset = 5 * 3600   // the sample city's dates are Yekaterinburg time

    static func show(layers: [String: [Feature]], storePath: String?) throws {
        guard let outages = layers["outages"], let works = layers["earthworks"], let buildings = layers["buildings"],
              let territories = layers["territories"], !outages.isEmpty else { return }
        let orgs = TerritoryOrganisations(territories: territories, organisationField: "org")
        let fields = WindowFields(defaultOffset: offset)
        let affected = try AffectedBuildings.run(features: outages, buildings: buildings,
                                                 options: AffectedOptions(layer: "outages", fields: fields, ids: ["1"])) { orgs.organisation(at: $0) }
        print("\n8. Works and outages: who must be told, and which works clash (geoctl affected, geoctl conflicts):")
        if let f = affected.features.first {
            let p = outages[f.index].properties
            print("   outage 1 «\(p["resource"]?.plainText ?? "")», \(ISOTimestamp.format(f.window.start, offset: offset)) – \(ISOTimestamp.format(f.window.end, offset: offset)), \(p["organisation"]?.plainText ?? ""):")
            print("   \(affected.buildings.count) buildings, \(Int(affected.totalResidents ?? 0)) residents; the management companies to inform:")
            for o in f.organisations {
                let name = o.organisation ?? "(no organisation)"
                print("   • \(name): \(o.buildings) buildings, \(Int(o.residents ?? 0)) residents\(o.organisation.flatMap { orgs.contacts[$0]?.phone }.map { ", tel. \($0)" } ?? "")")
            }
        }
        let conflicts = try WorksConflicts.run(works: works, repairs: layers["repairs"],
                                               options: ConflictOptions(layer: "earthworks", fields: fields, bufferMetres: 5,
                                                                        repairFields: WindowFields(guarantee: "guarantee_until", defaultOffset: offset)))
        func label(_ f: Feature) -> String {
            let p = f.properties
            return "\((p["permit"] ?? p["contract"])?.plainText ?? "?") (\(p["contractor"]?.plainText ?? "?"), \(p["kind"]?.plainText ?? "?"))"
        }
        if let c = conflicts.conflicts.first(where: { $0.kind == .works }) {
            print("   clash: \(label(works[c.first])) × \(label(works[c.second]))")
            print("          both at work from \(ISOTimestamp.format(c.period.start, offset: offset)) to \(ISOTimestamp.format(c.period.end, offset: offset)), \(fixed(c.metres, 1)) m apart, sharing \(fixed(c.areaSquareMetres, 0)) m² within 5 m")
        }
        if let c = conflicts.conflicts.first(where: { $0.kind == .guarantee }), let repairs = layers["repairs"] {
            print("   on a repair under guarantee: \(label(works[c.first])) on \(label(repairs[c.second])), guarantee until \(repairs[c.second].properties["guarantee_until"]?.plainText ?? "?")")
        }
        // The store outlives the tour only with --keep: otherwise there is nothing to try it on.
        if let storePath {
            print("   Try: geoctl affected --store \(storePath) --layer outages --id 1 --buildings buildings --territories territories --utc-offset +05:00")
            print("        geoctl conflicts --store \(storePath) --layer earthworks --with repairs --utc-offset +05:00")
        }
    }
}
