import Foundation
import GeoCore
@testable import Layers
import TestSupport

/// The small timestamped appeals fixture (fixtures/appeals/year.geojson, made by
/// bench/gen_appeals.py over the sample city; see fixtures/appeals/README.md) and its truth.
enum AppealFixture {
    static let path = Fixtures.root.appendingPathComponent("appeals/year.geojson").path
    static let truthPath = Fixtures.root.appendingPathComponent("appeals/year.truth.json").path

    static func features() throws -> [Feature] { try GeoJSONReader(path: path).readAll() }

    static func appeals(_ configure: (inout AppealLoadOptions) -> Void = { _ in }) throws -> AppealSet {
        var options = AppealLoadOptions()
        configure(&options)
        return try AppealSet.load(features: try features(), layer: "year", options: options)
    }

    static func truth() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: truthPath))) as! [String: Any]
    }
}

/// The test venv's Python with PySAL's esda and SciPy (made by scripts/test-venv.sh, which
/// `make test` runs); the tests that compare with it are skipped, and say so, without it,
/// unless GEOCTL_REQUIRE_PYSAL=1 (as `make test` sets) makes its absence a failure.
enum PySAL {
    static let python = Fixtures.root.deletingLastPathComponent().appendingPathComponent(".build-venv/bin/python").path
    static var available: Bool { FileManager.default.isExecutableFile(atPath: python) }
    static var required: Bool { ProcessInfo.processInfo.environment["GEOCTL_REQUIRE_PYSAL"] == "1" }
    static var enabled: Bool { available || required }

    /// Runs `script` with `input` as JSON on stdin; its stdout parsed as JSON.
    static func run(_ script: String, input: Any) throws -> Any {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let data = try JSONSerialization.data(withJSONObject: input)
        let writer = Thread { stdin.fileHandleForWriting.write(data); try? stdin.fileHandleForWriting.close() }
        writer.start()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AppealAnalyticsError.input("python failed: \(String(decoding: err, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: out)
    }
}
