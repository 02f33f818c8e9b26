import Foundation
import Testing
@testable import GeoCore

/// RFC 8142 GeoJSON text sequences: what `ogr2ogr -f GeoJSONSeq` writes and `.geojsonl` holds.
@Suite("GeoJSON text sequences")
struct GeoJSONSeqTests {
    static let a = #"{"type":"Feature","id":7,"properties":{"name":"Школа"},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}"#
    static let b = #"{"type":"Feature","properties":{"name":"Сад"},"geometry":{"type":"LineString","coordinates":[[60.7,56.1],[60.8,56.2]]}}"#

    @Test("newline-delimited (with sequence set) and record-separator-prefixed (recognised by itself) read the same features")
    func bothStyles() throws {
        let lines = GeoJSONReader(string: Self.a + "\n" + Self.b + "\n")
        // A string reader is not told; a path reader is (see LayerImporter). Set it the way the path init does.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seq-\(UUID().uuidString).geojsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try (Self.a + "\n" + Self.b + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let fromFile = try GeoJSONReader(path: path, sequence: true).readAll()
        let rs = try GeoJSONReader(string: "\u{1E}" + Self.a + "\n\u{1E}" + Self.b + "\n").readAll()
        #expect(fromFile.count == 2)
        #expect(fromFile == rs)
        #expect(fromFile[0].id == .integer(7))
        #expect(fromFile[1].properties["name"] == .string("Сад"))
        // Without being told, newline-delimited features are not one GeoJSON document.
        #expect(throws: GeoJSONError.self) { try lines.readAll() }
    }

    @Test("an element that is not a Feature is an error naming its index and line")
    func notAFeature() throws {
        let text = "\u{1E}" + Self.a + "\n\u{1E}" + #"{"type":"Point","coordinates":[1,2]}"# + "\n"
        #expect {
            try GeoJSONReader(string: text).readAll()
        } throws: { error in
            let e = error as? GeoJSONError
            return e?.featureIndex == 1 && e?.line == 2 && e?.reason.contains("expected Feature") == true
        }
    }

    @Test("an empty sequence has no features; a truncated element is an error")
    func emptyAndTruncated() throws {
        #expect(try GeoJSONReader(string: "\u{1E}\n").readAll().isEmpty)
        #expect(throws: GeoJSONError.self) { try GeoJSONReader(string: "\u{1E}" + String(Self.a.dropLast(3))).readAll() }
    }
}
