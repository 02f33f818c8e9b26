import CPROJ

/// Distances on the WGS84 ellipsoid by Karney's algorithm (PROJ's `geod_inverse`): the
/// reference against which projected distances are checked.
public struct Geodesic: Sendable {
    private var model: geod_geodesic

    /// The WGS84 ellipsoid.
    public static let wgs84 = Geodesic(semiMajorAxis: 6_378_137, flattening: 1 / 298.257223563)

    public init(semiMajorAxis: Double, flattening: Double) {
        model = geod_geodesic()
        geod_init(&model, semiMajorAxis, flattening)
    }

    /// The geodesic distance in metres between two lon/lat positions.
    public func distance(from a: Point, to b: Point) -> Double {
        var s12 = 0.0, azi1 = 0.0, azi2 = 0.0
        var m = model
        geod_inverse(&m, a.y, a.x, b.y, b.x, &s12, &azi1, &azi2)
        return s12
    }
}

extension geod_geodesic: @retroactive @unchecked Sendable {}
