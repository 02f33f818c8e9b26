import GeoCore

extension PlaceReport {
    /// The report as JSON, as `geoctl at --format json` prints it and `GET /at` answers:
    /// `lon`, `lat`, `covering` (`layer`, `kind`, `feature_id`, `on_boundary`,
    /// `properties`) and `nearest` (`kind`, `layer`, `feature_id`, `distance_m` to the
    /// decimetre, `properties`).
    public var json: JSONValue {
        .object([
            "lon": .number(lon), "lat": .number(lat),
            "covering": .array(coverings.map { c in
                .object(["layer": .string(c.layer), "kind": .string(c.kind.rawValue), "feature_id": .string(c.featureID),
                         "on_boundary": .bool(c.onBoundary), "properties": .object(c.properties)])
            }),
            "nearest": .array(nearest.map { n in
                .object(["kind": .string(n.kind), "layer": .string(n.layer), "feature_id": .string(n.featureID),
                         "distance_m": .number((n.metres * 10).rounded() / 10), "properties": .object(n.properties)])
            }),
        ])
    }
}
