import Testing
@testable import GeoCore
import TestSupport

@Suite("GeoJSON errors name the place and the reason")
struct GeoJSONErrorTests {
    /// (fixture, feature index, line, column, words the reason must hold)
    static let brokenFiles: [(String, Int?, Int, Int, String)] = [
        ("malformed-missing-comma", 1, 3, 45, "expected ',' or '}'"),
        ("truncated", 2, 4, 65, "truncated"),
        ("unclosed-ring", 1, 3, 89, "ring 0 is not closed"),
        ("short-ring", 1, 3, 89, "ring 0 has 3 positions"),
        ("longitude-out-of-range", 2, 4, 87, "longitude 260.73 is outside [-180, 180]"),
        ("latitude-out-of-range", 1, 3, 87, "latitude 96.08 is outside [-90, 90]"),
        ("nan", 1, 3, 88, "NaN and Infinity are not JSON numbers"),
        ("huge-number", 1, 3, 88, "number 1e400 is out of the range"),
        ("invalid-utf8", 1, 3, 44, "invalid UTF-8"),
        ("empty-coordinates", 1, 3, 87, "empty coordinates"),
        ("wrong-member-type", 1, 3, 87, "\"coordinates\" must be an array"),
        ("unknown-type", 0, 2, 65, "unknown GeoJSON type \"Circle\""),
        ("duplicate-key", 0, 2, 45, "duplicate member name \"name\""),
        ("deep-nesting", nil, 1, 167, "nesting deeper than 128 levels"),
        ("empty", nil, 1, 1, "empty input"),
        ("whitespace-only", nil, 3, 1, "empty input"),
        ("feature-collection-in-feature", 0, 2, 54, "FeatureCollection is not a geometry type"),
        ("trailing-garbage", nil, 4, 1, "after the end of the GeoJSON object"),
    ]

    @Test("each broken fixture fails with its feature, line, column and reason", arguments: brokenFiles)
    func brokenFixture(name: String, feature: Int?, line: Int, column: Int, reason: String) throws {
        let path = Fixtures.broken(name)
        do {
            _ = try GeoJSONReader(path: path).readAll()
            Issue.record("\(name) was read without error")
        } catch {
            #expect(error.source == path)
            #expect(error.featureIndex == feature, "\(error)")
            #expect(error.line == line, "\(error)")
            #expect(error.column == column, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("\(path):\(line):\(column): "))
        }
    }

    @Test("valid GeoJSON with invalid geometry reads: validity is GEOS's business")
    func selfIntersectionReads() throws {
        let features = try GeoJSONReader(path: Fixtures.broken("self-intersecting")).readAll()
        #expect(features.count == 2)
    }

    @Test("a missing file is a clear error")
    func missingFile() {
        #expect(throws: GeoJSONError.self) { try GeoJSONReader(path: "/nonexistent/x.geojson") }
    }

