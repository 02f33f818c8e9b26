import Foundation
import Testing

/// Runs the `geoctl` binary built beside the tests.
struct Geoctl {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("geoctl").path
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        try run(executable: binary, arguments, stdin: stdin, environment: environment)
    }

    /// Runs any program (ogrinfo, ogr2ogr) the same way.
    static func run(executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = repository
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}

@Suite("geoctl command line")
struct CommandLineTests {
    @Test("demo runs on the sample city and checks itself against GEOS")
    func demo() throws {
        let r = try Geoctl.run(["demo"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("agrees with GEOS covers on 200 of 200"))
        #expect(r.stdout.contains("30 of 30 valid"))
        #expect(r.stdout.contains("against the city boundary: 0 gaps or overlaps above 10 m², 0 slivers"))
        #expect(r.stdout.contains("electoral district: Избирательный округ"))
        #expect(r.stdout.contains("the management companies to inform:\n   • УК «"))
        #expect(r.stdout.contains("clash: Ордер №42/2025 (ООО «Теплосеть», замена теплотрассы) × Ордер №43/2025"))
    }

    @Test("inspect summarises a layer as a table or JSON")
    func inspect() throws {
        let r = try Geoctl.run(["inspect", "fixtures/geojson/territories.geojson", "--validate"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("features") && r.stdout.contains("30"))
        #expect(r.stdout.contains("Polygon 29, MultiPolygon 1"))
        #expect(r.stdout.contains("invalid geometries  0"))
        let json = try Geoctl.run(["inspect", "fixtures/geojson/sites.geojson", "--format", "json"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(summary?["features"] as? Int == 60)
    }

    @Test("inspect reads standard input")
    func inspectStdin() throws {
        let data = try Data(contentsOf: Geoctl.repository.appendingPathComponent("fixtures/geojson/precincts.geojson"))
        let r = try Geoctl.run(["inspect", "-", "--format", "csv"], stdin: data)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("file,-"))
        #expect(r.stdout.contains("features,4"))
    }

    @Test("bad input: exit 1 and a message naming the file, line, column and feature")
    func badInput() throws {
        let r = try Geoctl.run(["inspect", "fixtures/broken/unclosed-ring.geojson"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("fixtures/broken/unclosed-ring.geojson:3:89: feature 1: ring 0 is not closed"))
        #expect(r.stdout.isEmpty)
    }

    @Test("invalid geometries are listed with GEOS's reason and location, exit 1")
    func invalidGeometry() throws {
        let r = try Geoctl.run(["inspect", "fixtures/broken/self-intersecting.geojson", "--validate"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("feature 0"))
        #expect(r.stdout.contains("Self-intersection at (60.75, 56.05)"))
    }

    @Test("a missing file exits 74; a bad flag exits 64")
    func exitCodes() throws {
        let missing = try Geoctl.run(["inspect", "no/such/file.geojson"])
        #expect(missing.status == 74)
        #expect(missing.stderr.contains("no/such/file.geojson"))
        #expect(try Geoctl.run(["inspect", "--no-such-flag"]).status == 64)
    }

    @Test("bench parse reports throughput as JSON")
    func benchParse() throws {
        let r = try Geoctl.run(["bench", "parse", "fixtures/geojson/appeals.geojson", "--runs", "1", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.first?["features"] as? Int == 200)
    }

    @Test("version names the linked libraries")
    func version() throws {
        let r = try Geoctl.run(["version"])
        #expect(r.stdout.contains("GEOS 3.") && r.stdout.contains("PROJ ") && r.stdout.contains("SpatiaLite 5."))
    }
}
