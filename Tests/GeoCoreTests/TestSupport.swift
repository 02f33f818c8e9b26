import Foundation
import GeoCore

/// Paths of the project's fixtures, found from this source file.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    static func city(_ name: String) -> String { root.appendingPathComponent("geojson/\(name).geojson").path }
    static func broken(_ name: String) -> String { root.appendingPathComponent("broken/\(name).geojson").path }

    /// Every feature of a sample-city layer.
    static func features(_ name: String) throws -> [Feature] {
        try GeoJSONReader(path: city(name)).readAll()
    }
}

/// Reads all features of GeoJSON text.
func readAll(_ text: String) throws -> [Feature] {
    try GeoJSONReader(string: text).readAll()
}

/// The error reading `text` fails with, or nil when it reads.
func readError(_ text: String) -> GeoJSONError? {
    do throws(GeoJSONError) {
        _ = try GeoJSONReader(string: text).readAll()
        return nil
    } catch {
        return error
    }
}

/// A small deterministic generator (SplitMix64) so property tests repeat exactly.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
