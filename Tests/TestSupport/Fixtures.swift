import Foundation
import GeoCore

/// Paths of the project's fixtures, found from this source file.
public enum Fixtures {
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")
    public static let cityLayers = ["appeals", "buildings", "city", "districts", "earthworks", "institutions", "outages",
                                    "precincts", "repairs", "roads", "sites", "territories"]

    public static func city(_ name: String) -> String { root.appendingPathComponent("geojson/\(name).geojson").path }
    public static func broken(_ name: String) -> String { root.appendingPathComponent("broken/\(name).geojson").path }

    /// Every feature of a sample-city layer.
    public static func features(_ name: String) throws -> [Feature] {
        try GeoJSONReader(path: city(name)).readAll()
    }
}
