import GeoCore
import Layers

/// Machine-readable forms of reports, for `--format json`.
enum ReportJSON {
    /// A catalog entry. With `samples` (`show`), also the property schema, each sample typed as
    /// its column is.
    static func layer(_ l: LayerInfo, samples: [String: [String]]? = nil) -> JSONValue {
        var o: JSONObject = [
            "name": .string(l.name), "kind": .string(l.kind.rawValue), "sphere": l.sphere.map(JSONValue.string) ?? .null,
            "owner": l.owner.map(JSONValue.string) ?? .null, "visibility": .string(l.visibility.rawValue),
            "features": .integer(Int64(l.featureCount)), "geometry_types": .array(l.geometryKinds.map { .string($0.rawValue) }),
            "geometry_column_type": .string(l.geometryColumnType),
            "bbox": l.extent.map { .array([.number($0.minX), .number($0.minY), .number($0.maxX), .number($0.maxY)]) } ?? .null,
            "source_crs": .string(l.sourceCRS), "source_file": .string(l.sourceFile), "source_sha256": .string(l.sourceSHA256),
            "version": .integer(Int64(l.version)), "imported_at": .string(l.importedAt),
            "metadata_changed_at": l.metadataChangedAt.map(JSONValue.string) ?? .null,
            "region_warnings": .integer(Int64(l.regionWarnings)),
            "date_fields": .object(["start": l.dateFields.start.map(JSONValue.string) ?? .null,
                                    "end": l.dateFields.end.map(JSONValue.string) ?? .null,
                                    "guarantee": l.dateFields.guarantee.map(JSONValue.string) ?? .null]),
        ]
        if let samples {
            o["properties"] = .array(l.columns.map { c in
                .object(["property": .string(c.property), "column": .string(c.column), "type": .string(c.type.rawValue),
                         "samples": .array((samples[c.property] ?? []).map { typed($0, c.type) })])
            })
        }
        return .object(o)
    }

    /// A sample value as its column stores it.
    static func typed(_ text: String, _ type: ColumnType) -> JSONValue {
        switch type {
        case .integer: Int64(text).map(JSONValue.integer) ?? .string(text)
        case .real: Double(text).map(JSONValue.number) ?? .string(text)
        case .boolean: text == "1" || text == "true" ? .bool(true) : text == "0" || text == "false" ? .bool(false) : .string(text)
        case .text: .string(text)
        }
    }

    static func report(_ r: ImportReport) -> JSONValue {
        .object([
            "outcome": .string(r.outcome.rawValue), "layer": layer(r.layer),
            "repaired": .array(r.repaired.map { .string($0.description) }),
            "skipped": .array(r.skipped.map { .string($0.description) }),
            "rejected_file": r.rejectedFile.map(JSONValue.string) ?? .null,
            "warnings": .array(r.warnings.map(JSONValue.string)), "seconds": .number(r.seconds),
            "metadata_changes": .array(r.metadataChanges.map(JSONValue.string)),
        ])
    }
}
