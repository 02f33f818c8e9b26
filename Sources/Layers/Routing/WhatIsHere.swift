import GeoCore

/// "What is here" across a store (MapIt-style): every polygon feature that covers a point,
/// and the nearest institution of each kind.
public struct PlaceReport: Sendable {
    /// A polygon feature covering the point.
    public struct Covering: Sendable {
        public var layer: String
        public var kind: LayerKind
        public var featureID: String
        public var properties: JSONObject
        /// The point is on the feature's boundary (a shared border or vertex).
        public var onBoundary: Bool
    }

    /// The nearest institution of one kind.
    public struct NearestInstitution: Sendable {
        /// The institution's kind (its `kind` property, else its layer's name).
        public var kind: String
        public var layer: String
        public var featureID: String
        public var properties: JSONObject
        public var metres: Double
    }

    public var lon: Double
    public var lat: Double
    public var coverings: [Covering] = []
    public var nearest: [NearestInstitution] = []
}

public enum WhatIsHere {
    /// Every feature of every polygon layer covering the point (all of them on a shared
    /// border or vertex), and the nearest institution of each kind within `withinMetres`.
    /// Restricted layers are read only when `includeRestricted` is true.
    public static func report(store: LayerStore, lon: Double, lat: Double, includeRestricted: Bool,
                              withinMetres: Double = 5000, kindProperty: String = "kind") throws -> PlaceReport {
        var report = PlaceReport(lon: lon, lat: lat)
        let point = BoundingBox(minX: lon, minY: lat, maxX: lon, maxY: lat)
        for layer in try store.layers(includeRestricted: includeRestricted) {
            let polygonal = !layer.geometryKinds.isEmpty && layer.geometryKinds.allSatisfy { $0 == .polygon || $0 == .multiPolygon }
            if polygonal {
                var candidates: [Feature] = []
                try store.forEachFeature(of: layer.name, filter: FeatureFilter(bbox: point)) { candidates.append($0) }
                let index = PolygonIndex(geometries: candidates.map(\.geometry))
                for (i, f) in candidates.enumerated() {
                    let location = index.location(x: lon, y: lat, feature: i)
                    guard location != .exterior else { continue }
                    report.coverings.append(PlaceReport.Covering(layer: layer.name, kind: layer.kind,
                                                                 featureID: f.id?.description ?? "?", properties: f.properties,
                                                                 onBoundary: location == .boundary))
                }
            }
            if layer.kind == .institution {
                let metric = LocalMetric(latitude: lat)
                let (dx, dy) = metric.degrees(withinMetres)
                var features: [Feature] = []
                try store.forEachFeature(of: layer.name, filter: FeatureFilter(bbox: BoundingBox(minX: lon - dx, minY: lat - dy, maxX: lon + dx, maxY: lat + dy))) {
                    features.append($0)
                }
                let index = NearestFeatureIndex(geometries: features.map(\.geometry))
                var best: [String: PlaceReport.NearestInstitution] = [:]
                for (i, f) in features.enumerated() where f.geometry != nil {
                    var d = index.distance(x: lon, y: lat, feature: i, metric: metric)
                    if case .point(let p)? = f.geometry { d = Geodesic.wgs84.distance(from: Point(x: lon, y: lat), to: p) }
                    guard d <= withinMetres else { continue }
                    let kind = f.properties[kindProperty]?.plainText ?? layer.name
                    if let current = best[kind], current.metres <= d { continue }
                    best[kind] = PlaceReport.NearestInstitution(kind: kind, layer: layer.name, featureID: f.id?.description ?? "?",
                                                                properties: f.properties, metres: d)
                }
                report.nearest += best.values.sorted { $0.metres < $1.metres }
            }
        }
        report.coverings.sort { ($0.layer, $0.featureID) < ($1.layer, $1.featureID) }
        report.nearest.sort { $0.metres < $1.metres }
        return report
    }
}
