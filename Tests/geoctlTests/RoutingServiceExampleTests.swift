import Foundation
import Testing

/// The README's "Using geoctl as a Swift library" example (Examples/RoutingService), compiled
/// with the package and run on the sample city, so it cannot rot.
@Suite("The library example")
struct RoutingServiceExampleTests {
    static let example = URL(fileURLWithPath: Geoctl.binary).deletingLastPathComponent().appendingPathComponent("RoutingService").path

    @Test("the example opens a store, routes one appeal and a batch as the CLI does, and refreshes after an import")
    func runsOnTheSampleCity() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-example-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = "\(folder)/city.sqlite"
        let imported = try Geoctl.run(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml", "--store", store])
        #expect(imported.status == 0, "\(imported.stderr)")

        // What the CLI's batch says before the example imports the next version.
        let cli = try Geoctl.run(["route", "--store", store, "--rules", "fixtures/routing-rules.yaml",
                                  "--input", "fixtures/geojson/appeals.geojson", "--output", "-"])
        #expect(cli.status == 0, "\(cli.stderr)")

        // The next version of the territories: УК «Комфорт»'s territories handed to УК «Южная».
        let territories = try String(contentsOf: Geoctl.repository.appendingPathComponent("fixtures/geojson/territories.geojson"), encoding: .utf8)
        #expect(territories.contains("УК «Комфорт»"))
        let next = "\(folder)/territories-v2.geojson"
        try territories.replacingOccurrences(of: "УК «Комфорт»", with: "УК «Южная»").write(toFile: next, atomically: true, encoding: .utf8)

        let r = try Geoctl.run(executable: Self.example, [store, "fixtures/routing-rules.yaml", "fixtures/geojson/appeals.geojson", next])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("one: УК «Комфорт», +7 (35146) 4-55-68, territories feature 16, 2 days"), "\(r.stdout)")
        #expect(lines.contains("batch: 200 appeals"), "\(r.stdout)")
        #expect(lines.contains("refreshed: territories version 2: УК «Южная», territories feature 16"), "\(r.stdout)")

        // The batch agrees, organisation by organisation, with `geoctl route --input` on the same appeals.
        var example: [String: Int] = [:]
        for line in lines where line.hasPrefix("  ") {
            let parts = line.dropFirst(2).split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2, !parts[1].hasPrefix("(") { example[parts[1]] = Int(parts[0]) }
        }
        let rows = Self.csv(cli.stdout)
        let column = try #require(rows.first?.firstIndex(of: "organisation"))
        var expected: [String: Int] = [:]
        for row in rows.dropFirst() where row.count > column && !row[column].isEmpty { expected[row[column], default: 0] += 1 }
        #expect(!expected.isEmpty)
        #expect(example == expected)
    }

    @Test("the README shows the example's code exactly")
    func readmeShowsTheExample() throws {
        let readme = try String(contentsOf: Geoctl.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let code = try String(contentsOf: Geoctl.repository.appendingPathComponent("Examples/RoutingService/main.swift"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Using geoctl as a Swift library"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```swift\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```\n"))
        #expect(String(rest[open.upperBound ..< close.lowerBound]) == code)
    }

    /// RFC 4180 rows.
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, wasQuoted = false
        var chars = text.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" { quoted = false } else { field.append(c) }
            } else if c == "\"" {
                if wasQuoted { field.append("\"") }
                quoted = true
                wasQuoted = true
            } else if c == "," {
                row.append(field); field = ""; wasQuoted = false
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""; wasQuoted = false
            } else if c != "\r" {
                field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
