import Foundation
import GeoCore
import Testing

/// `route --input` in projected CRSs: the file's `crs` member (wherever it stands) or
/// `--from-crs`, checked against the same appeals in lon/lat.
@Suite("batch routing in any CRS")
struct BatchCRSTests {
    static let rules = "fixtures/routing-rules.yaml"
    static let pulkovoZone11 = "+proj=tmerc +lat_0=0 +lon_0=63 +k=1 +x_0=11500000 +y_0=0 +ellps=krass "
        + "+towgs84=23.57,-140.95,-79.8,0,0.35,0.79,-0.22 +units=m +no_defs"

    struct Appeal {
        var id: String
        var lon: Double
        var lat: Double
        var category: String
    }

    static func appeals(_ path: String = "fixtures/geojson/appeals.geojson") throws -> [Appeal] {
        try GeoJSONReader(path: path).readAll().map { f in
            guard case .point(let p)? = f.geometry else { throw CocoaError(.fileReadCorruptFile) }
            return Appeal(id: f.id?.description ?? "", lon: p.x, lat: p.y, category: f.properties["category"]?.plainText ?? "")
        }
    }

    /// The appeals' coordinates in `crs`, transformed by PROJ here, independently of geoctl.
    static func projected(_ appeals: [Appeal], to crs: String) throws -> [(Double, Double)] {
        let t = try CoordinateTransformer(from: "EPSG:4326", to: crs)
        return try appeals.map { a in let p = try t.transform(x: a.lon, y: a.lat); return (p.x, p.y) }
    }

    /// A GeoJSON text with the `crs` member first or, as Python's json.dump writes it, last.
    static func geojson(_ appeals: [Appeal], _ xy: [(Double, Double)], crs: String?, crsLast: Bool) -> String {
        let features = zip(appeals, xy).map { a, p in
            "{\"type\":\"Feature\",\"id\":\"\(a.id)\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(p.0),\(p.1)]},\"properties\":{\"category\":\"\(a.category)\"}}"
        }.joined(separator: ",\n")
        let member = crs.map { "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"\($0)\"}}" }
        if crsLast, let member { return "{\"type\":\"FeatureCollection\",\"features\":[\n\(features)\n],\(member)}\n" }
        return "{\"type\":\"FeatureCollection\",\(member.map { $0 + "," } ?? "")\"features\":[\n\(features)\n]}\n"
    }

    static func csv(_ appeals: [Appeal], _ xy: [(Double, Double)]) -> String {
        "id,x,y,category\n" + zip(appeals, xy).map { a, p in "\(a.id),\(p.0),\(p.1),\(a.category)\n" }.joined()
    }

    /// (id, status, organisation id) per output row, for the rows whose point is not
    /// on or within metres of a border in the lon/lat reference: a round trip through a datum
    /// shift moves points by millimetres, which may carry a point across a border it lies on.
    static func decisions(_ csvText: String, comparable: Set<String>? = nil) -> [[String]] {
        csvText.split(separator: "\n").dropFirst().compactMap { line in
            let cells = parse(String(line))
            if let comparable, !comparable.contains(cells[1]) { return nil }
            // Not the feature: a point on a vertex two roads share may switch between equals.
            return [cells[1], cells[5], cells[7]]
        }
    }

    /// Ids of the reference rows routed away from any border.
    static func awayFromBorders(_ csvText: String) -> Set<String> {
        Set(csvText.split(separator: "\n").dropFirst().compactMap { line in
            let cells = parse(String(line))
            return cells[15].contains("border") ? nil : cells[1]
        })
    }

