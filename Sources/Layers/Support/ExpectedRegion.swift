import GeoCore

/// Where a layer's features are expected to lie: the extent of the store's other layers,
/// grown by half its size (at least about 5 km) on every side. Features far outside it are
/// reported, and so are those whose swapped coordinates would fall among the other layers.
public struct ExpectedRegion: Sendable {
    /// The extent of the other layers, as read.
    public let extent: BoundingBox
    /// The extent with its margin: a feature centred outside this box is reported.
    public let bounds: BoundingBox

    public init(extent: BoundingBox) {
        self.extent = extent
        let margin = max(0.05, 0.5 * max(extent.width, extent.height))
        bounds = BoundingBox(minX: extent.minX - margin, minY: extent.minY - margin,
                             maxX: extent.maxX + margin, maxY: extent.maxY + margin)
    }

    /// The region of every layer in `store` except `layer`, or nil when there is none.
    public init?(store: any LayerStore, excluding layer: String) throws {
        var extent = BoundingBox.empty
        for other in try store.layers(includeRestricted: true) where other.name != layer {
            if let e = other.extent { extent.extend(e) }
        }
        guard !extent.isEmpty else { return nil }
        self.init(extent: extent)
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
        switch verdict {
        case .swapped:
            return "\(name) at (\(c.x), \(c.y)) looks like swapped lat/lon: (\(c.y), \(c.x)) lies among the other layers"
        case .far(let km):
            return "\(name) at (\(c.x), \(c.y)) lies \(Int(km.rounded())) km from the region of the other layers"
        }
    }
}
