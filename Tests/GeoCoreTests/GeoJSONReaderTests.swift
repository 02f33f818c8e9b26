import Foundation
import Testing
@testable import GeoCore
import TestSupport

@Suite("GeoJSON reader")
struct GeoJSONReaderTests {
    @Test("every RFC 7946 geometry type, as bare geometries")
    func everyGeometryType() throws {
        let cases: [(String, Geometry)] = [
            (#"{"type":"Point","coordinates":[60.7,56.1]}"#, .point(Point(x: 60.7, y: 56.1))),
            (#"{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}"#, .multiPoint(MultiPoint(coordinates: [1, 2, 3, 4]))),
            (#"{"type":"LineString","coordinates":[[1,2],[3,4],[5,6]]}"#, .lineString(LineString(coordinates: [1, 2, 3, 4, 5, 6]))),
            (#"{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8],[9,10]]]}"#,
             .multiLineString(MultiLineString(coordinates: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], lineStarts: [0, 2]))),
            (#"{"type":"Polygon","coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[2,2]]]}"#,
             .polygon(Polygon(rings: [[0, 0, 10, 0, 10, 10, 0, 10, 0, 0], [2, 2, 2, 4, 4, 4, 2, 2]]))),
            (#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}"#,
             .multiPolygon(MultiPolygon(polygons: [Polygon(rings: [[0, 0, 1, 0, 1, 1, 0, 0]]),
                                                   Polygon(rings: [[5, 5, 6, 5, 6, 6, 5, 5]])]))),
            (#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"GeometryCollection","geometries":[]}]}"#,
             .geometryCollection([.point(Point(x: 1, y: 2)), .geometryCollection([])])),
        ]
        for (text, expected) in cases {
            let features = try readAll(text)
            #expect(features.count == 1)
            #expect(features[0].geometry == expected, "\(text)")
            #expect(features[0].id == nil && features[0].properties.isEmpty)
        }
    }

    @Test("members in any order, foreign members skipped, null geometry and properties")
    func memberOrder() throws {
        let text = #"""
        {"features":[
          {"geometry":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"bbox":[0,0,1,1],"type":"Polygon","extra":{"a":[1,{"b":null}]}},
           "properties":null,"type":"Feature","id":"a-1","foreign":[true,false,null,"x",-1.5e-3]},
          {"type":"Feature","geometry":null,"properties":{"k":1},"id":42},
          {"type":"Feature","id":4.5,"properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}
        ],"type":"FeatureCollection","name":"layer","bbox":[0,0,1,1]}
        """#
        let features = try readAll(text)
        #expect(features.count == 3)
        #expect(features[0].id == .string("a-1"))
        #expect(features[0].properties.isEmpty)
        #expect(features[0].geometry?.kind == .polygon)
        #expect(features[1].id == .integer(42))
        #expect(features[1].geometry == nil)
        #expect(features[1].properties["k"] == .integer(1))
        #expect(features[2].id == .number(4.5))
    }

    @Test("properties: escapes, surrogate pairs, Cyrillic, exponents, nesting, key order")
    func properties() throws {
        let text = #"""
        {"type":"Feature","geometry":null,"properties":{
          "имя":"\u0416\u0443\u043a \"жук\"\n\t\\/\/",
          "emoji":"\ud83d\ude00 ok",
          "big":12345678901234567890, "neg":-9223372036854775808, "exp":1.5E+3, "tiny":-2.5e-7, "zero":-0.0,
          "int":7, "float":7.0, "list":[1,"a",[null,true]], "obj":{"b":2,"a":1}, "empty":"", "f":false
        }}
        """#
        let f = try #require(try readAll(text).first)
        #expect(f.properties["имя"] == .string("Жук \"жук\"\n\t\\//"))
        #expect(f.properties["emoji"] == .string("😀 ok"))
        #expect(f.properties["big"] == .number(12345678901234567890.0))
        #expect(f.properties["neg"] == .integer(Int64.min))
        #expect(f.properties["exp"] == .number(1500))
        #expect(f.properties["tiny"] == .number(-2.5e-7))
        #expect(f.properties["zero"]?.doubleValue == 0)
        #expect(f.properties["int"] == .integer(7))
        #expect(f.properties["float"] == .number(7))
        #expect(f.properties["list"] == .array([.integer(1), .string("a"), .array([.null, .bool(true)])]))
        #expect(f.properties["obj"] == .object(["b": .integer(2), "a": .integer(1)]))
        #expect(f.properties.keys == ["имя", "emoji", "big", "neg", "exp", "tiny", "zero", "int", "float", "list", "obj", "empty", "f"])
    }

    @Test("numbers convert exactly like the C library's strtod")
    func numbersMatchStrtod() throws {
        var rng = SeededRandom(seed: 7)
        var texts: [String] = ["0", "-0", "1e-300", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                               "0.1", "0.30000000000000004", "123456789012345678901234567890", "60.7312345",
                               "9007199254740993", "1e22", "1e23", "-56.0000001", "3.141592653589793238462643"]
        for _ in 0 ..< 3000 {
            let digits = Int.random(in: 1 ... 19, using: &rng)
            let mantissa = (0 ..< digits).map { _ in String(Int.random(in: 0 ... 9, using: &rng)) }.joined()
            let point = Int.random(in: 0 ... digits, using: &rng)
            var t = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if t.hasPrefix(".") { t = "0" + t }
            if t.hasSuffix(".") { t += "0" }
            while t.count > 1 && t.hasPrefix("0") && !t.hasPrefix("0.") { t.removeFirst() }
            if Bool.random(using: &rng) { t += "e\(Int.random(in: -30 ... 30, using: &rng))" }
            texts.append(Bool.random(using: &rng) ? "-" + t : t)
        }
        let json = #"{"type":"Feature","geometry":null,"properties":{"v":["# + texts.joined(separator: ",") + "]}}"
        let f = try #require(try readAll(json).first)
        guard case .array(let values)? = f.properties["v"] else { Issue.record("no array"); return }
        #expect(values.count == texts.count)
        for (text, value) in zip(texts, values) {
            let expected = strtod(text, nil)
            #expect(value.doubleValue == expected, "\(text)")
        }
    }

    @Test("Z and M values are accepted and dropped, and reported")
    func zValues() throws {
        let reader = GeoJSONReader(string: #"{"type":"LineString","coordinates":[[1,2,100],[3,4,200.5,7]]}"#)
        let f = try #require(try reader.next())
        #expect(f.geometry == .lineString(LineString(coordinates: [1, 2, 3, 4])))
        #expect(reader.sawZ)
        let flat = GeoJSONReader(string: #"{"type":"Point","coordinates":[1,2]}"#)
        _ = try flat.next()
        #expect(!flat.sawZ)
    }

    @Test("legacy crs member: EPSG, URN, OGC URL, CRS84, old-style code", arguments: [
        ("EPSG:3857", LegacyCRS.epsg(3857)),
        ("urn:ogc:def:crs:EPSG::28412", .epsg(28412)),
        ("urn:ogc:def:crs:EPSG:6.6:4326", .epsg(4326)),
        ("http://www.opengis.net/def/crs/EPSG/0/32641", .epsg(32641)),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", .crs84),
        ("+proj=tmerc +lat_0=0 +lon_0=69 +k=1 +x_0=12500000 +y_0=0 +ellps=krass", .other("+proj=tmerc +lat_0=0 +lon_0=69 +k=1 +x_0=12500000 +y_0=0 +ellps=krass")),
    ])
    func legacyCRS(name: String, expected: LegacyCRS) throws {
        let text = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"\#(name)"}},"features":[]}"#
        let reader = GeoJSONReader(string: text)
        #expect(try reader.next() == nil)
        #expect(reader.legacyCRS == expected)
        let old = GeoJSONReader(string: #"{"type":"FeatureCollection","crs":{"type":"EPSG","properties":{"code":28412}},"features":[]}"#)
        _ = try old.readAll()
        #expect(old.legacyCRS == .epsg(28412))
    }

    @Test("a projected legacy crs turns off the lon/lat range check, not the plausibility check")
    func projectedCoordinates() throws {
        let projected = #"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:28412"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[12345678.5,6213456.25]}}]}"#
        let f = try readAll(projected)
        #expect(f[0].geometry == .point(Point(x: 12345678.5, y: 6213456.25)))
        let absurd = projected.replacingOccurrences(of: "12345678.5", with: "1e12")
        #expect(readError(absurd)?.reason.contains("implausibly large") == true)
        let forced = GeoJSONReader(string: projected, coordinateCheck: .wgs84)
        #expect(throws: GeoJSONError.self) { try forced.readAll() }
    }

    @Test("a UTF-8 byte order mark and CRLF line endings are accepted; lines still count")
    func bomAndCRLF() throws {
        let text = "\u{FEFF}{\"type\":\"FeatureCollection\",\r\n\"features\":[\r\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}},\r\n{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,x]}}]}"
        let error = try #require(readError(text))
        #expect(error.line == 4)
        #expect(error.featureIndex == 1)
        let ok = try readAll(text.replacingOccurrences(of: "[1,x]", with: "[1,3]"))
        #expect(ok.count == 2)
    }

    @Test("the sample city reads completely")
    func sampleCity() throws {
        let expectations = ["city": 1, "territories": 30, "districts": 5, "precincts": 4, "sites": 60,
                            "appeals": 200, "roads": 13, "institutions": 20, "earthworks": 11, "outages": 5, "repairs": 2]
        for (name, count) in expectations {
            #expect(try Fixtures.features(name).count == count, "\(name)")
        }
        let buildings = try Fixtures.features("buildings")
        #expect(buildings.count > 250)
        #expect(buildings.allSatisfy { $0.geometry?.kind == .polygon })
        let territories = try Fixtures.features("territories")
        #expect(territories.contains { $0.geometry?.kind == .multiPolygon })
        #expect(territories.contains { ($0.geometry?.polygons.first?.ringCount ?? 0) > 1 })
    }

    @Test("streaming from a pipe gives the same features as reading from memory, across refills")
    func streamingFromPipe() throws {
        // Long strings and many numbers make tokens straddle the pipe's read boundaries,
        // and one string longer than the 1 MiB buffer forces it to grow.
        var text = #"{"type":"FeatureCollection","features":["#
        for i in 0 ..< 3000 {
            if i > 0 { text += "," }
            let long = String(repeating: "ж", count: i == 1500 ? 700_000 : i % 97)
            text += #"{"type":"Feature","id":\#(i),"properties":{"s":"\#(long)","n":\#(Double(i) * 1.000001)},"geometry":{"type":"LineString","coordinates":[[\#(60 + Double(i) / 1e4),56.1234567],[60.5,-12.25e-1]]}}"#
        }
        text += "]}"
        let expected = try readAll(text)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let bytes = Array(text.utf8)
        let writeEnd = fds[1]
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let chunk = min(4093, bytes.count - offset)
                let n = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, chunk) }
                if n <= 0 { break }
                offset += n
            }
            close(writeEnd)
        }
        writer.start()
        let reader = GeoJSONReader(fileDescriptor: fds[0], source: "<pipe>", closeWhenDone: true)
        let streamed = try reader.readAll()
        #expect(streamed.count == 3000)
        #expect(streamed == expected)
        #expect(reader.bytesRead == bytes.count)
    }
}

@Suite("legacy crs member wherever it stands")
struct TrailingCRSTests {
    @Test("a crs member after the features is known before the first feature, in memory and in a file")
    func crsLast() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"note":"crs"},"geometry":{"type":"Point","coordinates":[545612.3,6213000.5]}}],"crs":{"type":"name","properties":{"name":"EPSG:32641"}}}"#
        let memory = GeoJSONReader(string: text)
        let first = try #require(try memory.next())
        #expect(memory.legacyCRS == .epsg(32641))
        #expect(!memory.legacyCRSAfterFeatures)
        #expect(first.geometry == .point(Point(x: 545612.3, y: 6213000.5)))
        #expect(try memory.next() == nil)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crs-last-\(UUID().uuidString).geojson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let file = try GeoJSONReader(path: path)
        _ = try file.readAll()
        #expect(file.legacyCRS == .epsg(32641))

        // The bytes "crs" inside a property value are not a member: WGS84 stays, and the
        // out-of-range longitude is still an error.
        let decoy = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"\"crs\"":1},"geometry":{"type":"Point","coordinates":[545612.3,62.5]}}]}"#
        #expect(throws: GeoJSONError.self) { try GeoJSONReader(string: decoy).readAll() }
    }

    @Test("\"crs\": null after the features names no CRS: nothing was read too late")
    func nullCRSLast() throws {
        let text = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[60.7,56.1]}}],"crs":null}"#
        let reader = GeoJSONReader(string: text)
        #expect(try reader.readAll().count == 1)
        #expect(reader.legacyCRS == nil)
        #expect(!reader.legacyCRSAfterFeatures)
    }
}
