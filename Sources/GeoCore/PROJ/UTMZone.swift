/// A WGS84 / UTM zone: the local metric projection geoctl measures distances and areas in.
public struct UTMZone: Sendable, Hashable, CustomStringConvertible {
    /// 1 ... 60.
    public var number: Int
    public var isNorth: Bool

    /// The zone holding the centre of `box` (WGS84 lon/lat). The Norway and Svalbard
    /// exceptions are ignored: the standard 6° zone is what matters for metric accuracy.
    public init(for box: BoundingBox) {
        let center = box.center
        let lon = center.x >= 180 ? center.x - 360 : center.x
        number = Swift.min(60, Swift.max(1, Int(((lon + 180) / 6).rounded(.down)) + 1))
        isNorth = center.y >= 0
    }

    /// `EPSG:326NN` in the northern hemisphere, `EPSG:327NN` in the southern.
    public var epsgCode: Int { (isNorth ? 32600 : 32700) + number }
    public var crsName: String { "EPSG:\(epsgCode)" }
    /// The zone's central meridian in degrees.
    public var centralMeridian: Double { Double(number) * 6 - 183 }

    public var description: String { "UTM zone \(number)\(isNorth ? "N" : "S") (\(crsName))" }
}