    /// CSV cells of one line (quoted cells hold commas).
    static func parse(_ line: String) -> [String] {
        var cells: [String] = [], cell = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() } else if c == "," && !quoted { cells.append(cell); cell = "" } else { cell.append(c) }
        }
        cells.append(cell)
        return cells
    }

    /// The fixture city moved by (dLon, dLat) degrees, written to `folder` (for CRSs whose area
    /// of use is elsewhere: S-JTSK Krovak covers Czechia and Slovakia only).
    static func shiftedCity(into folder: String, dLon: Double, dLat: Double) throws {
        func shift(_ flat: [Double]) -> [Double] { flat.enumerated().map { $0.offset % 2 == 0 ? $0.element + dLon : $0.element + dLat } }
        func shift(_ g: Geometry) -> Geometry {
            switch g {
            case .point(let p): return .point(Point(x: p.x + dLon, y: p.y + dLat))
            case .multiPoint(var m): m.coordinates = shift(m.coordinates); return .multiPoint(m)
            case .lineString(var l): l.coordinates = shift(l.coordinates); return .lineString(l)
            case .multiLineString(var m): m.coordinates = shift(m.coordinates); return .multiLineString(m)
            case .polygon(var p): p.coordinates = shift(p.coordinates); return .polygon(p)
            case .multiPolygon(var m):
                for i in m.polygons.indices { m.polygons[i].coordinates = shift(m.polygons[i].coordinates) }
                return .multiPolygon(m)
            case .geometryCollection(let members): return .geometryCollection(members.map(shift))
            }
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: "fixtures/geojson") where file.hasSuffix(".geojson") {
            let features = try GeoJSONReader(path: "fixtures/geojson/" + file).readAll().map { f in
                var moved = f
                moved.geometry = f.geometry.map(shift)
                return moved
            }
            try GeoJSONWriter.text(of: features).write(toFile: folder + "/" + file, atomically: true, encoding: .utf8)
        }
    }

    @Test("EPSG:5514 with the crs member after the features, Pulkovo 1942 Gauss-Krüger by --from-crs, UTM from a pipe: the same organisations as lon/lat")
    func projectedBatches() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let appeals = try Self.appeals()
        let lonLat = s.folder + "/lonlat.csv"
        try Self.csv(appeals, appeals.map { ($0.lon, $0.lat) }).write(toFile: lonLat, atomically: true, encoding: .utf8)
        let reference = try s.geoctl(["route", "--rules", Self.rules, "--input", lonLat, "--output", "-", "--lon-column", "x", "--lat-column", "y"])
        #expect(reference.status == 0, "\(reference.stderr)")
        let comparable = Self.awayFromBorders(reference.stdout)
        #expect(comparable.count > appeals.count * 9 / 10)
        let expected = Self.decisions(reference.stdout, comparable: comparable)
        #expect(expected.allSatisfy { $0[1] == "ok" })

        // Pulkovo 1942 Gauss-Krüger zone 11 as a PROJ string, CSV named by --from-crs.
        let gk = s.folder + "/gk.csv"
        try Self.csv(appeals, try Self.projected(appeals, to: Self.pulkovoZone11)).write(toFile: gk, atomically: true, encoding: .utf8)
        let g = try s.geoctl(["route", "--rules", Self.rules, "--input", gk, "--output", "-", "--lon-column", "x", "--lat-column", "y",
                              "--from-crs", Self.pulkovoZone11])
        #expect(g.status == 0, "\(g.stderr)")
        #expect(Self.decisions(g.stdout, comparable: comparable) == expected)

        // UTM zone 41N on standard input through a pipe, crs last: spooled, then honoured.
        let utm = Self.geojson(appeals, try Self.projected(appeals, to: "EPSG:32641"), crs: "urn:ogc:def:crs:EPSG::32641", crsLast: true)
        let u = try s.geoctl(["route", "--rules", Self.rules, "--input", "-", "--output", "-"], stdin: Data(utm.utf8))
        #expect(u.status == 0, "\(u.stderr)")
        #expect(Self.decisions(u.stdout, comparable: comparable) == expected)

        // GeoJSON output carries the same fields as CSV, typed, with WGS84 points.
        let utmFile = s.folder + "/utm.geojson"
        try utm.write(toFile: utmFile, atomically: true, encoding: .utf8)
        let out = s.folder + "/routed.geojson"
        let j = try s.geoctl(["route", "--rules", Self.rules, "--input", utmFile, "--output", out])
        #expect(j.status == 0, "\(j.stderr)")
        let routed = try GeoJSONReader(path: out).readAll()
        #expect(routed.count == appeals.count)
        let first = try #require(routed.first)
        for key in ["route_status", "route_organisation", "route_organisation_id", "route_phone", "route_email", "route_deadline_days",
                    "route_rule", "route_layer", "route_feature", "route_distance_m", "route_flags", "route_others", "route_error"] {
            #expect(first.properties[key] != nil, "missing \(key)")
        }
        if case .point(let p)? = first.geometry {
            #expect(abs(p.x - appeals[0].lon) < 1e-7 && abs(p.y - appeals[0].lat) < 1e-7)
        } else {
            Issue.record("the routed feature is not a WGS84 point")
        }
    }

    @Test("S-JTSK Krovak (EPSG:5514, negative coordinates) with the crs member written last: the same organisations as lon/lat")
    func krovak() throws {
        let s = try Scratch()
        let city = s.folder + "/czech"
        try FileManager.default.createDirectory(atPath: city, withIntermediateDirectories: true)
        // Krovak's area of use is Czechia and Slovakia: move the fixture city to Prague.
        try Self.shiftedCity(into: city, dLon: 14.42 - 60.73, dLat: 50.08 - 56.08)
        let imported = try s.geoctl(["import-dir", city, "--manifest", "fixtures/manifest.yaml"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let appeals = try Self.appeals(city + "/appeals.geojson")
        let lonLat = s.folder + "/lonlat.csv"
        try Self.csv(appeals, appeals.map { ($0.lon, $0.lat) }).write(toFile: lonLat, atomically: true, encoding: .utf8)
        let reference = try s.geoctl(["route", "--rules", Self.rules, "--input", lonLat, "--output", "-", "--lon-column", "x", "--lat-column", "y"])
        let comparable = Self.awayFromBorders(reference.stdout)
        #expect(comparable.count > appeals.count * 9 / 10)
        let expected = Self.decisions(reference.stdout, comparable: comparable)
        #expect(Set(expected.map { $0[2] }).count > 5, "the reference routes to many organisations")

        let xy = try Self.projected(appeals, to: "EPSG:5514")
        #expect(xy.allSatisfy { $0.0 < 0 && $0.1 < 0 })
        let krovak = s.folder + "/krovak.geojson"
        try Self.geojson(appeals, xy, crs: "EPSG:5514", crsLast: true).write(toFile: krovak, atomically: true, encoding: .utf8)
        let k = try s.geoctl(["route", "--rules", Self.rules, "--input", krovak, "--output", "-"])
        #expect(k.status == 0, "\(k.stderr)")
        #expect(Self.decisions(k.stdout, comparable: comparable) == expected)
        #expect(k.stderr.contains("transformed from EPSG:5514"))
    }

    @Test("every row outside lon/lat: the output is still written, exit 1, one line naming the likely cause")
    func allRowsFailOneWay() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let appeals = try Self.appeals()
        let utm = s.folder + "/utm.csv"
        try Self.csv(appeals, try Self.projected(appeals, to: "EPSG:32641")).write(toFile: utm, atomically: true, encoding: .utf8)
        let out = s.folder + "/out.csv"
        let r = try s.geoctl(["route", "--rules", Self.rules, "--input", utm, "--output", out, "--lon-column", "x", "--lat-column", "y"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("all \(appeals.count) rows lie outside lon/lat ranges: is the file in a projected CRS? name it with --from-crs"))
        let written = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(written.count == appeals.count + 1)

        let badCategory = s.folder + "/cat.csv"
        try "id,lon,lat,kind\n1,60.72309,56.07966,snow\n".write(toFile: badCategory, atomically: true, encoding: .utf8)
        let c = try s.geoctl(["route", "--rules", Self.rules, "--input", badCategory, "--output", "-", "--category-column", "kind2"])
        #expect(c.status == 1 && c.stderr.contains("no column \"kind2\""))
        let unreadable = try s.geoctl(["route", "--rules", Self.rules, "--input", s.folder + "/missing.csv", "--output", "-"])
        #expect(unreadable.status == 74 && unreadable.stderr.contains("missing.csv: cannot read"))
    }

    @Test("a crs member after the features: import and inspect honour it, from a file and from a pipe")
    func crsAfterFeatures() throws {
        let s = try Scratch()
        let appeals = try Self.appeals()
        let text = Self.geojson(appeals, try Self.projected(appeals, to: "EPSG:32641"), crs: "EPSG:32641", crsLast: true)
        let file = s.folder + "/utm-last.geojson"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let inspect = try Geoctl.run(["inspect", file])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("EPSG:32641"))
        let piped = try Geoctl.run(["inspect", "-"], stdin: Data(text.utf8))
        #expect(piped.status == 0 && piped.stdout.contains("EPSG:32641"), "\(piped.stderr)")
        let imported = try s.geoctl(["import", "-", "--layer", "appeals", "--kind", "other"], stdin: Data(text.utf8))
        #expect(imported.status == 0, "\(imported.stderr)")
        let box = try s.geoctl(["export", "appeals", "--bbox", "60.6,56.0,60.9,56.2", "--format", "csv"])
        #expect(box.stdout.split(separator: "\n").count == appeals.count + 1)
    }
}
