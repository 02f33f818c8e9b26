import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl coverage`: ТКО container sites against SanPiN 2.1.3684-21, building by building.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Check waste container sites against SanPiN 2.1.3684-21: per building, per site, per district.",
        discussion: """
        Distances are planar in the data's UTM zone (PROJ), from each building's outline to each \
        site, rounded to the millimetre. With --output DIR: buildings.csv, sites.csv, districts.csv \
        and the same as GeoJSON. Every number names the rule it applied.
        """)

    @Option(help: "The residential buildings layer (polygons).") var buildings: String
    @Option(help: "The container sites layer (points).") var sites: String
    @Option(help: "A districts (or territories) layer for the summary.") var districts: String?
    @Option(help: "Sensitive objects (schools, playgrounds, medical organisations); repeatable.") var sensitive: [String] = []
    @Option(help: "urban, rural, or a YAML/JSON profile file.") var profile = "urban"
    @Option(help: "auto (the UTM zone of the data) or EPSG:N.") var crs = "auto"
    @Flag(help: "Propose new sites that cover the uncovered buildings within the rules.") var suggest = false
    @Option(help: "Write the results to this folder.") var output: String?
    @Option(help: "Summary output: table, csv (the summary's rows) or json (one typed object).") var format: OutputFormat = .table
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let store = try storeOptions.open()
        func load(_ name: String) throws -> [Feature] { try loadLayer(name, from: store, visibility: visibility) }
        // Each layer must fit its part before anything is read.
        try visibility.layer(buildings, as: .coverageBuildings, in: store)
        try visibility.layer(sites, as: .coverageSites, in: store)
        if let districts { try visibility.layer(districts, as: .coverageDistricts, in: store) }
        for s in sensitive { try visibility.layer(s, as: .coverageSensitive, in: store) }
        let report: CoverageReport
        let buildingFeatures = try load(buildings), siteFeatures = try load(sites)
        let districtFeatures = try districts.map(load) ?? []
        var sensitiveFeatures: [Feature] = []
        for s in sensitive { sensitiveFeatures += try load(s) }
        do {
            let rules = try CoverageRules(profile: profile)
            report = try CoverageAnalysis.run(buildings: buildingFeatures, sites: siteFeatures, districts: districtFeatures,
                                              sensitive: sensitiveFeatures, rules: rules, crs: crs == "auto" ? nil : crs,
                                              suggest: suggest)
        } catch { throw fail(error) }

        KeepUntilExit.keep((buildingFeatures, siteFeatures, districtFeatures, sensitiveFeatures))
        let covered = report.coveredCount
        let tooClose = report.tooCloseCount
        let r = report.rules
        var summary = TextTable("measure", "value", "rule")
        summary.add("buildings", String(report.buildings.count), "")
        summary.add("covered (a site within \(fixed(r.residentialMaxMetres, 0)) m)", "\(covered) (\(fixed(100 * Double(covered) / Double(max(1, report.buildings.count)), 1))%)", "\(CoverageRules.source): ≤ \(fixed(r.residentialMaxMetres, 0)) m")
        summary.add("uncovered", String(report.buildings.count - covered), "\(CoverageRules.source): ≤ \(fixed(r.residentialMaxMetres, 0)) m")
        summary.add("buildings with a site too close", String(tooClose), "\(CoverageRules.source): ≥ \(fixed(r.residentialMinMetres, 0)) m, reduced only where a site says so")
        summary.add("sites", String(report.sites.count), "")
        summary.add("sites with violations", String(report.sitesWithViolations), "\(CoverageRules.source): ≥ \(fixed(r.residentialMinMetres, 0)) m; medical ≥ \(fixed(r.medicalMinMetres, 0)) m (\(r.profile))")
        summary.add("sites over container limits", String(report.sitesOverLimits), "\(CoverageRules.source): ≤ \(r.maxMixedContainers) mixed / \(r.maxSeparateContainers) separate, ≤ \(r.maxBulkyBins) bulky")
        summary.add("sites serving no building", String(report.sitesServingNoBuilding), "")
        if suggest {
            summary.add("suggested new sites", String(report.suggestions.count), "each ≥ \(fixed(r.residentialMinMetres, 0)) m from buildings and children's objects, ≥ \(fixed(r.medicalMinMetres, 0)) m from medical ones, in no building")
            summary.add("buildings they would cover", String(report.suggestions.reduce(0) { $0 + $1.buildings.count }), "\(CoverageRules.source): ≤ \(fixed(r.residentialMaxMetres, 0)) m")
            summary.add("buildings no new site can reach", String(report.unreachable.count), "")
        }
        if format == .json {
            print(CoverageJSON.summary(report, suggest: suggest).compactText)
        } else {
            print(summary.render(format))
        }
        if format == .table { print("method: \(report.method)") }
        if !report.districts.isEmpty && format == .table {
            var table = TextTable("district", "buildings", "covered %", "uncovered", "too close")
            for d in report.districts { table.add(d.name, String(d.buildings), fixed(d.coveredPercent, 1), String(d.uncovered), String(d.tooClose)) }
            print("")
            print(table.render(.table))
        }
        if let output {
            do { try CoverageOutput.write(report, buildings: buildingFeatures, sites: siteFeatures, districts: districtFeatures, to: output) } catch { throw fail(error) }
            Terminal.note("wrote buildings, sites, districts\(suggest ? ", suggested" : "") (CSV and GeoJSON) and report.html to \(output)")
        }
        KeepUntilExit.keep(report)
    }
}

/// The coverage summary as one typed object for `--format json`: counts as integers, shares
/// as fractions (0–1) in their own fields, the rules' numbers, and one object per district.
enum CoverageJSON {
    static func summary(_ report: CoverageReport, suggest: Bool) -> JSONValue {
        let r = report.rules
        let n = report.buildings.count
        func share(_ part: Int, of whole: Int) -> JSONValue { whole == 0 ? .null : .number(Double(part) / Double(whole)) }
        var o: JSONObject = [
            "buildings": .integer(Int64(n)),
            "covered": .integer(Int64(report.coveredCount)),
            "covered_share": share(report.coveredCount, of: n),
            "uncovered": .integer(Int64(n - report.coveredCount)),
            "buildings_with_site_too_close": .integer(Int64(report.tooCloseCount)),
            "sites": .integer(Int64(report.sites.count)),
            "sites_with_violations": .integer(Int64(report.sitesWithViolations)),
            "sites_over_container_limits": .integer(Int64(report.sitesOverLimits)),
            "sites_serving_no_building": .integer(Int64(report.sitesServingNoBuilding)),
        ]
        o["suggested_sites"] = suggest ? .integer(Int64(report.suggestions.count)) : .null
        o["buildings_suggested_sites_cover"] = suggest ? .integer(Int64(report.suggestions.reduce(0) { $0 + $1.buildings.count })) : .null
        o["buildings_no_new_site_reaches"] = suggest ? .integer(Int64(report.unreachable.count)) : .null
        o["rules"] = .object([
            "source": .string(CoverageRules.source), "profile": .string(r.profile),
            "residential_min_m": .number(r.residentialMinMetres), "residential_max_m": .number(r.residentialMaxMetres),
            "medical_min_m": .number(r.medicalMinMetres), "assessment_reduction": .number(r.assessmentReduction),
            "separate_collection_reduction": .number(r.separateCollectionReduction),
            "max_mixed_containers": .integer(Int64(r.maxMixedContainers)), "max_separate_containers": .integer(Int64(r.maxSeparateContainers)),
            "max_bulky_bins": .integer(Int64(r.maxBulkyBins)),
        ])
        o["method"] = .string(report.method)
        o["districts"] = .array(report.districts.map { d in
            .object(["id": .string(d.id), "name": .string(d.name), "buildings": .integer(Int64(d.buildings)),
                     "covered": .integer(Int64(d.covered)), "covered_share": share(d.covered, of: d.buildings),
                     "uncovered": .integer(Int64(d.uncovered)), "buildings_with_site_too_close": .integer(Int64(d.tooClose))])
        })
        return .object(o)
    }
}

/// The coverage results as files.
enum CoverageOutput {
    static func write(_ report: CoverageReport, buildings: [Feature], sites: [Feature], districts: [Feature], to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let r = report.rules
        let maxRule = "\(CoverageRules.source): site within \(fixed(r.residentialMaxMetres, 0)) m"

        var b = TextTable("id", "nearest_site", "distance_m", "covered", "sites_too_close", "district", "rule")
        let bw = try GeoJSONWriter(path: "\(folder)/buildings.geojson")
        try bw.begin(name: "buildings")
        for x in report.buildings {
            let district = x.district.map { report.districts[$0].name } ?? ""
            b.add(x.id, x.nearestSiteID ?? "", x.nearestMetres.map { fixed($0, 3) } ?? "", x.covered ? "yes" : "no",
                  x.tooCloseSites.joined(separator: " "), district, maxRule)
            var f = buildings[x.index]
            f.properties["coverage_nearest_site"] = x.nearestSiteID.map(JSONValue.string) ?? .null
            f.properties["coverage_distance_m"] = x.nearestMetres.map(JSONValue.number) ?? .null
            f.properties["coverage_covered"] = .bool(x.covered)
            f.properties["coverage_sites_too_close"] = .array(x.tooCloseSites.map(JSONValue.string))
            f.properties["coverage_rule"] = .string(maxRule)
            try bw.write(f)
        }
        try bw.finish()
        try (b.render(.csv) + "\n").write(toFile: "\(folder)/buildings.csv", atomically: true, encoding: .utf8)

        var s = TextTable("id", "containers", "bulky_bins", "reduction", "min_residential_m", "min_medical_m", "violations",
                          "served_buildings", "load_per_container", "problems", "rule")
        let sw = try GeoJSONWriter(path: "\(folder)/sites.geojson")
        try sw.begin(name: "sites")
        for x in report.sites {
            let violations = x.violations.map { "\($0.kind.rawValue) \($0.id) at \(fixed($0.metres, 3)) m < \(fixed($0.minimumMetres, 1)) m" }
            let rule = "\(CoverageRules.source): ≥ \(fixed(x.residentialMinMetres, 1)) m residential/children, ≥ \(fixed(x.medicalMinMetres, 1)) m medical (\(r.profile))"
            s.add(x.id, x.containers.map(String.init) ?? "", x.bulkyBins.map(String.init) ?? "", x.reduction ?? "",
                  fixed(x.residentialMinMetres, 1), fixed(x.medicalMinMetres, 1), violations.joined(separator: "; "),
                  String(x.served.count), x.loadPerContainer.map { fixed($0, 1) } ?? "", x.problems.joined(separator: "; "), rule)
            var f = sites[x.index]
            f.properties["coverage_violations"] = .array(violations.map(JSONValue.string))
            f.properties["coverage_served_buildings"] = .integer(Int64(x.served.count))
            f.properties["coverage_load_per_container"] = x.loadPerContainer.map(JSONValue.number) ?? .null
            f.properties["coverage_problems"] = .array(x.problems.map(JSONValue.string))
            f.properties["coverage_rule"] = .string(rule)
            try sw.write(f)
        }
        try sw.finish()
        try (s.render(.csv) + "\n").write(toFile: "\(folder)/sites.csv", atomically: true, encoding: .utf8)

        var d = TextTable("id", "name", "buildings", "covered", "covered_percent", "uncovered", "buildings_with_site_too_close", "rule")
        let dw = try GeoJSONWriter(path: "\(folder)/districts.geojson")
        try dw.begin(name: "districts")
        for x in report.districts {
            d.add(x.id, x.name, String(x.buildings), String(x.covered), fixed(x.coveredPercent, 1), String(x.uncovered), String(x.tooClose), maxRule)
            var f = districts[x.index]
            f.properties["coverage_buildings"] = .integer(Int64(x.buildings))
            f.properties["coverage_covered_percent"] = .number((x.coveredPercent * 10).rounded() / 10)
            f.properties["coverage_uncovered"] = .integer(Int64(x.uncovered))
            f.properties["coverage_too_close"] = .integer(Int64(x.tooClose))
            try dw.write(f)
        }
        try dw.finish()
        try (d.render(.csv) + "\n").write(toFile: "\(folder)/districts.csv", atomically: true, encoding: .utf8)
        try CoverageHTMLReport.html(report, buildings: buildings, sites: sites, districts: districts)
            .write(toFile: "\(folder)/report.html", atomically: true, encoding: .utf8)

        guard !report.suggestions.isEmpty || !report.unreachable.isEmpty else { return }
        var g = TextTable("n", "lon", "lat", "buildings_served", "building_ids", "nearest_building_m")
        let gw = try GeoJSONWriter(path: "\(folder)/suggested.geojson")
        try gw.begin(name: "suggested sites")
        for (i, x) in report.suggestions.enumerated() {
            let ids = x.buildings.map { report.buildings[$0].id }
            g.add(String(i + 1), fixed(x.location.x, 7), fixed(x.location.y, 7), String(ids.count), ids.joined(separator: " "), fixed(x.nearestBuildingMetres, 3))
            try gw.write(Feature(id: .integer(Int64(i + 1)), geometry: .point(x.location), properties: [
                "buildings_served": .integer(Int64(ids.count)), "building_ids": .array(ids.map(JSONValue.string)),
                "nearest_building_m": .number(x.nearestBuildingMetres),
            ]))
        }
        try gw.finish()
        try (g.render(.csv) + "\n").write(toFile: "\(folder)/suggested.csv", atomically: true, encoding: .utf8)
    }
}
