import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// A GeoJSON batch is read for its output: only the category is built for CSV, and for
/// GeoJSON the properties are re-encoded as they are read. Neither may change a byte of the
/// output or a word of an error.
@Suite("Batch routing of GeoJSON input")
struct BatchGeoJSONInputTests {
    /// 3,000 features with what real files hold and what trips encoders: escapes of every
    /// kind, numbers written in every way, nested values, non-ASCII and repeated-looking
    /// names, `route_*` members, no or null properties, ids of both types, categories that
    /// are numbers, missing or unknown, non-points, no geometry, points outside lon/lat, and
    /// whitespace between tokens.
    static func tricky(router: Router) -> String {
        var rng = SeededRandom(seed: 17)
        let categories = router.rules.categories.map(\.id) + ["volcano"]
        let values = [#""plain""#, #""quote \" and \\ back""#, #""line\nbreak\ttab\r""#, #""\u00e9t\u00E9 \ud83d\ude00 \/ \b\f""#,
                      #""Обращение гражданина: отопление""#, "12", "-0", "1.50", "1e3", "-2.5E-3", "123456789012345678901234",
                      "9007199254740993", "0.1", "true", "false", "null", #"[1,"a",[],{}]"#, #"{"k":{"k":[null]},"j":"\u0000"}"#,
                      #""""#, "56.0", "-17"]
        var out = #"{"type":"FeatureCollection","features":["# + "\n"
        for k in 0 ..< 3_000 {
            if k > 0 { out += ",\n" }
            let lon = Double.random(in: 60.68 ... 60.78, using: &rng), lat = Double.random(in: 56.05 ... 56.11, using: &rng)
            var members: [String] = []
            let category = categories[k % categories.count]
            switch k % 13 {
            case 0: break
            case 1: members.append(#""category":5"#)
            default: members.append(#""category":"\#(category)""#)
            }
            for m in 0 ..< k % 5 { members.append(#""p\#(m)":\#(values[(k * 7 + m) % values.count])"#) }
            if k % 17 == 0 { members.append(#""route_status":"mine""#) }
            if k % 19 == 0 { members.append(#""note":"says \"route_status\"""#) }
            if k % 23 == 0 { members.append(#""имя":"значение","\u0069d2":1"#) }
            if k % 7 == 0 { members.reverse() }
            let separator = k % 11 == 0 ? " ,\n  " : ","
            let properties: String
            switch k % 29 {
            case 3: properties = ""
            case 4: properties = #","properties":null"#
            default: properties = #","properties":"# + (k % 11 == 0 ? "{ " : "{") + members.joined(separator: separator) + "}"
            }
            let id = k % 3 == 0 ? #","id":\#(k)"# : k % 3 == 1 ? #","id":"A-\#(k)""# : ""
            let geometry: String
            switch k % 31 {
            case 5: geometry = "null"
            case 6: geometry = #"{"type":"LineString","coordinates":[[60.7,56.07],[60.71,56.08]]}"#
            case 7: geometry = #"{"type":"Point","coordinates":[560.7,56.07]}"#
            default: geometry = #"{"type":"Point","coordinates":[\#(lon),\#(lat)]}"#
            }
            out += k % 2 == 0 ? #"{"type":"Feature"\#(id)\#(properties),"geometry":\#(geometry)}"#
                : #"{"geometry":\#(geometry)\#(properties)\#(id),"type":"Feature"}"#
        }
        return out + "\n]}\n"
    }

    @Test("the rows read for CSV or GeoJSON output write the bytes whole features write, row by row", arguments: [RoutedAppealWriter.Format.csv, .geojson])
    func sameBytesAsWholeFeatures(format: RoutedAppealWriter.Format) throws {
        let city = try CityStore()
        let router = try city.router()
        let body = Array(Self.tricky(router: router).utf8)
        let (batch, summary) = try Self.compare(body, format: format, router: router)
        #expect(summary.total == 3_000 && summary.routed > 1_500 && summary.errors > 300, "\(summary.routed) routed, \(summary.errors) errors")
        // The GeoJSON output reads back, with each input feature's own members first.
        if format == .geojson {
            let features = try GeoJSONReader(bytes: batch).readAll()
            #expect(features.count == 3_000)
            #expect(features[2].properties.keys.first == "category" && features[2].properties["route_status"] != nil)
        }
    }

    @Test("a lone Feature, and a bare geometry with a foreign properties member, write what whole features write", arguments: [RoutedAppealWriter.Format.csv, .geojson])
    func loneObjects(format: RoutedAppealWriter.Format) throws {
        let city = try CityStore()
        let router = try city.router()
        let category = router.rules.categories[0].id
        for text in [#"{"type":"Feature","id":7,"properties":{"category":"\#(category)","n":1.5},"geometry":{"type":"Point","coordinates":[60.72309,56.07966]}}"#,
                     #"{"type":"Point","properties":{"category":"\#(category)","n":1},"coordinates":[60.72309,56.07966]}"#] {
            let (_, summary) = try Self.compare(Array(text.utf8), format: format, router: router)
            #expect(summary.total == 1)
        }
    }

    /// Routes `body` as a batch (read for its output) and row by row from whole features
    /// through the public one-row API, expects the same bytes, and returns the batch's.
    static func compare(_ body: [UInt8], format: RoutedAppealWriter.Format, router: Router) throws -> ([UInt8], BatchRoutingSummary) {
        let reader = try AppealBatchReader(bytes: body, format: .geojson, source: "test.geojson")
        let batch = RoutedAppealWriter(format: format)
        let summary = try router.routeBatch(from: reader, to: batch, chunkSize: 1_000)

        // Whole features (no `prepare(for:)`), written one by one through the public API.
        let again = try AppealBatchReader(bytes: body, format: .geojson, source: "test.geojson")
        let single = RoutedAppealWriter(format: format)
        try single.begin()
        var number = 0
        while let row = try again.nextRows(limit: 1).first {
            number += 1
            var row = row
            #expect(row.encodedProperties == nil && row.feature != nil)
            let c = router.categoryIndex(of: row.category)
            if c == nil && row.problem == nil {
                row.problem = AppealRowProblem(.unknownCategory, "unknown category \"\(row.category)\" (known: \(router.rules.categories.map(\.id).joined(separator: ", ")))")
            }
            let result = router.route(x: [row.lon], y: [row.lat], categories: [row.problem == nil ? c ?? -1 : -1], threads: 1)[0]
            try single.write(number: number, row: row, result: result, router: router)
        }
        try single.finish()
        #expect(number == summary.total)
        if batch.bytes != single.bytes {
            let a = String(decoding: batch.bytes, as: UTF8.self).split(separator: "\n"), b = String(decoding: single.bytes, as: UTF8.self).split(separator: "\n")
            let k = (0 ..< min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            Issue.record("first difference at line \(k):\n\(k < a.count ? a[k] : "(end)")\n\(k < b.count ? b[k] : "(end)")")
        }
        return (batch.bytes, summary)
    }

    @Test("malformed properties fail a batch read for its output with the error a whole read gives")
    func sameErrors() throws {
        let city = try CityStore()
        let router = try city.router()
        let good = #"{"type":"Feature","properties":{"category":"x","a":1},"geometry":{"type":"Point","coordinates":[60.7,56.07]}}"#
        let bad = [
            #"{"category":"x","a":1,"a":2}"#,                      // a repeated name
            #"{"category":"x","a":{"b":1,"b":2}}"#,                // repeated inside a skipped value
            #"{"a":{"b":1,"b":[1,}],"category":"x"}"#,             // the value's error comes first
            "{\"category\":\"x\",\"a\":\"\u{FF}\"}",                 // placeholder, replaced below by invalid UTF-8
            #"{"category":"x","a":"bad \q escape"}"#,
            #"{"category":"x","a":"\ud800 alone"}"#,
            #"{"category":"x","a":01}"#,
            #"{"category":"x","a":1.}"#,
            #"{"category":"x","a":NaN}"#,
            #"{"category":"x","a":[1,2,]}"#,
            #"{"category":"x","a":tru}"#,
            #"{"category":"x","a" 1}"#,
            #"{"category":"x",a:1}"#,
            #"{"category":"x","a":1,}"#,
            #"{"category":"x","\u00e9":1,"é":2}"#,                 // the same name, once escaped
            #"{"category":"x","a":"#.appending(String(repeating: "[", count: 200)) + String(repeating: "]", count: 200) + "}",
            #"{"category":"x","a":"unterminated}}]}"#,
        ]
        for (k, properties) in bad.enumerated() {
            var text = #"{"type":"FeatureCollection","features":["# + good + ",\n"
                + #"{"type":"Feature","properties":"# + properties + #","geometry":{"type":"Point","coordinates":[60.7,56.07]}}]}"#
            var bytes = Array(text.utf8)
            if k == 3, let i = bytes.firstIndex(of: 0xC3) { bytes[i] = 0xFF; bytes.remove(at: i + 1) }  // invalid UTF-8 in a skipped string
            text = ""
            var whole: String?
            do { _ = try GeoJSONReader(bytes: bytes, source: "t.geojson", coordinateCheck: .projected).readAll() } catch { whole = "\(error)" }
            #expect(whole != nil, "case \(k) must be an error")
            for format in RoutedAppealWriter.Format.allCases {
                let reader = try AppealBatchReader(bytes: bytes, format: .geojson, source: "t.geojson")
                var projected: String?
                do { _ = try router.routeBatch(from: reader, to: RoutedAppealWriter(format: format)) } catch { projected = "\(error)" }
                #expect(projected == whole, "case \(k), \(format) output")
            }
        }
    }
}