    static let inline: [(String, String)] = [
        (#"{"type":"Feature","properties":[],"geometry":null}"#, "\"properties\" must be an object or null"),
        (#"{"type":"Feature","properties":{},"geometry":null,"id":true}"#, "\"id\" must be a string or a number"),
        (#"{"type":5}"#, "\"type\" must be a string"),
        (#"{"type":"Polygon","coordinates":[[0,0],[1,1]]}"#, "Polygon coordinates must be an array of arrays of positions"),
        (#"{"type":"Point","coordinates":[[0,0]]}"#, "Point coordinates must be a position"),
        (#"{"type":"Point","coordinates":[1]}"#, "at least 2 numbers"),
        (#"{"type":"Point","coordinates":[1,2,3,4,5]}"#, "at most 4"),
        (#"{"type":"Point","coordinates":[1,"2"]}"#, "a position must hold numbers"),
        (#"{"type":"LineString","coordinates":[[1,2]]}"#, "at least 2 positions"),
        (#"{"type":"LineString","coordinates":[[1,2],[[3,4]]]}"#, "nest unevenly"),
        (#"{"type":"Point","coordinates":[01,2]}"#, "leading zeros"),
        (#"{"type":"Point","coordinates":[1.,2]}"#, "must be followed by digits"),
        (#"{"type":"Point","coordinates":[1e,2]}"#, "exponent must have digits"),
        (#"{"type":"Point","coordinates":[+1,2]}"#, "a position must hold numbers"),
        (#"{"type":"Point","coordinates":[1,2,]}"#, "a position must hold numbers"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":1,}}"#, "expected a string"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":"\x"}}"#, "invalid escape"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":"\ud800"}}"#, "unpaired surrogate"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":"\udc00\ud800"}}"#, "unpaired surrogate"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":"\u12g4"}}"#, "invalid \\u escape"),
        ("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":\"tab\there\"}}", "unescaped control character"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":tru}}"#, "invalid literal"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":Infinity}}"#, "NaN and Infinity"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":-Infinity}}"#, "NaN and Infinity"),
        (#"[{"type":"Feature"}]"#, "must be an object"),
        (#"{"features":[]}"#, "no \"type\" member"),
        (#"{"type":"FeatureCollection"}"#, "no \"features\" member"),
        (#"{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}]}"#, "has type Point; expected Feature"),
        (#"{"type":"FeatureCollection","features":[{"properties":{}}]}"#, "no \"type\" member"),
        (#"{"type":"FeatureCollection","features":[{"type":"FeatureCollection","features":[]}]}"#, "FeatureCollection inside a FeatureCollection"),
        (#"{"type":"Feature","features":[]}"#, "only a FeatureCollection can"),
        (#"{"type":"Feature","geometry":{"coordinates":[1,2]},"properties":{}}"#, "the geometry has no \"type\""),
        (#"{"type":"Feature","geometry":{"type":"Point"},"properties":{}}"#, "needs a \"coordinates\" member"),
        (#"{"type":"GeometryCollection"}"#, "needs a \"geometries\" array"),
        (#"{"type":"Feature","type":"Feature","geometry":null}"#, "duplicate member name \"type\""),
        // The same property name spelt plainly and with an escape, and long names (hashed a word at a time).
        (#"{"type":"Feature","geometry":null,"properties":{"name":1,"n\u0061me":2}}"#, "duplicate member name \"name\""),
        (#"{"type":"Feature","geometry":null,"properties":{"n\u0061me":1,"b":0,"name":2}}"#, "duplicate member name \"name\""),
        (#"{"type":"Feature","geometry":null,"properties":{"адрес_здания_полностью":1,"адрес_здания_полность":0,"адрес_здания_полностью":2}}"#,
         "duplicate member name \"адрес_здания_полностью\""),
        (#"{"type":"FeatureCollection","features":[]"#, "unexpected end of input"),
        (#"{"type":"FeatureCollection","features":[] "#, "unexpected end of input"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":"unterminated"#, "truncated"),
        (#"{"type":"Feature","geometry":null,"properties":{"a":12"#, "unexpected end of input"),
    ]

    @Test("inline malformed inputs", arguments: inline)
    func inlineCase(text: String, reason: String) {
        let error = readError(text)
        #expect(error?.reason.contains(reason) == true, "\(text) -> \(String(describing: error))")
    }

    @Test("nesting 100,000 levels deep fails fast at the limit, without a stack overflow")
    func deepNesting() {
        let deep = #"{"type":"Feature","geometry":null,"properties":{"x":"# + String(repeating: "[", count: 100_000)
            + String(repeating: "]", count: 100_000) + "}}"
        let error = readError(deep)
        #expect(error?.reason.contains("nesting deeper than") == true)
        let coordinates = #"{"type":"Point","coordinates":"# + String(repeating: "[", count: 100_000)
        #expect(readError(coordinates) != nil)
    }
}
