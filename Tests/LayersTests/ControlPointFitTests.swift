import Foundation
import Testing
import GeoCore
@testable import Layers
import TestSupport

/// `crs fit`: a local system recovered from control points, with honest residuals.
@Suite("Control-point fitting")
struct ControlPointFitTests {
    /// Points over a 15 km city in an МСК-like system (tmerc on Krasovsky, 7-parameter shift),
    /// with optional Gaussian noise (metres, each axis) on the local coordinates.
    static func points(count: Int, noise: Double = 0, seed: UInt64 = 1, definition: String = NamedCRSTests.msk) throws -> [ControlPoint] {
        var rng = SeededRandom(seed: seed)
        let to = try CoordinateTransformer(from: "EPSG:4326", to: definition)
        return try (0 ..< count).map { i in
            let lon = 60.62 + Double.random(in: 0 ... 0.24, using: &rng), lat = 56.02 + Double.random(in: 0 ... 0.13, using: &rng)
            let q = try to.transform(x: lon, y: lat)
            func gauss() -> Double {
                let u = Double.random(in: Double.ulpOfOne ..< 1, using: &rng), v = Double.random(in: 0 ..< 1, using: &rng)
                return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
            }
            return ControlPoint(id: "p\(i)", x: q.x + noise * gauss(), y: q.y + noise * gauss(), lon: lon, lat: lat)
        }
    }

    /// Metres between where the stored definition puts each point and its given lon/lat.
    static func errors(_ definition: String, _ points: [ControlPoint]) throws -> [Double] {
        let t = try CoordinateTransformer(from: definition, to: "EPSG:4326")
        return try points.map { p in
            Geodesic.wgs84.distance(from: try t.transform(x: p.x, y: p.y), to: Point(x: p.lon, y: p.lat))
        }
    }

    @Test("points from a known МСК-like definition fit back within 1 cm RMS, and the stored definition maps them within 1 cm")
    func exact() throws {
        let points = try Self.points(count: 12)
        let fit = try ControlPointFit(points: points)
        #expect(fit.rms <= 0.01, "RMS \(fit.rms)")
        #expect(fit.residuals.allSatisfy { !$0.isOutlier })
        let definition = fit.definition(extent: ControlPointFit.extent(of: points))
        // Points not used in the fit, over the same territory.
        let fresh = try Self.points(count: 20, seed: 99)
        #expect(try Self.errors(definition, fresh).max()! < 0.02)
        #expect(try Self.errors(definition, points).max()! < 0.02)
    }

    @Test("a rotated local grid is fitted too (as a PROJ pipeline)")
    func rotated() throws {
        // An МСК whose grid is turned by 0.0015 rad (5′) against the projection's axes.
        let base = try Self.points(count: 10, definition: "+proj=tmerc +lat_0=0 +lon_0=61.2 +k=0.9999 +x_0=1300000 +y_0=-5700000 +ellps=krass +towgs84=23.57,-140.95,-79.8,0,0.35,0.79,-0.22 +units=m +no_defs")
        let angle = 0.0015
        let points = base.map { p in
            ControlPoint(id: p.id, x: cos(angle) * p.x - sin(angle) * p.y, y: sin(angle) * p.x + cos(angle) * p.y, lon: p.lon, lat: p.lat)
        }
        let fit = try ControlPointFit(points: points)
        #expect(fit.rms <= 0.01, "RMS \(fit.rms)")
        let definition = fit.definition(extent: ControlPointFit.extent(of: points))
        #expect(definition.hasPrefix("+proj=pipeline"))
        #expect(try Self.errors(definition, points).max()! < 0.02)
    }

    @Test("5 m of noise gives an honest RMS of metres, not zero; a 60 m blunder is flagged as an outlier")
    func noisy() throws {
        let points = try Self.points(count: 30, noise: 5, seed: 7)
        let fit = try ControlPointFit(points: points)
        // Two axes of σ = 5 m: the residual distance's RMS is about 7 m, less the fitted parameters.
        #expect(fit.rms > 4 && fit.rms < 10, "RMS \(fit.rms)")
        var blunder = try Self.points(count: 10, seed: 3)
        blunder[4].x += 60
        let flagged = try ControlPointFit(points: blunder)
        #expect(flagged.residuals.filter(\.isOutlier).map(\.id) == ["p4"])
        #expect(flagged.rms > 10)
    }

    @Test("fewer than 3 points, or all in one place, is a clear error")
    func tooFew() throws {
        let two = Array(try Self.points(count: 2))
        #expect(throws: ControlPointError.tooFew(2)) { try ControlPointFit(points: two) }
        #expect("\(ControlPointError.tooFew(2))".contains("at least 3"))
        let same = [ControlPoint](repeating: two[0], count: 4)
        #expect(throws: ControlPointError.self) { try ControlPointFit(points: same) }
    }

    @Test("the control-point CSV: columns in any order, an id; a bad number names the line")
    func csv() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = folder + "/good.csv", bad = folder + "/bad.csv"
        try "id,lon,lat,x,y\nA,60.7,56.1,2293680.3,503741.9\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "x,y,lon,lat\n1,2,60.7,56.1\n1,zwei,60.7,56.1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(try ControlPoint.read(csv: good) == [ControlPoint(id: "A", x: 2293680.3, y: 503741.9, lon: 60.7, lat: 56.1)])
        #expect(throws: ControlPointError.file(bad, "line 3: y is not a number: \"zwei\"")) { try ControlPoint.read(csv: bad) }
    }
}
