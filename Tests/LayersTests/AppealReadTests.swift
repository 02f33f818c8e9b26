import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Reading appeals fast")
struct AppealReadTests {
    /// Every per-appeal array and the problems, for comparing two loads.
    static func same(_ a: AppealSet, _ b: AppealSet) -> Bool {
        func eq(_ x: [Double], _ y: [Double]) -> Bool { x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } }
        return Array(a.ids) == Array(b.ids) && eq(a.lon, b.lon) && eq(a.lat, b.lat) && eq(a.x, b.x) && eq(a.y, b.y)
            && a.categories == b.categories && a.category == b.category && eq(a.created, b.created) && eq(a.closed, b.closed)
            && a.status == b.status && eq(a.deadlineDays, b.deadlineDays) && a.problems == b.problems
            && a.featuresRead == b.featuresRead && a.zone.name == b.zone.name && a.crs == b.crs && a.latest == b.latest
    }

    @Test("appeals read from the store (SpatiaLite: X/Y from the geometry BLOB, text as bytes) equal the same features read in memory",
          arguments: StoreKind.available)
    func storeEqualsMemory(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        try t.importLayer(AppealFixture.path, "year")
        let fromStore = try AppealSet.load(from: t.store, layer: "year", options: AppealLoadOptions())
        let inMemory = try AppealFixture.appeals()
        #expect(fromStore.count == 2000 && inMemory.count == 2000)
        #expect(Self.same(fromStore, inMemory))
        #expect(fromStore.ids[0] == "1" && fromStore.status.contains("closed"))
    }

    @Test("odd rows read the same from the store as in memory: text and numeric ids, no geometry, a polygon, bad, empty and numeric timestamps, booleans",
          arguments: StoreKind.available)
    func oddRows(kind: StoreKind) throws {
        let t = try TemporaryStore(kind)
        func point(_ x: Double, _ y: Double) -> Geometry { .point(Point(x: x, y: y)) }
        var features: [Feature] = []
        let created = ["2024-03-05T14:23:11+05:00", "2024-03-05 14:23", "2024-03-05T09:23:11Z", "2024-02-30T10:00:00+05:00",
                       "", "03/05/2024", "2024-03-05T24:00:00Z", "2024-03-05T14:23:11.5+05:00", "2024-03-05T14:23:60Z", "2024-03-05T14:23:11+0500"]
        for (k, c) in created.enumerated() {
            features.append(Feature(id: k % 3 == 0 ? .string("a\(k)") : k % 3 == 1 ? .integer(Int64(100 + k)) : nil,
                                    geometry: point(60.6 + Double(k) / 100, 56.1),
                                    properties: ["id": .integer(Int64(k)), "category": k == 6 ? .string("") : .string(k % 2 == 0 ? "свет" : "мусор"),
                                                 "created": .string(c), "closed": k == 2 ? .string("2024-03-06T09:00:00Z") : k == 5 ? .string("soon") : .string(""),
                                                 "status": .string(k % 2 == 0 ? "closed" : "open"), "deadline_days": .integer(Int64(k)), "urgent": .bool(k % 2 == 0)]))
        }
        features.append(Feature(id: nil, geometry: nil, properties: ["id": .integer(50), "category": .string("x"), "created": .string(created[0])]))
        features.append(Feature(id: nil, geometry: .polygon(Polygon(rings: [[60.6, 56.1, 60.61, 56.1, 60.61, 56.11, 60.6, 56.1]])),
                                properties: ["id": .integer(51), "category": .string("x"), "created": .string(created[0])]))
        let path = try t.write(features, name: "odd.geojson")
        try t.importLayer(path, "odd")
        var options = AppealLoadOptions()
        options.fields.deadlineDays = "urgent"
        for o in [AppealLoadOptions(), options] {
            let fromStore = try AppealSet.load(from: t.store, layer: "odd", options: o)
            let inMemory = try AppealSet.load(features: try t.features("odd"), layer: "odd", options: o)
            #expect(Self.same(fromStore, inMemory), "\(fromStore.problems) vs \(inMemory.problems)")
            #expect(fromStore.problems.contains { $0.field == "created" && $0.count == 3 && $0.examples.contains { $0.hasSuffix(": 2024-02-30T10:00:00+05:00") } })
        }
    }

    @Test("SpatiaLite's point BLOB read from its bytes equals X(geom), Y(geom) for every appeal; other geometries read as no point")
    func blobEqualsSpatiaLite() throws {
        let t = try TemporaryStore(.spatiaLite)
        try t.importLayer(AppealFixture.path, "year")
        try t.importLayer(Fixtures.city("territories"), "territories")
        let db = try #require(t.spatiaLite).db
        for layer in ["year", "territories"] {
            let statement = try db.prepare("SELECT X(geom), Y(geom), geom FROM \(layer)")
            var rows = 0
            while try statement.step() {
                rows += 1
                let point = statement.withBlob(2) { SpatiaLiteBlob.point($0) } ?? nil
                let x = statement.double(0), y = statement.double(1)
                #expect(point?.x == x && point?.y == y)
            }
            #expect(rows > 0)
        }
        // An XYZ blob made by SpatiaLite itself, and the same in big-endian byte order.
        let blob = try #require(try db.rows("SELECT GeomFromText('POINT Z(1.5 -2.25 7)', 4326)").first?.first)
        guard case .blob(let bytes) = blob else { Issue.record("no blob"); return }
        #expect(bytes.count == 68 && bytes.withUnsafeBytes { SpatiaLiteBlob.point($0) }.map { [$0.x, $0.y] } == [1.5, -2.25])
        var big = bytes
        big[1] = 0x00
        for o in [2, 39] { big[o ..< o + 4].reverse() }
        for o in stride(from: 6, to: 38, by: 8) { big[o ..< o + 8].reverse() }
        for o in stride(from: 43, to: 67, by: 8) { big[o ..< o + 8].reverse() }
        #expect(big.withUnsafeBytes { SpatiaLiteBlob.point($0) }.map { [$0.x, $0.y] } == [1.5, -2.25])
        let line = try #require(try db.rows("SELECT GeomFromText('LINESTRING(1 2, 3 4)', 4326)").first?.first)
        guard case .blob(let lineBytes) = line else { Issue.record("no blob"); return }
        #expect(lineBytes.withUnsafeBytes { SpatiaLiteBlob.point($0) } == nil)
    }

    @Test("the fixed-position ISO 8601 path gives the general parser's answer for 200,000 generated timestamps, valid and not")
    func isoFastEqualsGeneral() throws {
        var rng = SeededRandom(seed: 14)
        let utc = try AppealTimestampParser(layout: nil, zone: AppealTimeZone("UTC"))
        var fastTaken = 0
        for k in 0 ..< 200_000 {
            func two(_ max: Int) -> String { String(format: "%02d", Int.random(in: 0 ... max, using: &rng)) }
            var text = String(format: "%04d", Int.random(in: 1890 ... 2100, using: &rng)) + "-" + two(13) + "-" + two(32)
                + (Bool.random(using: &rng) ? "T" : " ") + two(25) + ":" + two(61) + ":" + two(61)
            switch k % 5 {
            case 0: text += "Z"
            case 1: text += (Bool.random(using: &rng) ? "+" : "-") + two(20) + ":" + two(61)
            case 2: break
            case 3: text += ["z", "+05", "+0500", ".5Z", " "].randomElement(using: &rng)!
            default:
                // A byte changed anywhere.
                var bytes = Array(text.utf8)
                bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = [UInt8(ascii: "x"), 0x2F, 0x3A, 0x20, 0x39].randomElement(using: &rng)!
                text = String(decoding: bytes, as: UTF8.self)
            }
            var copy = text
            let (fast, general) = copy.withUTF8 { (AppealTimestampParser.isoFast($0), AppealTimestampParser.isoGeneral($0)) }
            if let fast {
                fastTaken += 1
                #expect(fast.0 == general?.0 && fast.1 == general?.1, "\(text)")
            }
            #expect(utc.parse(text) == general.map { $0.0 - Double($0.1 ?? 0) }, "\(text)")
        }
        #expect(fastTaken > 20_000)
    }
}
