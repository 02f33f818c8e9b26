import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl demo`: a guided tour of the engine on the sample city, for newcomers.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show what geoctl does, on the sample city in fixtures/geojson.")

    @Argument(help: "The folder of the sample city's GeoJSON layers (default: fixtures/geojson, from the repository's root).")
    var directory = "fixtures/geojson"

    @Flag(help: "Keep the demo's store (its path is printed); by default it is removed at the end.")
    var keep = false

    func run() throws {
        let started = Terminal.now()
        print("geoctl demo — a small city around 60.73 E, 56.08 N (\(directory))\n")

        // 1. Read every layer with the streaming GeoJSON reader.
        var layers: [String: [Feature]] = [:]
        var table = TextTable("layer", "features", "geometry", "properties", "extent (W,S,E,N)")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".geojson") }.sorted()
        } catch {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) {
                Terminal.error("\(directory): no such folder; run the demo from the geoctl repository's root, or pass DIR: geoctl demo /path/to/geoctl/fixtures/geojson")
            } else if !isFolder.boolValue {
                Terminal.error("\(directory): not a folder; pass the folder of the sample city's GeoJSON layers")
            } else {
                Terminal.error("\(directory): cannot list the folder")
            }
            throw ExitStatus.ioError
        }
        for name in names {
            let layer = String(name.dropLast(".geojson".count))
            var summary = FeatureSummary()
            do {
                let features = try GeoJSONReader(path: "\(directory)/\(name)").readAll()
                features.forEach { summary.add($0) }
                layers[layer] = features
            } catch {
                throw fail(error)
            }
            let extent = summary.extent
            table.add(layer, String(summary.featureCount), summary.kindList.map(\.rawValue).joined(separator: ", "),
                      String(summary.properties.count),
                      extent.isEmpty ? "-" : "\(fixed(extent.minX, 4)),\(fixed(extent.minY, 4)),\(fixed(extent.maxX, 4)),\(fixed(extent.maxY, 4))")
        }
        print("1. Layers read (streaming RFC 7946 reader, Cyrillic properties):")
        print(indent(table.render(.table)))

        // The tour needs located features; drop any without a geometry.
        guard let territories = layers["territories"]?.filter({ $0.geometry != nil }),
              let appeals = layers["appeals"]?.filter({ $0.geometry != nil }) else {
            print("\n(no territories.geojson or appeals.geojson here: the rest of the tour needs them)")
            return
        }

        // 2. Geometry checks and areas in metres with GEOS and PROJ.
        let geos = GEOSContext()
        var box = BoundingBox.empty
        for t in territories { if let b = t.geometry?.boundingBox { box.extend(b) } }
        let zone = UTMZone(for: box)
        let toMetres = try CoordinateTransformer(from: "EPSG:4326", to: zone.crsName)
        var invalid = 0
        var area = 0.0
        for t in territories {
            guard let g = t.geometry else { continue }
            if try geos.geometry(g).validityProblem() != nil { invalid += 1 }
            area += try geos.geometry(try toMetres.transform(g)).area()
        }
        print("\n2. Management-company territories checked with GEOS \(GEOSContext.version.split(separator: "-").first ?? ""):")
        print("   \(territories.count - invalid) of \(territories.count) valid; together \(fixed(area / 1e6, 2)) km², measured in \(zone) by PROJ \(ProjContext.version)")
        let cityPath = "\(directory)/city.geojson"
        if FileManager.default.fileExists(atPath: cityPath) {
            let city = try GeoJSONReader(path: cityPath).readAll()
            let check = try TerritoryCheck.run(territories: territories, boundary: city, layer: "territories")
            let slivers = check.problems.filter { $0.severity == .sliver }.count
            print("   against the city boundary: \(check.failures.count) gaps or overlaps above 10 m², \(slivers) slivers (geoctl check territories)")
        }

        // 3. Route every appeal to the territory that covers it, with geoctl's own index,
        //    and check each answer against GEOS's covers.
        let index = PolygonIndex(geometries: territories.map(\.geometry))
        let prepared = try territories.map { try geos.geometry($0.geometry!).prepared() }
        var inside = 0, onBorder = 0, outside = 0, agree = 0
        var borderExample: String?, outsideExample: String?
        var insideExamples: [Int: String] = [:]
        for appeal in appeals {
            guard case .point(let p)? = appeal.geometry else { continue }
            let covering = index.covering(x: p.x, y: p.y)
            let point = try geos.point(x: p.x, y: p.y)
            let byGEOS = try prepared.indices.filter { try prepared[$0].covers(point) }
            if covering == byGEOS { agree += 1 }
            let what = "appeal #\(appeal.id?.description ?? "?") «\(appeal.properties["категория"]?.stringValue ?? "?")»"
            switch covering.count {
            case 0:
                outside += 1
                outsideExample = outsideExample ?? "\(what) is outside every territory → the city administration"
            case 1:
                inside += 1
                let t = territories[covering[0]].properties
                if insideExamples.count < 2 && insideExamples[covering[0]] == nil {
                    insideExamples[covering[0]] = "\(what) → \(t["org"]?.stringValue ?? "?") (\(t["name"]?.stringValue ?? "")), tel. \(t["phone"]?.stringValue ?? "?")"
                }
            default:
                onBorder += 1
                var orgs: [String] = []
                for i in covering { if let o = territories[i].properties["org"]?.stringValue, !orgs.contains(o) { orgs.append(o) } }
                borderExample = borderExample ?? "\(what) lies exactly on the border of \(covering.count) territories: \(orgs.joined(separator: " / "))"
            }
        }
        let examples = insideExamples.keys.sorted().map { insideExamples[$0]! } + [borderExample, outsideExample].compactMap { $0 }
        print("\n3. \(appeals.count) residents' appeals routed to the management company whose territory covers the point:")
        print("   \(inside) inside one territory, \(onBorder) exactly on a shared border or vertex, \(outside) outside the city")
        print("   geoctl's index agrees with GEOS covers on \(agree) of \(appeals.count)")
        for e in examples { print("   • \(e)") }

        // 4. What is here: every layer that covers one point (MapIt-style).
        if let sample = appeals.first(where: { f in
            if case .point(let p)? = f.geometry { return index.covering(x: p.x, y: p.y).count == 1 }
            return false
        }), case .point(let p)? = sample.geometry {
            print("\n4. What is at \(fixed(p.x, 5)), \(fixed(p.y, 5)) (appeal #\(sample.id?.description ?? "?")):")
            for (layer, label, fields) in [("districts", "electoral district", ["name", "deputy", "party"]),
                                           ("precincts", "police precinct", ["name", "officer", "phone"]),
                                           ("territories", "management company", ["org", "phone", "email"])] {
                guard let features = layers[layer] else { continue }
                let here = PolygonIndex(geometries: features.map(\.geometry)).covering(x: p.x, y: p.y)
                for i in here {
                    let values = fields.compactMap { features[i].properties[$0]?.plainText }
                    print("   \(label): \(values.joined(separator: ", "))")
                }
            }
        }

        // 5. Waste container sites against SanPiN 2.1.3684-21, in metres (UTM via PROJ).
        if let buildings = layers["buildings"]?.filter({ $0.geometry != nil }), let sites = layers["sites"]?.filter({ $0.geometry != nil }) {
            let report = try CoverageAnalysis.run(buildings: buildings, sites: sites, districts: layers["districts"] ?? [],
                                                  sensitive: layers["institutions"] ?? [], rules: .urban, suggest: true)
            let covered = report.buildings.filter(\.covered).count
            print("\n5. ТКО container sites (SanPiN 2.1.3684-21 cl. 4: a site 20–100 m from residential buildings):")
            print("   \(covered) of \(buildings.count) buildings have a site within 100 m; \(buildings.count - covered) have none")
            print("   \(report.buildings.filter { !$0.tooCloseSites.isEmpty }.count) buildings have a site nearer than 20 m; \(report.sites.filter { !$0.problems.isEmpty }.count) sites hold more containers than allowed")
            print("   \(report.suggestions.count) new sites, each keeping every minimum distance, would cover all \(buildings.count - covered - report.unreachable.count) uncovered buildings")
            print("   (geoctl coverage … --suggest --output DIR writes per-building CSV/GeoJSON and report.html with a map)")
        }

        // 6. The store: every layer into one SpatiaLite file, each import one transaction.
        let manifestPath = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("manifest.yaml").path
        let storeFolder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-demo-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: storeFolder, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(atPath: storeFolder) } }
        let storePath = storeFolder + "/demo.sqlite"
        try? FileManager.default.removeItem(atPath: storePath)
        do {
            let store = try SpatiaLiteStore(path: storePath, create: true)
            let manifest = FileManager.default.fileExists(atPath: manifestPath) ? try Manifest(path: manifestPath) : Manifest()
            let t0 = Terminal.now()
            let outcomes = try DirectoryImporter(importer: LayerImporter(store: store, sidecarFolder: storeFolder))
                .importDirectory(directory, manifest: manifest, replace: false, onInvalid: nil)
            let ok = outcomes.filter { $0.report != nil }
            let features = ok.reduce(0) { $0 + ($1.report?.layer.featureCount ?? 0) }
            let restricted = try store.layers(includeRestricted: true).count - store.layers(includeRestricted: false).count
            print("\n6. The layer store: \(ok.count) of \(outcomes.count) layers (\(Counted.text(features, "feature"))) imported into SpatiaLite in \(fixed((Terminal.now() - t0) * 1000, 0)) ms,")
            print("   each in one transaction, checked by GEOS first; \(restricted) restricted (hidden unless --include-restricted).")
            if keep {
                print("   Kept at \(storePath). Open it in QGIS, or: ogrinfo \(storePath)   geoctl layers --store \(storePath)")
            } else {
                print("   The store is temporary and removed at the end; `geoctl demo --keep` keeps it at a printed path.")
            }

            // 7. Routing with the rules file: every appeal by its own category.
            let rulesPath = URL(fileURLWithPath: directory).deletingLastPathComponent().appendingPathComponent("routing-rules.yaml").path
            if FileManager.default.fileExists(atPath: rulesPath) {
                let router = try Router(store: store, rules: try RoutingRules(path: rulesPath))
                var counts: [String: Int] = [:]
                var example: String?
                for appeal in appeals {
                    guard case .point(let p)? = appeal.geometry, let category = appeal.properties["category"]?.stringValue else { continue }
                    let d = try router.decide(lon: p.x, lat: p.y, category: category)
                    counts[d.organisation?.name ?? "(unrouted)", default: 0] += 1
                    if example == nil, d.rule.map({ if case .nearest = $0 { return true } else { return false } }) ?? false {
                        example = DecisionText.explain(d, lon: p.x, lat: p.y)
                    }
                }
                print("\n7. Routing by the rules in \(rulesPath) (each appeal by its own category):")
                for (name, n) in counts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(5) {
                    print("   \(n) → \(name)")
                }
                if let example { print(indent(example)) }
                if keep { print("   Try: geoctl route --store \(storePath) --rules \(rulesPath) --lon 60.72309 --lat 56.07966 --category garbage") }
            }
        } catch {
            print("\n6. The layer store: \(error)")
        }
        do { try DemoWorks.show(layers: layers, storePath: keep ? storePath : nil) } catch { print("\n8. Works and outages: \(error)") }

        print("\nDone in \(fixed((Terminal.now() - started) * 1000, 0)) ms. Next: `geoctl inspect \(directory)/territories.geojson --validate`, `geoctl --help`.")
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n")
    }
}
