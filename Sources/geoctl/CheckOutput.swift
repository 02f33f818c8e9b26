import ArgumentParser
import Foundation
import GeoCore
import Layers

/// How a check report is printed on stdout.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, geojson
}

/// Output options shared by the check commands.
struct CheckOutputOptions: ParsableArguments {
    @Option(help: "stdout format: table (summary and problems), json, csv (one row per finding) or geojson.")
    var format: CheckFormat = .table
    @Option(help: "Also write every finding as a GeoJSON feature to this file.")
    var output: String?

    /// Prints the report, writes `--output`, and exits 2 when it failed.
    func finish(_ report: CheckReport) throws {
        switch format {
        case .table: print(CheckPrinting.table(report))
        case .csv: print(CheckPrinting.rows(report).render(.csv))
        case .json: print(CheckPrinting.json(report).compactText)
        case .geojson: try CheckPrinting.writeGeoJSON(report, to: "-")
        }
        if let output {
            try CheckPrinting.writeGeoJSON(report, to: output)
            Terminal.note("wrote \(Counted.text(report.problems.count, "finding")) to \(output)")
        }
        if !report.passed { throw ExitStatus.problemsFound }
    }
}

/// How check reports look on stdout and on disk.
enum CheckPrinting {
    static func table(_ report: CheckReport) -> String {
        var summary = TextTable("finding", "severity", "count", "area m²")
        for row in report.summary {
            summary.add(row.kind.rawValue, row.severity.rawValue, String(row.count), row.areaSquareMetres.map { fixed($0, 1) } ?? "")
        }
        var lines = ["\(report.layer): \(Counted.text(report.featureCount, "feature")) checked; "
            + (report.passed ? "no problem above the threshold" : Counted.text(report.failures.count, "problem"))]
        if !report.problems.isEmpty { lines += ["", summary.render(.table)] }
        let listed = report.problems.filter { $0.severity != .notice || report.problems.count < 50 }
        if !listed.isEmpty {
            lines.append("")
            for p in listed.prefix(200) { lines.append("\(p.severity == .problem ? "✗" : p.severity == .sliver ? "~" : "·") \(p.kind.rawValue): \(p.detail)") }
            if listed.count > 200 { lines.append("… and \(listed.count - 200) more (see --output or --format json)") }
        }
        lines += ["", "method: \(report.method)"]
        return lines.joined(separator: "\n")
    }

    static func rows(_ report: CheckReport) -> TextTable {
        var t = TextTable("type", "severity", "area_m2", "organisations", "features", "ids", "detail")
        for p in report.problems {
            t.add(p.kind.rawValue, p.severity.rawValue, p.areaSquareMetres.map { fixed($0, 2) } ?? "",
                  p.organisations.joined(separator: "; "), p.features.map { String($0.index) }.joined(separator: " "),
                  p.features.map { $0.id.map { "\($0)" } ?? "" }.joined(separator: " "), p.detail)
        }
        return t
    }

    static func json(_ report: CheckReport) -> JSONValue {
        let features = report.features()
        let problems = features.map { f -> JSONValue in
            var o = f.properties
            o["location"] = f.geometry.flatMap { $0.boundingBox?.center }.map { .array([.number($0.x), .number($0.y)]) } ?? .null
            return .object(o)
        }
        return .object([
            "layer": .string(report.layer),
            "features_checked": .integer(Int64(report.featureCount)),
            "passed": .bool(report.passed),
            "problems": .integer(Int64(report.failures.count)),
            "slivers": .integer(Int64(report.problems.filter { $0.severity == .sliver }.count)),
            "notices": .integer(Int64(report.problems.filter { $0.severity == .notice }.count)),
            "method": .string(report.method),
            "findings": .array(problems),
        ])
    }

    static func writeGeoJSON(_ report: CheckReport, to path: String) throws {
        do {
            let writer = try GeoJSONWriter(path: path)
            try writer.begin(name: "\(report.layer)-problems")
            for f in report.features() { try writer.write(f) }
            try writer.finish()
        } catch { throw fail(error) }
    }
}
