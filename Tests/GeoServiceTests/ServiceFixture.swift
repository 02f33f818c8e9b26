import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A scratch folder with the sample city imported by the real `geoctl` binary, the rules
/// copied in (so a test may break them), and a server over them. Removed when done.
final class ServiceFixture: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("geoctl").path

    let folder: String
    var store: String { folder + "/store.sqlite" }
    var rules: String { folder + "/rules.yaml" }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.repository.path + "/fixtures/routing-rules.yaml", toPath: rules)
        let r = try geoctl(["import-dir", "fixtures/geojson", "--manifest", "fixtures/manifest.yaml"])
        guard r.status == 0 else { throw FixtureError(message: "import-dir failed: \(r.stderr)") }
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    struct FixtureError: Error { var message: String }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `geoctl ARGS --store STORE` from the repository.
    func geoctl(_ arguments: [String], store: Bool = true) throws -> Result {
        try Self.run(Self.binary, arguments + (store ? ["--store", self.store] : []))
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = Data(out.fileHandleForReading.readDataToEndOfFile())
        let stderr = Data(err.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func configuration(apiKeys: String? = nil, reload: ServiceConfiguration.ReloadMode = .off) -> ServiceConfiguration {
        var c = ServiceConfiguration(storePath: store, rulesPath: rules)
        c.port = 0
        c.apiKeysPath = apiKeys
        c.reload = reload
        c.pollInterval = .milliseconds(100)
        return c
    }

    func server(apiKeys: String? = nil, reload: ServiceConfiguration.ReloadMode = .off,
                configure: (inout ServiceConfiguration) -> Void = { _ in }) throws -> GeoServer {
        var c = configuration(apiKeys: apiKeys, reload: reload)
        configure(&c)
        var logger = Logger(label: "geoctl.serve.test")
        logger.logLevel = .critical
        return try GeoServer(configuration: c, logger: logger)
    }

    /// A key file granting `appeals`.
    func keyFile() throws -> String {
        let path = folder + "/keys.yaml"
        try "\"\(Self.callCentreKey)\": [appeals]\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let callCentreKey = "call-centre-7f3a9c1e5b2d"
}

/// Helpers over HummingbirdTesting responses.
extension TestResponse {
    var text: String { String(buffer: body) }

    func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }

    func object() throws -> [String: Any] { try #require(try json() as? [String: Any], "not an object: \(text)") }
}
