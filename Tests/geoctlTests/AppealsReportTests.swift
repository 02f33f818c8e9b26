import Foundation
import Testing

/// Headless Chromium, when the machine has it (`make test` installs it when it can).
enum Chromium {
    static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static var available: Bool {
        if path == nil { TestLog.skip("chromium is not installed: the report is not rendered (make deps-test installs it)") }
        return path != nil
    }
}

enum TestLog {
    static func skip(_ message: String) { FileHandle.standardError.write(Data("SKIPPED: \(message)\n".utf8)) }
}

@Suite("geoctl appeals report")
struct AppealsReportTests {
    func report() throws -> (Scratch, String) {
        let s = try Scratch()
        try s.importSampleCity()
        #expect(try s.geoctl(["import", "fixtures/appeals/year.geojson", "--layer", "year", "--kind", "other"]).status == 0)
        let out = s.folder + "/report"
        let r = try s.geoctl(["appeals", "report", "year", "--output", out, "--rules", "fixtures/routing-rules.yaml", "--boundary", "city",
                              "--by", "territories", "--exposure", "buildings", "--cell-metres", "100", "--as-of", "2025-01-01T00:00:00+05:00"])
        #expect(r.status == 0, "\(r.stderr)")
        return (s, out + "/report.html")
    }

    @Test("one self-contained Russian page: the map's cells and hot spots, tables and bars per category and organisation, the trend, duplicates")
    func page() throws {
        let (s, path) = try report()
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"ru\">"))
        #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("<script") && !html.contains("url("))
        #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"))
        let cells = html.components(separatedBy: "<path class=\"cell\"").count - 1
        let heat = try s.geoctl(["appeals", "heatmap", "year", "--cell-metres", "100", "--boundary", "city", "--format", "csv"])
        #expect(cells == heat.stdout.split(separator: "\n").count - 1)
        #expect(html.contains("<path class=\"hot\""))
        #expect(html.components(separatedBy: "<path class=\"territory\"").count - 1 >= 30)
        #expect(html.contains("По категориям") && html.contains("По организациям") && html.contains("По месяцам"))
        #expect(html.contains("<polyline class=\"trend-all\"") && html.contains("<rect class=\"bar\""))
        #expect(html.contains("Крупнейшие группы дубликатов"))
        // The slow organisation's row is highlighted.
        #expect(html.contains("<tr class=\"breach\"><td>ORG-09</td>"))
        #expect(try s.geoctl(["appeals", "report", "year"]).status == 64)
    }

    @Test("headless Chromium renders the report: the map, bars and trend are SVG elements in the rendered page", .enabled(if: Chromium.available))
    func rendered() throws {
        let (s, path) = try report()
        let chromium = Chromium.path!
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(s.folder)/chromium"]
        let dom = try Geoctl.run(executable: chromium, flags + ["--dump-dom", "file://\(path)"])
        #expect(dom.status == 0, "\(dom.stderr)")
        let count = { (s: String) in dom.stdout.components(separatedBy: s).count - 1 }
        #expect(count("<svg") == 4)   // the map, two bar charts, the trend
        #expect(count("class=\"cell\"") > 500 && count("class=\"hot\"") >= 2 && count("class=\"trend-all\"") == 1)
        #expect(count("class=\"bar\"") >= 6)
        let png = s.folder + "/report.png"
        let shot = try Geoctl.run(executable: chromium, flags + ["--screenshot=\(png)", "--window-size=1200,1800", "--hide-scrollbars", "file://\(path)"])
        #expect(shot.status == 0, "\(shot.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 20_000)
        if let keep = ProcessInfo.processInfo.environment["GEOCTL_REPORT_PNG"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: png, toPath: keep)
        }
    }
}
