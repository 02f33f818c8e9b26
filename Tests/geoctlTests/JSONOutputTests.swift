import Foundation
import GeoCore
import Testing

/// `--format` keeps its word: every format a command's help lists is produced, and every
/// JSON output is typed (numbers as numbers, booleans, null) under snake_case keys.
@Suite("Output formats")
struct JSONOutputTests {
    static let rules = "fixtures/routing-rules.yaml"
    static let here = ["--lon", "60.72309", "--lat", "56.07966"]

    /// Every command with a `--format`, as a user would run it on the sample city.
    static let commands: [[String]] = [
        ["layers"], ["show", "sites"], ["at"] + here,
        ["route", "--rules", rules, "--category", "garbage"] + here,
        ["import", "fixtures/geojson/sites.geojson", "--layer", "sites2", "--kind", "waste-site"],
        ["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml"],
        ["inspect", "fixtures/geojson/sites.geojson"],
        ["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "districts"],
        ["check", "territories", "territories", "--boundary", "city"], ["check", "layer", "sites"],
        ["export", "sites"],
        ["bench", "parse", "fixtures/geojson/sites.geojson", "--runs", "1"],
        ["bench", "route", "--territories", "fixtures/geojson/territories.geojson", "--appeals", "fixtures/geojson/appeals.geojson", "--runs", "1"],
        ["bench", "coverage", "--buildings", "fixtures/geojson/buildings.geojson", "--sites", "fixtures/geojson/sites.geojson", "--runs", "1"],
    ]

    /// Runs a command, with the scratch store when it reads one.
    static func run(_ command: [String], in s: Scratch) throws -> Geoctl.Result {
        ["inspect", "bench"].contains(command[0]) ? try Geoctl.run(command) : try s.geoctl(command)
    }

    /// The values `--help` lists for `--format`.
    static func listedFormats(_ command: [String]) throws -> [String] {
        let words = command.prefix { !$0.hasPrefix("-") && !$0.contains("/") }
        let path = words.first == "check" || words.first == "bench" ? Array(words.prefix(2)) : Array(words.prefix(1))
        let help = try Geoctl.run(path + ["--help"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        // The last mention is the OPTIONS entry (the first is the usage line).
        let option = try #require(help.range(of: "--format <format>", options: .backwards), "\(path)")
        let values = try #require(help[option.upperBound...].range(of: "(values: "), "\(path)")
        let list = help[values.upperBound...].prefix { $0 != ";" && $0 != ")" }
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test("every format a command's --help lists is the format it prints")
    func listedFormatsAreProduced() throws {
        let s = try Scratch()
        try s.importSampleCity()
        for command in Self.commands {
            let formats = try Self.listedFormats(command)
            #expect(formats.count >= 2, "\(command)")
            var outputs: [String: String] = [:]
            for format in formats {
                let r = try Self.run(command + ["--format", format], in: s)
                #expect(r.status == 0, "\(command) --format \(format): \(r.stderr)")
                outputs[format] = r.stdout
                let parsed = try? JSONDocument.parse(r.stdout)
                switch format {
                case "json":
                    #expect(parsed != nil, "\(command) --format json: \(r.stdout.prefix(200))")
                case "geojson":
                    #expect(parsed?.objectValue?["type"]?.stringValue == "FeatureCollection", "\(command) --format geojson")
                case "csv":
                    let lines = r.stdout.split(separator: "\n")
                    #expect(parsed == nil && (lines.first?.contains(",") ?? false), "\(command) --format csv: \(r.stdout.prefix(200))")
                case "table":
                    #expect(parsed == nil && !r.stdout.isEmpty, "\(command) --format table")
                default:
                    Issue.record("\(command): unexpected format \(format)")
                }
            }
            if let table = outputs["table"], let csv = outputs["csv"] { #expect(table != csv, "\(command): csv printed the table") }
        }
    }

    @Test("every --format json is typed: counts are integers, measures numbers, flags booleans, absent values null, keys snake_case")
    func jsonIsTyped() throws {
        let s = try Scratch()
        func json(_ command: [String]) throws -> JSONValue {
            let r = try Self.run(command + ["--format", "json"], in: s)
            #expect(r.status == 0, "\(command): \(r.stderr)")
            let value = try JSONDocument.parse(r.stdout)
            Self.checkShape(value, at: command.prefix(2).joined(separator: " "))
            return value
        }
        let dir = try json(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml"])
        let outcome = try #require(dir.arrayValue?.first { $0.objectValue?["layer"]?.stringValue == "territories" }?.objectValue)
        #expect(outcome["version"] == .integer(1) && outcome["features"] == .integer(30))
        #expect(outcome["seconds"]?.isNumber == true && outcome["message"] == .null)

        let layers = try #require(try json(["layers"]).arrayValue)
        let territories = try #require(layers.first { $0.objectValue?["name"]?.stringValue == "territories" }?.objectValue)
        #expect(territories["features"] == .integer(30) && territories["version"] == .integer(1))
        #expect(territories["bbox"]?.arrayValue?.allSatisfy(\.isNumber) == true)

        let show = try #require(try json(["show", "sites"]).objectValue)
        #expect(show["features"] == .integer(60))
        let containers = try #require(show["properties"]?.arrayValue?.first { $0.objectValue?["property"]?.stringValue == "containers" }?.objectValue)
        #expect(containers["type"]?.stringValue == "INTEGER")
        #expect(containers["samples"]?.arrayValue?.allSatisfy { if case .integer = $0 { true } else { false } } == true)

        let imported = try #require(try json(["import", "fixtures/geojson/roads.geojson", "--layer", "roads2", "--kind", "road"]).objectValue)
        #expect(imported["seconds"]?.isNumber == true && imported["layer"]?.objectValue?["features"] == .integer(13))

        let inspect = try #require(try json(["inspect", "fixtures/geojson/territories.geojson", "--validate"]).objectValue)
        #expect(inspect["features"] == .integer(30) && inspect["z_values"] == .bool(false) && inspect["crs"] == .null)
        #expect(inspect["geometry_types"]?.arrayValue?.first == .object(["type": .string("Polygon"), "features": .integer(29)]))
        #expect(inspect["invalid_geometries"]?.arrayValue?.isEmpty == true)
        #expect(try json(["inspect", "fixtures/geojson/sites.geojson"]).objectValue?["invalid_geometries"] == .null)

        let at = try #require(try json(["at"] + Self.here).objectValue)
        #expect(at["lon"]?.isNumber == true)
        #expect(at["covering"]?.arrayValue?.allSatisfy { $0.objectValue?["on_boundary"]?.isBool == true } == true)
        #expect(at["nearest"]?.arrayValue?.allSatisfy { $0.objectValue?["distance_m"]?.isNumber == true } == true)

        let route = try #require(try json(["route", "--rules", Self.rules, "--category", "garbage"] + Self.here).objectValue)
        #expect(route["deadline_days"] == .integer(2) && route["rule_index"] == .integer(1))
        #expect(route["distance_m"] == .null && route["organisation"]?.objectValue?["name"]?.stringValue == "УК «Комфорт»")

        let coverage = try #require(try json(["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "districts"]).objectValue)
        guard case .integer(let buildings)? = coverage["buildings"], case .integer(let covered)? = coverage["covered"],
              case .number(let share)? = coverage["covered_share"] else {
            Issue.record("coverage counts and share: \(coverage)"); return
        }
        #expect(buildings == 328 && covered > 0 && covered < buildings)
        #expect(abs(share - Double(covered) / Double(buildings)) < 1e-12)
        #expect(coverage["uncovered"] == .integer(buildings - covered))
        #expect(coverage["suggested_sites"] == .null)
        #expect(coverage["rules"]?.objectValue?["residential_max_m"]?.doubleValue == 100)
        let districts = try #require(coverage["districts"]?.arrayValue)
        #expect(districts.count == 5)
        #expect(districts.allSatisfy { $0.objectValue?["covered_share"]?.isNumber == true && $0.objectValue?["buildings"]?.isInteger == true })

        let check = try #require(try json(["check", "territories", "territories", "--boundary", "city"]).objectValue)
        #expect(check["passed"] == .bool(true) && check["features_checked"] == .integer(30) && check["problems"] == .integer(0))
        #expect(try json(["check", "layer", "sites"]).objectValue?["passed"] == .bool(true))

        let parse = try #require(try json(["bench", "parse", "fixtures/geojson/sites.geojson", "--runs", "1"]).arrayValue?.first?.objectValue)
        #expect(parse["features"] == .integer(60) && parse["mb_per_s"]?.isNumber == true && parse["peak_mib"]?.isNumber == true)
        let bench = try #require(try json(["bench", "route", "--territories", "fixtures/geojson/territories.geojson",
                                           "--appeals", "fixtures/geojson/appeals.geojson", "--runs", "1"]).objectValue)
        #expect(bench["appeals"] == .integer(200) && bench["points_per_s_1_thread"]?.isNumber == true && bench["border_m"]?.isNumber == true)
        let benchCoverage = try #require(try json(["bench", "coverage", "--buildings", "fixtures/geojson/buildings.geojson",
                                                   "--sites", "fixtures/geojson/sites.geojson", "--runs", "1"]).objectValue)
        #expect(benchCoverage["buildings"] == .integer(328) && benchCoverage["analysis_s"]?.isNumber == true)
        #expect(benchCoverage["uncovered"] == coverage["uncovered"])
    }

