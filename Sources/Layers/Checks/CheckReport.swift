import GeoCore

/// What a check of one layer found, with the method that measured it.
public struct CheckReport: Sendable {
    /// The checked layer.
    public var layer: String
    /// How many features were checked.
    public var featureCount: Int
    /// How areas were measured, for the output.
    public var method: String
    /// Every finding, problems first, then slivers, then notices; largest areas first.
    public var problems: [CheckProblem]

    public init(layer: String, featureCount: Int, method: String, problems: [CheckProblem]) {
        self.layer = layer
        self.featureCount = featureCount
        self.method = method
        self.problems = problems.sorted { a, b in
            if a.severity != b.severity { return a.severity < b.severity }
            if a.kind != b.kind { return Self.order(a.kind) < Self.order(b.kind) }
            if (a.areaSquareMetres ?? 0) != (b.areaSquareMetres ?? 0) { return (a.areaSquareMetres ?? 0) > (b.areaSquareMetres ?? 0) }
            return (a.features.first?.index ?? 0) < (b.features.first?.index ?? 0)
        }
    }

    private static func order(_ kind: CheckProblem.Kind) -> Int {
        CheckProblem.Kind.allCases.firstIndex(of: kind) ?? 0
    }

    /// Findings that make the check fail (severity `problem`).
    public var failures: [CheckProblem] { problems.filter { $0.severity == .problem } }

    /// True when nothing above the threshold was found: a script can go on.
    public var passed: Bool { !problems.contains { $0.severity == .problem } }

    /// Count and total area per kind and severity, in report order.
    public var summary: [(kind: CheckProblem.Kind, severity: CheckProblem.Severity, count: Int, areaSquareMetres: Double?)] {
        var rows: [(kind: CheckProblem.Kind, severity: CheckProblem.Severity, count: Int, areaSquareMetres: Double?)] = []
        for p in problems {
            if let i = rows.firstIndex(where: { $0.kind == p.kind && $0.severity == p.severity }) {
                rows[i].count += 1
                if let a = p.areaSquareMetres { rows[i].areaSquareMetres = (rows[i].areaSquareMetres ?? 0) + a }
            } else {
                rows.append((p.kind, p.severity, 1, p.areaSquareMetres))
            }
        }
        return rows
    }

    /// Every finding as a GeoJSON feature (properties: type, severity, area_m2,
    /// organisations, features, detail), for `--output FILE.geojson` and a look in QGIS.
    public func features() -> [Feature] {
        problems.enumerated().map { i, p in
            var properties: JSONObject = [
                "type": .string(p.kind.rawValue),
                "severity": .string(p.severity.rawValue),
            ]
            properties["area_m2"] = p.areaSquareMetres.map { .number(($0 * 100).rounded() / 100) } ?? .null
            properties["organisations"] = .array(p.organisations.map { .string($0) })
            properties["feature_indexes"] = .array(p.features.map { .integer(Int64($0.index)) })
            properties["feature_ids"] = .array(p.features.map { ref in ref.id.map { .string("\($0)") } ?? .null })
            properties["detail"] = .string(p.detail)
            return Feature(id: .integer(Int64(i + 1)), geometry: p.geometry, properties: properties)
        }
    }
}
