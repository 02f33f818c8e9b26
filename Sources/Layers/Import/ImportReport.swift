import GeoCore

/// A feature GEOS found invalid.
public struct InvalidFeature: Sendable, Hashable, CustomStringConvertible {
    /// 0-based index in the source.
    public var index: Int
    public var id: String?
    /// GEOS's reason and location.
    public var problem: String

    public var description: String {
        "feature \(index)\(id.map { " (id \($0))" } ?? ""): \(problem)"
    }
}

/// A geometry `--on-invalid repair` changed.
public struct GeometryRepair: Sendable, Hashable, CustomStringConvertible {
    public var feature: InvalidFeature
    public var resultKind: GeometryKind
    /// Area after / area before - 1 (0 for lines), in the layer's own coordinates.
    public var areaChange: Double

    public var description: String {
        let change = areaChange.isFinite ? String(format2(areaChange * 100)) + "% area" : "area undefined before"
        return "\(feature) → repaired as \(resultKind.rawValue), \(change)"
    }
}

private func format2(_ v: Double) -> String {
    let r = (v * 100).rounded() / 100
    return (r >= 0 ? "+" : "") + String(r)
}

/// What an import did.
public struct ImportReport: Sendable {
    public enum Outcome: String, Sendable {
        case imported, replaced, unchanged
        /// The file matched the current version; only the catalog metadata changed.
        case metadataUpdated = "metadata updated"
    }
    public var outcome: Outcome
    public var layer: LayerInfo
    public var repaired: [GeometryRepair]
    public var skipped: [InvalidFeature]
    /// The sidecar file the skipped features were written to.
    public var rejectedFile: String?
    public var warnings: [String]
    /// What the import decided and says out loud: a guessed text encoding, a `.prj`
    /// recognised as one of the store's named CRSs.
    public var notes: [String] = []
    public var seconds: Double
    /// With `.metadataUpdated`: each field changed, as `owner: "A" → "B"`.
    public var metadataChanges: [String]

    public init(outcome: Outcome, layer: LayerInfo, repaired: [GeometryRepair], skipped: [InvalidFeature],
                rejectedFile: String?, warnings: [String], seconds: Double, metadataChanges: [String] = []) {
        self.outcome = outcome
        self.layer = layer
        self.repaired = repaired
        self.skipped = skipped
        self.rejectedFile = rejectedFile
        self.warnings = warnings
        self.seconds = seconds
        self.metadataChanges = metadataChanges
    }

    /// One line for the terminal.
    public var summary: String {
        let l = layer
        switch outcome {
        case .unchanged:
            return "\(l.name): unchanged — the file matches version \(l.version) (sha256 \(l.sourceSHA256.prefix(12)))"
        case .metadataUpdated:
            return "\(l.name): file unchanged (version \(l.version)); metadata updated: \(metadataChanges.joined(separator: ", "))"
        case .imported, .replaced:
            var parts = ["\(l.name) v\(l.version): \(Counted.text(l.featureCount, "feature")) (\(l.geometryColumnType)) in \(String(format2Seconds(seconds))) s"]
            if !repaired.isEmpty { parts.append("\(repaired.count) repaired") }
            if !skipped.isEmpty { parts.append("\(skipped.count) skipped → \(rejectedFile ?? "?")") }
            parts.append(Counted.text(warnings.count, "warning"))
            return parts.joined(separator: ", ")
        }
    }
}

private func format2Seconds(_ v: Double) -> String {
    String((v * 100).rounded() / 100)
}

/// Why an import failed. The store is unchanged whenever one of these is thrown.
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case input(GeoJSONError)
    case invalidGeometries(file: String, [InvalidFeature])
    case crs(file: String, ProjError)
    case crsAfterFeatures(file: String)
    /// `id` is the feature's id when known (a Shapefile's or GeoPackage's FID, a GeoJSON `id`).
    case transform(file: String, index: Int, ProjError, id: String? = nil)
    case missingIdField(file: String, index: Int, field: String)
    case geos(file: String, index: Int, GEOSError)
    case cannotRead(file: String, reason: String)
    case cannotWrite(file: String, reason: String)
    /// A file in another format that cannot be read as asked (a missing companion file, an
    /// unknown source layer, GDAL's own complaint…).
    case unreadable(file: String, reason: String)
    /// The format is read through GDAL's ogr2ogr, which is not installed.
    case gdalMissing(file: String, format: String)

    public var description: String {
        switch self {
        case .input(let e): "\(e)"
        case .invalidGeometries(let file, let list):
            "\(file): \(list.count) invalid geometr\(list.count == 1 ? "y" : "ies"); nothing imported:\n"
                + list.map { "  \(file): \($0)" }.joined(separator: "\n")
        case .crs(let file, let e): "\(file): \(e)"
        case .crsAfterFeatures(let file):
            "\(file): the \"crs\" member comes after the features, too late to read them; pass --from-crs"
        case .transform(let file, let index, let e, let id): "\(file): feature \(index)\(id.map { " (id \($0))" } ?? ""): \(e)"
        case .missingIdField(let file, let index, let field): "\(file): feature \(index) has no property \"\(field)\", which should hold its id"
        case .geos(let file, let index, let e): "\(file): feature \(index): \(e)"
        case .cannotRead(let file, let reason): "\(file): cannot read: \(reason)"
        case .cannotWrite(let file, let reason): "\(file): cannot write: \(reason)"
        case .unreadable(let file, let reason): "\(file): \(reason)"
        case .gdalMissing(let file, let format):
            "\(file): reading \(format) needs GDAL's ogr2ogr, which is not installed; install it with: apt-get install gdal-bin"
        }
    }
}
