import GeoCore

/// Where a layer's features are expected to lie: a lon/lat box grown by half its size (at
/// least about 5 km) on every side. Features far outside it are reported, and so are those
/// whose swapped coordinates would fall inside it.
///
/// The box is the store's explicit region when one is set (`geoctl region set`), else the
/// extent of the layers imported without any region warning. A layer accepted with far-off
/// or swapped features therefore never widens the region the next import is checked against.
public struct ExpectedRegion: Sendable {
    /// Where the box came from.
    public enum Source: Sendable, Equatable {
        /// Set explicitly and stored in the catalog.
        case explicit
        /// The extent of these layers (each imported without region warnings).
        case layers([String])
    }

    /// The box, as set or read.
    public let extent: BoundingBox
    /// The extent with its margin: a feature centred outside this box is reported.
    public let bounds: BoundingBox
    public let source: Source

    public init(extent: BoundingBox, source: Source = .layers([])) {
        self.extent = extent
        self.source = source
        let margin = max(0.05, 0.5 * max(extent.width, extent.height))
        bounds = BoundingBox(minX: extent.minX - margin, minY: extent.minY - margin,
                             maxX: extent.maxX + margin, maxY: extent.maxY + margin)
    }

    /// The region `layer` is checked against in `store` (the layer itself never counts), or
    /// nil when there is none yet (an empty store and no explicit region).
    public init?(store: any LayerStore, excluding layer: String) throws {
        if let explicit = try store.explicitRegion() {
            self.init(extent: explicit, source: .explicit)
            return
        }
        var extent = BoundingBox.empty
        var names: [String] = []
        for other in try store.layers(includeRestricted: true) where other.name != layer && other.regionWarnings == 0 {
            guard let e = other.extent else { continue }
            extent.extend(e)
            names.append(other.name)
        }
        guard !extent.isEmpty else { return nil }
        self.init(extent: extent, source: .layers(names))
    }

    /// What is wrong with a feature centred at `center`, or nil when it lies in the region.
    public func verdict(at center: Point) -> Verdict? {
        if bounds.contains(x: center.x, y: center.y) { return nil }
        if bounds.contains(x: center.y, y: center.x) { return .swapped }
        return .far(kilometres: Geodesic.wgs84.distance(from: center, to: bounds.center) / 1000)
    }

    public enum Verdict: Sendable, Equatable {
        /// (lat, lon) read as (lon, lat): swapping the coordinates puts the feature in the region.
        case swapped
        /// Far from the region, by this many kilometres from its centre.
        case far(kilometres: Double)
    }

    /// A sentence naming the feature, for warnings and reports.
    public static func describe(_ verdict: Verdict, index: Int, id: FeatureID?, at c: Point) -> String {
        let name = "feature \(index)\(id.map { " (id \($0))" } ?? "")"
        let x = Rounded.degrees(c.x), y = Rounded.degrees(c.y)
        switch verdict {
        case .swapped:
            return "\(name) at (\(x), \(y)) looks like swapped lat/lon: (\(y), \(x)) lies in the expected region"
        case .far(let km):
            return "\(name) at (\(x), \(y)) lies \(Int(km.rounded())) km from the expected region"
        }
    }
}
