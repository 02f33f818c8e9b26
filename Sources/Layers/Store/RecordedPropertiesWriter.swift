import GeoCore

/// A layer writer that also takes a feature's properties as the reader recorded them
/// (``RecordedProperties``: their compact JSON and each member's kind, text or number), so
/// that an import builds no `JSONValue` or `String` per property. What it stores is what
/// ``LayerWriter/insert(_:)`` stores for the same feature with its full properties.
protocol RecordedPropertiesWriter: LayerWriter {
    /// Writes `feature` (whose own properties are ignored) with `properties`.
    func insert(_ feature: Feature, recorded properties: RecordedProperties) throws
}