    /// Keys are snake_case, and no value is a number or a share written as text (ids excepted:
    /// they are text). Feature properties and samples are the data's own and are not checked.
    static func checkShape(_ value: JSONValue, at place: String, key: String? = nil) {
        switch value {
        case .object(let o):
            for m in o.members {
                #expect(m.key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil, "\(place): key \"\(m.key)\"")
                if m.key == "samples" || (m.key == "properties" && m.value.objectValue != nil) { continue }
                checkShape(m.value, at: place, key: m.key)
            }
        case .array(let a):
            for v in a { checkShape(v, at: place, key: key) }
        case .string(let text):
            guard !["id", "feature_id", "feature_ids", "source_sha256"].contains(key ?? "") else { return }
            #expect(text.range(of: #"^\s*-?[0-9]+([.,][0-9]+)?\s*%?\s*$"#, options: .regularExpression) == nil, "\(place): \(key ?? "?") is the number \"\(text)\" as text")
            #expect(text.range(of: #"^[0-9]+\s*\([0-9.,]+\s*%\)$"#, options: .regularExpression) == nil, "\(place): \(key ?? "?") holds a share as text: \"\(text)\"")
        default:
            break
        }
    }
}

extension JSONValue {
    var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var isNumber: Bool { switch self { case .number, .integer: true; default: false } }
    var isInteger: Bool { if case .integer = self { true } else { false } }
    var isBool: Bool { if case .bool = self { true } else { false } }
}
