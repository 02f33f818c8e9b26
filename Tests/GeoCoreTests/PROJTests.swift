import Foundation
import Testing
@testable import GeoCore
import TestSupport

@Suite("PROJ bindings")
struct PROJTests {
    @Test("WGS84 to and from a UTM zone without proj.db: the same doubles as PROJ's own pipeline from the database")
    func utmShortcut() throws {
        #expect(CoordinateTransformer.utmPipeline(from: "EPSG:4326", to: "EPSG:3857") == nil)
        #expect(CoordinateTransformer.utmPipeline(from: "EPSG:32641", to: "EPSG:3857") == nil)
        #expect(CoordinateTransformer.utmPipeline(from: "EPSG:4326", to: "EPSG:32661") == nil)
        for (zone, lon0, lat0) in [(32641, 61.4, 55.2), (32733, 15.0, -20.0), (32601, -177.0, 60.0), (32760, 177.0, -45.0)] {
            let utm = "EPSG:\(zone)"
            #expect(CoordinateTransformer.utmPipeline(from: "EPSG:4326", to: utm) != nil)
            // Points over the zone and beyond it, to the poles' side and across its edges.
            var lonLat: [Double] = []
            for a in stride(from: -6.0, through: 6.0, by: 0.37) {
                for b in stride(from: -30.0, through: 30.0, by: 1.3) { lonLat += [lon0 + a, max(-89.9, min(89.9, lat0 + b))] }
            }
            var metres: [Double] = []
            for (source, target) in [("EPSG:4326", utm), (utm, "EPSG:4326")] {
                let fast = try CoordinateTransformer(from: source, to: target)
                let database = try CoordinateTransformer(from: source, to: target, context: ProjContext(), shortcuts: false)
                var a = source == "EPSG:4326" ? lonLat : metres, b = a
                fast.transformMarkingFailures(flat: &a)
                database.transformMarkingFailures(flat: &b)
                #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(source) to \(target)")
                if source == "EPSG:4326" { metres = a.enumerated().map { $0.element.isFinite ? $0.element : (($0.offset % 2 == 0) ? 500_000 : 0) } }
            }
        }
    }

    @Test("the inverse of a transformer: within two units in the last place of a transformer made the other way, for UTM (no proj.db) and through proj.db")
    func inverse() throws {
        var lonLat: [Double] = []
        for lon in stride(from: 57.0, through: 66.0, by: 0.7) { for lat in stride(from: 50.0, through: 62.0, by: 0.9) { lonLat += [lon, lat] } }
        for target in ["EPSG:32641", "EPSG:28411", "EPSG:3857"] {
            let forward = try CoordinateTransformer(from: "EPSG:4326", to: target)
            var projected = lonLat
            try forward.transform(flat: &projected)
            var back = projected, expected = projected
            try forward.transform(flat: &back, inverse: true)
            try CoordinateTransformer(from: target, to: "EPSG:4326").transform(flat: &expected)
            for i in back.indices {
                #expect(abs(back[i] - expected[i]) <= 2 * expected[i].ulp, "\(target): \(back[i]) against \(expected[i])")
                #expect(abs(back[i] - lonLat[i]) < 1e-8, "\(target)")   // 28411's datum shift round trip: 5e-9°
            }
            let line = Geometry.lineString(LineString(coordinates: Array(projected.prefix(8))))
            guard case .lineString(let l) = try forward.transform(line, inverse: true) else { Issue.record("not a line"); continue }
            #expect(l.coordinates.map(\.bitPattern) == back.prefix(8).map(\.bitPattern))
        }
    }

    @Test("lon/lat order whatever the CRS's official axis order: WGS84 to Web Mercator by formula")
    func webMercator() throws {
        let t = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:3857")
        let p = try t.transform(x: 60, y: 56.08)
        let radius = 6_378_137.0
        #expect(abs(p.x - radius * 60 * .pi / 180) < 1e-6)
        #expect(abs(p.y - radius * log(tan(.pi / 4 + 56.08 * .pi / 360))) < 1e-6)
    }

