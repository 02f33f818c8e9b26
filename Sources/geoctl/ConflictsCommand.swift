import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl conflicts`: works that overlap in space and time, and works on repairs under guarantee.
struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List works that clash in space and time, and works planned on a repair under guarantee.",
        discussion: """
        Two works clash when they lie within --buffer-metres of each other (GEOS distance in the \
        data's UTM zone through PROJ, rounded to the millimetre; touching counts) and their \
        half-open time windows overlap: a permit that ends exactly when another starts does not \
        clash. The shared zone is where both lie within the buffer; its area and the longest \
        stretch of trench inside it are given. With --with REPAIRS, works within the buffer of a \
        repair between the repair's start and its guarantee's end (--guarantee-field, else \
        --guarantee-years after its end) are listed too. The date fields default to those the \
        catalog keeps for each layer (geoctl import/set --start-field …), else start, end and \
        guarantee_until; a flag applies to both layers. With --output DIR: conflicts.csv, \
        conflicts.geojson (the shared zones) and summary.json.
        """)

    @Option(help: "The works layer.") var layer: String
    @Option(name: .customLong("with"), help: "A repairs layer: also list works on a repair under guarantee.") var repairs: String?
    @Option(name: .customLong("buffer-metres"), help: "Works nearer than this clash.") var bufferMetres = 5.0
    @OptionGroup var time: WorksTimeOptions
    @Option(name: .customLong("guarantee-field"), help: "The repairs' property holding the guarantee's end (default: the catalog's, else guarantee_until).") var guaranteeField: String?
    @Option(name: .customLong("guarantee-years"), help: "For repairs without that property: the guarantee in years after the end.") var guaranteeYears: Int?
    @Option(help: "auto (the UTM zone of the data) or EPSG:N.") var crs = "auto"
    @Option(help: "table, csv, json or geojson.") var format: WorksFormat = .table
    @Option(help: "Write every result file to this folder.") var output: String?
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    func validate() throws {
        guard bufferMetres >= 0, bufferMetres.isFinite else { throw ValidationError("--buffer-metres must be 0 or more") }
        if let y = guaranteeYears, y < 0 || y > 100 { throw ValidationError("--guarantee-years must be between 0 and 100") }
    }

    func run() throws {
        let query = try time.query()
        let store = try storeOptions.open()
        let (worksInfo, works) = try loadWorksLayer(layer, kinds: [.works], from: store, visibility: visibility)
        let repairLayer = try repairs.map { try loadWorksLayer($0, kinds: [.repair], from: store, visibility: visibility) }
        let repairFeatures = repairLayer?.1
        let report: ConflictReport
        do {
            // Without --with, the repairs' fields are never read.
            let repairFields = time.fields(of: repairLayer?.0 ?? worksInfo, repair: true, guarantee: guaranteeField, guaranteeYears: guaranteeYears)
            let options = ConflictOptions(layer: layer, fields: time.fields(of: worksInfo), query: query, bufferMetres: bufferMetres,
                                          repairsLayer: repairs ?? "repairs", repairFields: repairFields,
                                          crs: crs == "auto" ? nil : crs)
            report = try WorksConflicts.run(works: works, repairs: repairFeatures, options: options)
        } catch { throw fail(error) }
        reportDateProblems(report.problems)
        let out = ConflictsOutput(report: report, works: works, repairs: repairFeatures ?? [], layer: layer, repairsLayer: repairs,
                                  offset: time.offset, query: time.describe(query))
        switch format {
        case .table: print(out.table())
        case .csv: print(out.rows().render(.csv))
        case .json: print(out.json().compactText)
        case .geojson: try out.writeGeoJSON("-")
        }
        if let output {
            try writeFile(out.rows().render(.csv) + "\n", output, "conflicts.csv")
            try writeFile(out.json().compactText + "\n", output, "summary.json")
            try out.writeGeoJSON("\(output)/conflicts.geojson")
            Terminal.note("wrote conflicts.csv, conflicts.geojson and summary.json to \(output)")
        }
        KeepUntilExit.keep((works, repairFeatures, report))
        if !report.problems.isEmpty { throw ExitStatus.badInput }
    }
}

/// The `conflicts` report as text, CSV, JSON and GeoJSON.
struct ConflictsOutput {
    let report: ConflictReport
    let works: [Feature]
    let repairs: [Feature]
    let layer: String
    let repairsLayer: String?
    let offset: Int
    let query: String

    static let columns = ["kind", "first_layer", "first_id", "first_permit", "first_contractor", "first_phone",
                          "second_layer", "second_id", "second_permit", "second_contractor", "second_phone",
                          "overlap_start", "overlap_end", "distance_m", "shared_area_m2", "shared_length_m"]

    func cells(_ c: WorksConflict) -> [String] {
        let a = works[c.first].properties
        let other = c.kind == .works ? works[c.second] : repairs[c.second]
        let b = other.properties
        func label(_ p: JSONObject) -> String { (p["permit"] ?? p["contract"])?.plainText ?? "" }
        return [c.kind.rawValue, layer, c.firstID, label(a), a["contractor"]?.plainText ?? "", a["phone"]?.plainText ?? "",
                c.kind == .works ? layer : (repairsLayer ?? ""), c.secondID, label(b), b["contractor"]?.plainText ?? "", b["phone"]?.plainText ?? "",
                ISOTimestamp.format(c.period.start, offset: offset), ISOTimestamp.format(c.period.end, offset: offset),
                fixed(c.metres, 3), fixed(c.areaSquareMetres, 2), fixed(c.lengthMetres, 2)]
    }

    func rows() -> TextTable {
        var t = TextTable(columns: Self.columns)
        for c in report.conflicts { t.rows.append(cells(c).map(Cell.text)) }
        return t
    }

    func table() -> String {
        var t = TextTable("kind", "first", "second", "overlap", "distance m", "shared m²", "shared m")
        for c in report.conflicts {
            let x = cells(c)
            t.add(c.kind == .works ? "works" : "guarantee", "\(x[2]) \(x[3]) (\(x[4]))", "\(x[7]) \(x[8]) (\(x[9]))",
                  "\(x[11]) – \(x[12])", x[13], x[14], x[15])
        }
        let pairs = report.conflicts.filter { $0.kind == .works }.count
        var lines = [t.render(.table), "",
                     "\(pairs) clashing pairs of works\(repairsLayer.map { ", \(report.conflicts.count - pairs) works on \($0) under guarantee" } ?? ""), \(query)"]
        if !report.problems.isEmpty { lines.append("\(report.problems.count) features skipped for bad dates") }
        lines.append("method: \(report.method)")
        return lines.joined(separator: "\n")
    }

    func json() -> JSONValue {
        .object([
            "layer": .string(layer), "with": repairsLayer.map(JSONValue.string) ?? .null, "query": .string(query),
            "crs": .string(report.crs), "method": .string(report.method),
            "conflicts": .array(report.conflicts.map { c in
                .object(JSONObject(members: zip(Self.columns, cells(c)).map { key, text in
                    JSONObject.Member(key: key, value: key.hasSuffix("_m") || key.hasSuffix("_m2") ? .number(Double(text) ?? 0) : .string(text))
                }))
            }),
            "problems": .array(report.problems.map { .object(["layer": .string($0.layer), "feature": .string($0.feature), "field": .string($0.field), "message": .string($0.message)]) }),
        ])
    }

    /// The shared zones, one feature per conflict, with the CSV's columns as properties.
    func writeGeoJSON(_ path: String) throws {
        do {
            let w = try GeoJSONWriter(path: path)
            try w.begin(name: "conflicts")
            for (n, c) in report.conflicts.enumerated() {
                var p = JSONObject()
                for (k, v) in zip(Self.columns, cells(c)) { p.appendUnchecked(key: k, value: .string(v)) }
                try w.write(Feature(id: .integer(Int64(n + 1)), geometry: c.geometry, properties: p))
            }
            try w.finish()
        } catch { throw fail(error) }
    }
}
