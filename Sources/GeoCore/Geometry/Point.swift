/// A position in two dimensions: longitude/easting `x`, latitude/northing `y`.
///
/// geoctl is a 2-D engine: Z and M values in input files are validated and dropped
/// (see ``GeoJSONReader``).
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// A WGS84 position; `lon` is `x`, `lat` is `y` (RFC 7946 order).
    public init(lon: Double, lat: Double) {
        self.init(x: lon, y: lat)
    }
}