    @Test("batch transform to the local UTM zone and back is exact to a micrometre of a degree")
    func batchRoundTrip() throws {
        let box = BoundingBox(minX: 60.6, minY: 56.0, maxX: 60.9, maxY: 56.2)
        let zone = UTMZone(for: box)
        #expect(zone.epsgCode == 32641)
        #expect(zone.centralMeridian == 63)
        let forward = try CoordinateTransformer(from: "EPSG:4326", to: zone.crsName)
        let back = try CoordinateTransformer(from: zone.crsName, to: "EPSG:4326")
        var rng = SeededRandom(seed: 3)
        var flat: [Double] = []
        for _ in 0 ..< 1000 {
            flat.append(Double.random(in: 60.6 ... 60.9, using: &rng))
            flat.append(Double.random(in: 56.0 ... 56.2, using: &rng))
        }
        var metres = flat
        try forward.transform(flat: &metres)
        #expect(metres[0] > 300_000 && metres[0] < 500_000 && metres[1] > 6_200_000 && metres[1] < 6_250_000)
        try back.transform(flat: &metres)
        for i in flat.indices { #expect(abs(flat[i] - metres[i]) < 1e-9) }
    }

    @Test("UTM distances in the city agree with the geodesic to the zone's scale error")
    func projectedVersusGeodesic() throws {
        let a = Point(lon: 60.70, lat: 56.06), b = Point(lon: 60.76, lat: 56.10)
        let t = try CoordinateTransformer(from: "EPSG:4326", to: "EPSG:32641")
        let pa = try t.transform(x: a.x, y: a.y), pb = try t.transform(x: b.x, y: b.y)
        let planar = ((pa.x - pb.x) * (pa.x - pb.x) + (pa.y - pb.y) * (pa.y - pb.y)).squareRoot()
        let geodesic = Geodesic.wgs84.distance(from: a, to: b)
        #expect(geodesic > 5000 && geodesic < 6000)
        // Transverse Mercator scale at the mid-point: k = k0 (1 + (Δλ cos φ)² / 2), k0 = 0.9996.
        let dLambda = (60.73 - 63) * Double.pi / 180, phi = 56.08 * Double.pi / 180
        let k = 0.9996 * (1 + pow(dLambda * cos(phi), 2) / 2)
        #expect(abs(planar / geodesic - k) < 0.00002, "\(planar / geodesic) vs \(k)")
    }

    @Test("Russian local systems: Pulkovo 1942 / Gauss-Krüger zone 11 by EPSG code and by PROJ string")
    func pulkovo() throws {
        let byCode = try CoordinateTransformer(from: "EPSG:28411", to: "EPSG:4326")
        let p = try byCode.transform(x: 11_358_000, y: 6_218_000)
        #expect(p.x > 60.6 && p.x < 60.9 && p.y > 56 && p.y < 56.2, "\(p)")
        let byString = try CoordinateTransformer(
            from: "+proj=tmerc +lat_0=0 +lon_0=63 +k=1 +x_0=11500000 +y_0=0 +ellps=krass +towgs84=23.57,-140.95,-79.8,0,0.35,0.79,-0.22 +units=m +no_defs",
            to: "EPSG:4326")
        let q = try byString.transform(x: 11_358_000, y: 6_218_000)
        #expect(abs(p.x - q.x) < 1e-4 && abs(p.y - q.y) < 1e-4)
    }

    @Test("an unknown CRS is a clear error with PROJ's own message")
    func unknownCRS() {
        do {
            _ = try CoordinateTransformer(from: "EPSG:999999", to: "EPSG:4326")
            Issue.record("accepted an unknown CRS")
        } catch {
            guard case .unknownCRS(let name, let reason) = error else { Issue.record("\(error)"); return }
            #expect(name == "EPSG:999999")
            #expect(reason.contains("not found"), "\(reason)")
            #expect(error.description.contains("unknown coordinate reference system"))
        }
        #expect(throws: ProjError.self) { try CoordinateTransformer.validate(crs: "not a crs at all") }
    }

    @Test("a point outside a projection's domain fails with a message, not a silent infinity")
    func outOfDomain() {
        let t = try? CoordinateTransformer(from: "EPSG:4326", to: "EPSG:3857")
        #expect(t != nil)
        #expect(throws: ProjError.self) { _ = try t?.transform(x: 0, y: 91) }
    }
}

@Suite("Metric CRS check")
struct MetricCRSTests {
    @Test("projected CRSs in metres pass; geographic ones and feet are refused with the reason")
    func requireMetric() throws {
        for name in ["EPSG:32641", "EPSG:28412", "EPSG:3857", "+proj=tmerc +lon_0=61 +ellps=krass +units=m"] {
            try CoordinateTransformer.requireMetric(crs: name)
        }
        #expect(throws: ProjError.self) { try CoordinateTransformer.requireMetric(crs: "EPSG:4326") }
        do {
            try CoordinateTransformer.requireMetric(crs: "EPSG:4326")
        } catch {
            #expect("\(error)".contains("not a projected CRS"))
        }
        do {
            try CoordinateTransformer.requireMetric(crs: "EPSG:2263")   // NAD83 / New York Long Island (ftUS)
            Issue.record("a CRS in US feet was accepted")
        } catch {
            #expect("\(error)".contains("not metres"), "\(error)")
        }
    }
}
