/// Metres per degree around a latitude on the WGS84 ellipsoid: the local flat frame used for
/// short distances (routing tolerances, nearest features within a few hundred metres).
///
/// Scaling longitude by the prime-vertical radius and latitude by the meridional radius at
/// the query's latitude gives distances within about 1e-5 of the geodesic over a kilometre
/// (the error grows with the square of the distance), without a projection per query.
public struct LocalMetric: Sendable, Hashable {
    /// Metres per degree of longitude at this latitude.
    public let metresPerDegreeX: Double
    /// Metres per degree of latitude at this latitude.
    public let metresPerDegreeY: Double

    public init(latitude: Double) {
        let a = 6_378_137.0
        let f = 1 / 298.257223563
        let e2 = f * (2 - f)
        let phi = latitude * .pi / 180
        let s = sin(phi)
        let w = (1 - e2 * s * s).squareRoot()
        let n = a / w                              // prime vertical radius
        let m = a * (1 - e2) / (w * w * w)         // meridional radius
        metresPerDegreeX = n * cos(phi) * .pi / 180
        metresPerDegreeY = m * .pi / 180
    }

    /// Degrees of longitude and latitude that span at least `metres` here.
    public func degrees(_ metres: Double) -> (dx: Double, dy: Double) {
        (metres / metresPerDegreeX, metres / metresPerDegreeY)
    }

    /// Distance in metres between two nearby positions.
    @inline(__always)
    public func distance(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Double {
        let dx = (x2 - x1) * metresPerDegreeX, dy = (y2 - y1) * metresPerDegreeY
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Distance in metres from (px, py) to the segment (x1, y1)–(x2, y2), all nearby.
    @inline(__always)
    public func distanceToSegment(_ px: Double, _ py: Double, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Double {
        let ax = (x1 - px) * metresPerDegreeX, ay = (y1 - py) * metresPerDegreeY
        let bx = (x2 - px) * metresPerDegreeX, by = (y2 - py) * metresPerDegreeY
        let dx = bx - ax, dy = by - ay
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0
        t = t < 0 ? 0 : (t > 1 ? 1 : t)
        let cx = ax + t * dx, cy = ay + t * dy
        return (cx * cx + cy * cy).squareRoot()
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
