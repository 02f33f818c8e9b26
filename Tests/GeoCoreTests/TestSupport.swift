import Foundation
import GeoCore
import TestSupport

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
