import Testing
@testable import GeoCore
import TestSupport

@Suite("GeoJSON writer")
struct GeoJSONWriterTests {
    @Test("write then read gives back every fixture feature up to the precision", arguments: [
        "city", "territories", "districts", "precincts", "sites", "buildings", "appeals", "roads",
        "institutions", "earthworks", "outages", "repairs",
    ])
    func roundTrip(layer: String) throws {
        let original = try Fixtures.features(layer)
        let text = GeoJSONWriter.text(of: original)
        let again = try readAll(text)
        #expect(again.count == original.count)
        for (a, b) in zip(original, again) {
            #expect(a.id == b.id)
            #expect(a.properties == b.properties)
            // Fixtures have 7 decimals and follow the right-hand rule already: exact equality.
            #expect(a.geometry == b.geometry)
        }
    }

    @Test("polygons are rewound to the right-hand rule: exterior counter-clockwise, holes clockwise")
    func rightHandRule() throws {
        let clockwiseShell = [0.0, 0, 0, 10, 10, 10, 10, 0, 0, 0]
        let counterClockwiseHole = [2.0, 2, 4, 2, 4, 4, 2, 2]
        let polygon = Polygon(rings: [clockwiseShell, counterClockwiseHole])
        #expect(polygon.signedDoubleArea(ofRing: 0) < 0)
        let written = try readAll(GeoJSONWriter.text(of: [Feature(geometry: .polygon(polygon))]))
        let p = try #require(written.first?.geometry?.polygons.first)
        #expect(p.signedDoubleArea(ofRing: 0) > 0)
        #expect(p.signedDoubleArea(ofRing: 1) < 0)
        #expect(abs(p.signedDoubleArea(ofRing: 0)) == abs(polygon.signedDoubleArea(ofRing: 0)))
        let kept = GeoJSONWriter.text(of: .polygon(polygon), options: .init(rightHandRule: false))
        #expect(kept.contains("[[0,0],[0,10],[10,10]"))
    }

    @Test("precision rounds half away from zero and trims zeros; nil keeps every digit")
    func precision() {
        let point = Geometry.point(Point(x: 60.123456789, y: -56.00000004))
        #expect(GeoJSONWriter.text(of: point, options: .init(precision: 7)) == #"{"type":"Point","coordinates":[60.1234568,-56]}"#)
        #expect(GeoJSONWriter.text(of: point, options: .init(precision: 2)) == #"{"type":"Point","coordinates":[60.12,-56]}"#)
        #expect(GeoJSONWriter.text(of: point, options: .init(precision: nil)) == #"{"type":"Point","coordinates":[60.123456789,-56.00000004]}"#)
        let big = Geometry.point(Point(x: 12_345_678.125, y: 1e300))
        #expect(GeoJSONWriter.text(of: big, options: .init(precision: 2)) == #"{"type":"Point","coordinates":[12345678.13,1e+300]}"#)
    }

    @Test("strings are escaped and Cyrillic is written as UTF-8")
    func escaping() throws {
        let feature = Feature(id: .string("id\"1"), geometry: nil,
                              properties: ["текст": .string("кавычки \" и \\ и\nперевод\u{1}"), "n": .number(0.1), "i": .integer(-3)])
        let text = GeoJSONWriter.text(of: [feature])
        #expect(text.contains(#""текст":"кавычки \" и \\ и\nперевод\u0001""#))
        #expect(try readAll(text) == [feature])
    }

    @Test("an empty collection is valid GeoJSON")
    func empty() throws {
        let writer = GeoJSONWriter()
        try writer.begin(name: "пусто")
        try writer.finish()
        let reader = GeoJSONReader(bytes: writer.bytes)
        #expect(try reader.readAll().isEmpty)
        #expect(reader.documentType == "FeatureCollection")
    }
}
