// A routing service's core, on geoctl's library: open a store, load rules, route one appeal
// and a batch, and pick up a new version of a layer after an import.
// Run: swift run RoutingService STORE RULES APPEALS.geojson [TERRITORIES.geojson]
import Foundation
import GeoCore
import Layers

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 5 else {
    FileHandle.standardError.write(Data("usage: RoutingService STORE RULES APPEALS.geojson [TERRITORIES.geojson]\n".utf8))
    exit(64)
}
let (storePath, rulesPath, appealsPath) = (arguments[1], arguments[2], arguments[3])

do {
    // 1. The store and the rules. Read commands never create a store: create: false.
    let store = try SpatiaLiteStore(path: storePath, create: false)
    let rules = try RoutingRules(path: rulesPath)
    // Rules naming a restricted layer need `includeRestricted: true`; by default they are refused.
    var router = try Router(store: store, rules: rules)
    for warning in router.warnings { print("warning: \(warning)") }

    // 2. One appeal, explained: the organisation with contacts, the rule, the layer and feature.
    let d = try router.decide(lon: 60.72309, lat: 56.07966, category: "garbage")
    print("one: \(d.organisation?.name ?? "unrouted"), \(d.organisation?.phone ?? "no phone"), "
        + "\(d.layer ?? "fallback") feature \(d.featureID ?? "-"), \(d.deadlineDays) days")

    // 3. A batch: points and category indexes in arrays, routed on all cores, results in order.
    var xs: [Double] = [], ys: [Double] = [], categories: [Int] = []
    let reader = try GeoJSONReader(path: appealsPath)
    while let appeal = try reader.next() {
        guard case .point(let p)? = appeal.geometry else { continue }
        xs.append(p.x)
        ys.append(p.y)
        // -1 for an unknown category: that row comes back flagged invalidInput.
        categories.append(appeal.properties["category"]?.stringValue.flatMap(router.categoryIndex(of:)) ?? -1)
    }
    let results = router.route(x: xs, y: ys, categories: categories, threads: 2)
    var perOrganisation: [String: Int] = [:]
    for r in results {
        let name = r.organisation >= 0 ? router.organisations[Int(r.organisation)].name : "(not routed: \(r.flags.names.joined(separator: ",")))"
        perOrganisation[name, default: 0] += 1
    }
    print("batch: \(results.count) appeals")
    for (name, count) in perOrganisation.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
        print("  \(count)\t\(name)")
    }

    // 4. After an import: a new version of the territories layer, then the next router. The
    //    old router keeps answering until it is swapped; unchanged layers are shared.
    if arguments.count == 5 {
        let importer = LayerImporter(store: store, sidecarFolder: URL(fileURLWithPath: storePath).deletingLastPathComponent().path)
        let report = try importer.importFile(arguments[4], options: ImportOptions(layer: "territories", kind: .territory, replace: true))
        router = try router.refreshed(from: store)
        let again = try router.decide(lon: 60.72309, lat: 56.07966, category: "garbage")
        print("refreshed: territories version \(report.layer.version): \(again.organisation?.name ?? "unrouted"), "
            + "\(again.layer ?? "fallback") feature \(again.featureID ?? "-")")
    }
} catch {
    FileHandle.standardError.write(Data("RoutingService: \(error)\n".utf8))
    exit(1)
}
