import Foundation
import Testing

@Suite("numbers a person reads")
struct ReadableNumbersTests {
    @Test("show and the expected region round coordinates to 7 decimals")
    func rounded() throws {
        let s = try Scratch()
        let file = s.folder + "/p.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[60.73309059265114,56.08123456789012]}}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try s.geoctl(["import", file, "--layer", "p", "--kind", "other"]).status == 0)
        let show = try s.geoctl(["show", "p"])
        #expect(show.stdout.contains("60.7330906,56.0812346,60.7330906,56.0812346"), "\(show.stdout)")
        #expect(!show.stdout.contains("60.73309059"))
        let region = try s.geoctl(["region"])
        #expect(region.stdout.contains("60.7330906,56.0812346,60.7330906,56.0812346"), "\(region.stdout)")
        // A far-off feature's warning, too.
        let far = s.folder + "/far.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[37.617635123456789,55.755814123456789]}}]}"#
            .write(toFile: far, atomically: true, encoding: .utf8)
        let warned = try s.geoctl(["import", far, "--layer", "far", "--kind", "other"])
        #expect(warned.stderr.contains("at (37.6176351, 55.7558141)"), "\(warned.stderr)")
    }

    @Test("one feature is \"1 feature\"; an empty FeatureCollection imports with a warning")
    func singularAndEmpty() throws {
        let s = try Scratch()
        let one = s.folder + "/one.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}]}"#
            .write(toFile: one, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["import", one, "--layer", "one", "--kind", "other"])
        #expect(r.stdout.contains("one v1: 1 feature (POINT)"), "\(r.stdout)")
        #expect(r.stdout.contains(", 0 warnings"))
        let inspect = try Geoctl.run(["inspect", one])
        #expect(inspect.stdout.contains("in 1 feature,"), "\(inspect.stdout)")
        let check = try s.geoctl(["check", "layer", "one"])
        #expect(check.stdout.contains("one: 1 feature checked"), "\(check.stdout)")
        let drop = try s.geoctl(["drop", "one"])
        #expect(drop.stderr.contains("(version 1, 1 feature)"), "\(drop.stderr)")

        let empty = s.folder + "/empty.geojson"
        try #"{"type":"FeatureCollection","features":[]}"#.write(toFile: empty, atomically: true, encoding: .utf8)
        let e = try s.geoctl(["import", empty, "--layer", "empty", "--kind", "other"])
        #expect(e.status == 0)
        #expect(e.stderr.contains("warning: the file holds no features: the layer is empty"), "\(e.stderr)")
        #expect(e.stdout.contains("empty v1: 0 features") && e.stdout.contains("1 warning"))
    }

    @Test("the HTML coverage report speaks Russian throughout, violation texts included")
    func russianReport() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let out = s.folder + "/cov"
        let r = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--sensitive", "institutions", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(html.contains("Площадки с нарушениями"), "the sample city has sites with violations")
        #expect(html.contains("жилой дом") && html.contains("СанПиН 2.1.3684-21, п. 4") && html.contains("расстояния на плоскости"))
        // The text a reader sees: tags, the style sheet and the SVG's markup removed.
        var text = html
        for pattern in ["<style>[\\s\\S]*?</style>", "<[^>]+>", "&[a-z]+;"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        let words = text.components(separatedBy: CharacterSet.letters.inverted).filter { $0.count >= 3 && $0.allSatisfy(\.isASCII) }
        let allowed: Set<String> = ["EPSG", "PROJ"]
        let english = Set(words).subtracting(allowed)
        #expect(english.isEmpty, "English words in report.html: \(english.sorted())")
    }
}
