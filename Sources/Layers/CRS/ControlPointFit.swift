import GeoCore

/// A local transverse Mercator fitted to control points by least squares: what an office
/// holding its МСК only as points (x, y with their WGS84 lon/lat) can register as a named CRS.
///
/// The model: a transverse Mercator on the WGS84 ellipsoid (central meridian `lon_0`, scale
/// 1, no false origin), followed by a 2-D similarity (Helmert: scale, rotation, shift) into
/// the local x/y. Over a city this is the classic МСК (transverse Mercator on Krasovsky with
/// a Helmert shift to WGS84): the datum shift and ellipsoid change are, within tens of
/// kilometres, a shift, a rotation and a scale to well under a millimetre. For each candidate
/// `lon_0` the similarity is solved in closed form; `lon_0` itself is found by golden-section
/// search within ±3° of the points' mean longitude, since the central meridian shows only in
/// the second-order growth of the scale away from it.
public struct ControlPointFit: Sendable {
    /// One point's misfit: fitted minus given local position, in metres.
    public struct Residual: Sendable {
        public var id: String
        public var dx: Double
        public var dy: Double
        public var distance: Double { (dx * dx + dy * dy).squareRoot() }
        /// Far beyond the others (more than 3 times the RMS of the rest and over 1 cm).
        public var isOutlier: Bool
    }

    public let centralMeridian: Double
    /// The similarity from (E, N) of the tmerc to local (x, y): x = a·E − b·N + tx, y = b·E + a·N + ty.
    public let a: Double, b: Double, tx: Double, ty: Double
    public let residuals: [Residual]
    /// Root mean square of the residual distances, in metres.
    public let rms: Double

    public var scale: Double { (a * a + b * b).squareRoot() }
    /// Rotation of the local axes, in arc seconds.
    public var rotationArcSeconds: Double { atan2(b, a) * 180 / .pi * 3600 }

    /// Fits the points; at least 3, not all in one place.
    public init(points: [ControlPoint]) throws {
        guard points.count >= 3 else { throw ControlPointError.tooFew(points.count) }
        let meanLon = points.map(\.lon).reduce(0, +) / Double(points.count)
        var best = try Self.solve(points, lon0: meanLon)
        if points.count >= 3 {
            // Golden-section search for the central meridian.
            var lo = meanLon - 3, hi = meanLon + 3
            let g = (5.0.squareRoot() - 1) / 2
            var c = hi - g * (hi - lo), d = lo + g * (hi - lo)
            var fc = try Self.solve(points, lon0: c), fd = try Self.solve(points, lon0: d)
            for _ in 0 ..< 60 where hi - lo > 1e-7 {
                if fc.sumSquares < fd.sumSquares {
                    hi = d; d = c; fd = fc
                    c = hi - g * (hi - lo); fc = try Self.solve(points, lon0: c)
                } else {
                    lo = c; c = d; fc = fd
                    d = lo + g * (hi - lo); fd = try Self.solve(points, lon0: d)
                }
            }
            let found = fc.sumSquares < fd.sumSquares ? fc : fd
            // Keep the mean longitude unless the search is clearly better (1 mm² per point).
            if found.sumSquares < best.sumSquares - 1e-6 * Double(points.count) { best = found }
        }
        centralMeridian = best.lon0
        (a, b, tx, ty) = (best.a, best.b, best.tx, best.ty)
        let distances = best.residuals.map { ($0.dx * $0.dx + $0.dy * $0.dy) }
        let total = distances.reduce(0, +)
        rms = (total / Double(points.count)).squareRoot()
        residuals = zip(points, best.residuals).enumerated().map { i, pair in
            let others = points.count > 1 ? ((total - distances[i]) / Double(points.count - 1)).squareRoot() : 0
            let d = distances[i].squareRoot()
            return Residual(id: pair.0.id, dx: pair.1.dx, dy: pair.1.dy, isOutlier: points.count >= 4 && d > 0.01 && d > 3 * others)
        }
    }

    private struct Solution {
        var lon0: Double, a: Double, b: Double, tx: Double, ty: Double
        var residuals: [(dx: Double, dy: Double)]
        var sumSquares: Double
    }

    static func tmerc(_ lon0: Double) -> String {
        "+proj=tmerc +lat_0=0 +lon_0=\(lon0) +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    }

    private static func solve(_ points: [ControlPoint], lon0: Double) throws -> Solution {
        let t = try CoordinateTransformer(from: "EPSG:4326", to: tmerc(lon0))
        var flat: [Double] = []
        for p in points { flat += [p.lon, p.lat] }
        try t.transform(flat: &flat)
        let n = Double(points.count)
        var me = 0.0, mn = 0.0, mx = 0.0, my = 0.0
        for (i, p) in points.enumerated() { me += flat[2 * i]; mn += flat[2 * i + 1]; mx += p.x; my += p.y }
        me /= n; mn /= n; mx /= n; my /= n
        var see = 0.0, sa = 0.0, sb = 0.0, spread = 0.0
        for (i, p) in points.enumerated() {
            let e = flat[2 * i] - me, nn = flat[2 * i + 1] - mn, u = p.x - mx, v = p.y - my
            see += e * e + nn * nn
            sa += e * u + nn * v
            sb += e * v - nn * u
            spread += u * u + v * v
        }
        guard see > 1e-6, spread > 1e-6 else { throw ControlPointError.degenerate("all points are in one place") }
        let a = sa / see, b = sb / see
        let tx = mx - a * me + b * mn, ty = my - b * me - a * mn
        var residuals: [(dx: Double, dy: Double)] = []
        var ss = 0.0
        for (i, p) in points.enumerated() {
            let e = flat[2 * i], nn = flat[2 * i + 1]
            let dx = a * e - b * nn + tx - p.x, dy = b * e + a * nn + ty - p.y
            residuals.append((dx, dy))
            ss += dx * dx + dy * dy
        }
        return Solution(lon0: lon0, a: a, b: b, tx: tx, ty: ty, residuals: residuals, sumSquares: ss)
    }

    /// The fitted system as a definition PROJ reads: a plain transverse Mercator CRS when the
    /// rotation is negligible (under 1 mm across `extent` metres), otherwise a PROJ pipeline
    /// from local x/y to WGS84 lon/lat in degrees.
    public func definition(extent: Double) -> String {
        let d = a * a + b * b
        if abs(atan2(b, a)) * max(extent, 1) < 0.001 {
            return "+proj=tmerc +lat_0=0 +lon_0=\(centralMeridian) +k=\(scale) +x_0=\(tx) +y_0=\(ty) +ellps=WGS84 +units=m +no_defs"
        }
        let s11 = a / d, s12 = b / d, s21 = -b / d, s22 = a / d
        let xoff = -(s11 * tx + s12 * ty), yoff = -(s21 * tx + s22 * ty)
        return "+proj=pipeline +step +proj=affine +xoff=\(xoff) +yoff=\(yoff) +s11=\(s11) +s12=\(s12) +s21=\(s21) +s22=\(s22)"
            + " +step +inv +proj=tmerc +lat_0=0 +lon_0=\(centralMeridian) +k=1 +x_0=0 +y_0=0 +ellps=WGS84"
            + " +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    }

    /// The largest distance between control points, in local metres (for ``definition(extent:)``).
    public static func extent(of points: [ControlPoint]) -> Double {
        let xs = points.map(\.x), ys = points.map(\.y)
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return 0 }
        return ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
