import Foundation
import Testing
@testable import GeoCore

/// GeoCore's SHA-256 (the CPU's SHA instructions where it has them, else Swift) against
/// coreutils' sha256sum, on messages around every padding boundary, fed in uneven pieces.
@Suite("SHA-256 agrees with sha256sum")
struct SHA256Tests {
    static func sha256sum(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("geoctl-sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: out.prefix(64), as: UTF8.self)
    }

    @Test("messages of 0 to 130 bytes and larger ones, whole and in pieces of 1 to 200 bytes",
          arguments: Array(0 ... 130) + [1000, 4096, 65_537, 1_000_003])
    func agrees(_ size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let expected = try Self.sha256sum(bytes)
        var whole = SHA256()
        whole.update(bytes)
        #expect(whole.finalize() == expected)
        var pieces = SHA256()
        var i = 0
        while i < size {
            let n = min(size - i, Int.random(in: 1 ... 200))
            pieces.update(Array(bytes[i ..< i + n]))
            i += n
        }
        #expect(pieces.finalize() == expected)
    }
}
