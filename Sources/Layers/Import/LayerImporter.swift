#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

/// Imports a GeoJSON file (or standard input) as one layer of a ``LayerStore``.
///
/// Two streaming passes, so memory stays flat however large the file:
/// 1. **check**: read every feature, transform it to EPSG:4326 when the source is in another
///    CRS, check it with GEOS, learn the property types, the geometry kinds and the extent,
///    and note coordinates far from the store's other layers (or that look like swapped
///    lat/lon). With `--on-invalid reject` any invalid geometry stops the import here, with
///    every offender listed, before anything is written.
/// 2. **write**: read again and write the layer in one store transaction, repairing or
///    skipping the invalid features as asked.
///
/// A store that can lay a table out before it has seen every feature (``OnePassLayerStore``:
/// SpatiaLite and PostGIS) gets both passes in one where the file allows (OnePassImport.swift).
///
/// A file whose SHA-256 matches the layer's current version changes no feature; metadata
/// that differs from the catalog's (kind, sphere, owner, visibility) is applied.
public struct LayerImporter {
    public let store: LayerStore
    /// Where `skip` writes rejected features when the options name no path.
    public let sidecarFolder: String

    /// Whether a ``OnePassLayerStore`` may import in one pass (OnePassImport.swift); false
    /// keeps the two passes, as `GEOCTL_IMPORT_PASSES=2` does for every importer.
    public var onePass = !LayerImporter.twoPassesForced
    /// Whether the one-pass import parses and checks on a second thread (FeaturePipeline.swift);
    /// on by default with two cores or more (``pipelinedByDefault``).
    public var pipelined = LayerImporter.pipelinedByDefault

    /// The mistakes an import finds before it reads a feature (a file that cannot be opened,
    /// an invalid layer name), thrown as the import would throw them: a command calls this
    /// before it opens or creates the store, so such a mistake leaves no new, empty store.
    public static func checkBeforeStore(file: String, layer: String) throws {
        try LayerName.validate(layer)
        try SourceFile.checkReadable(file)
    }

    public init(store: LayerStore, sidecarFolder: String) {
        self.store = store
        self.sidecarFolder = sidecarFolder
    }

    /// How many region warnings are listed one by one before they are only counted.
    static let warningLimit = 20

    public func importFile(_ file: String, options given: ImportOptions,
                           progress: ((ImportProgress) -> Void)? = nil) throws -> ImportReport {
        let started = monotonicSeconds()
        let existing = try store.layer(named: given.layer)
        try LayerName.validate(given.layer)
        // Shapefile, MapInfo, GeoPackage, KML, CSV: through ogr2ogr into a spooled GeoJSON
        // text sequence (OGRSource); GeoJSON and GeoJSONSeq as they are.
        let format = file == "-" ? SourceFormat.geoJSON : SourceFormat(path: file)
        let source: SourceFile
        var declaredWKT: String?
        var notes: [String] = []
        if format.needsGDAL {
            progress?(ImportProgress(phase: .hashing, bytesDone: 0, bytesTotal: nil, features: 0))
            let reading = OGRSource.Reading(sourceLayer: given.sourceLayer, encoding: given.encoding,
                                            xField: given.xField, yField: given.yField, wktField: given.wktField)
            let (converted, details) = try OGRSource.open(file, format: format, reading: reading)
            source = converted
            declaredWKT = details.crsWKT
            notes = details.notes
        } else {
            if given.sourceLayer != nil || given.encoding != nil || given.xField != nil || given.wktField != nil {
                throw ImportError.unreadable(file: file, reason: "--source-layer, --encoding, --x-field/--y-field and --wkt-field apply to Shapefile, MapInfo, GeoPackage, KML and CSV files, not \(format.rawValue)")
            }
            // A new layer's file is hashed on another thread during the check pass; a replace
            // hashes first, since an unchanged file needs no check pass at all.
            source = try SourceFile(file, inBackground: existing == nil) { done in
                progress?(ImportProgress(phase: .hashing, bytesDone: done, bytesTotal: nil, features: 0))
            }
        }
        defer { source.cleanUp() }
        let sequence = format != .geoJSON
        let crs = try SourceCRSResolution.resolve(fromCRS: given.fromCRS, declaredWKT: declaredWKT, file: source.displayName, store: store)
        notes += crs.notes
        var options = given
        options.fromCRS = crs.definition

        if let existing, existing.sourceSHA256 == (try source.sha256()) {
            // The same data: only the metadata the import names can differ. Applied without a
            // new version; what it leaves out stays as it is.
            let wanted = options.metadata(over: existing)
            let changes = existing.metadata.changes(to: wanted)
            if changes.isEmpty {
                return ImportReport(outcome: .unchanged, layer: existing, repaired: [], skipped: [], rejectedFile: nil,
                                    warnings: [], seconds: monotonicSeconds() - started)
            }
            let updated = try store.updateMetadata(of: existing.name, to: wanted)
            return ImportReport(outcome: .metadataUpdated, layer: updated, repaired: [], skipped: [], rejectedFile: nil,
                                warnings: [], seconds: monotonicSeconds() - started, metadataChanges: changes)
        }
        if let existing, !options.replace {
            throw StoreError.layerExists(options.layer, version: existing.version)
        }
        let region = try ExpectedRegion(store: store, excluding: options.layer)

        // One pass where the store can lay the table out from the first features (OnePassImport.swift);
        // nil when the file does not fit that layout, and then nothing was written.
        if onePass, let onePassStore = store as? OnePassLayerStore,
           let (written, scan) = try importInOnePass(into: onePassStore, source: source, options: options,
                                                     metadata: options.metadata(over: existing), sequence: sequence,
                                                     crsLabel: crs.label, region: region, progress: progress) {
            return report(scan, written: written, replaced: existing != nil, rejectedFile: nil, options: options,
                          notes: notes, started: started)
        }

        // Pass 1: check.
        let geos = GEOSContext()
        let scan: Scan
        do {
            scan = try checkPass(source, options: options, sequence: sequence, region: region, geos: geos, progress: progress)
        } catch ImportError.input(var e) where e.outsideLonLat && (options.fromCRS.map { LegacyCRS(name: $0).isWGS84 } ?? true) {
            // No CRS, or labelled WGS84, yet not lon/lat: say which stored CRSs would fit.
            let hint = LocalCoordinatesHint.hint(path: source.path, sequence: sequence, store: store, excluding: options.layer)
            e.localSystemHint = hint.text.isEmpty ? nil : hint.text
            e.fittingCRSNames = hint.fitting
            throw ImportError.input(e)
        }
        if options.onInvalid == .reject && !scan.invalid.isEmpty {
            throw ImportError.invalidGeometries(file: source.displayName, scan.invalid)
        }

        // Pass 2: write, in one transaction.
        let invalidIndices = Set(scan.invalid.map(\.index))
        var rejectedFile: String?
        var sidecar: GeoJSONWriter?
        if options.onInvalid == .skip && !scan.invalid.isEmpty {
            let path = options.rejectedPath ?? "\(sidecarFolder)/\(options.layer).rejected.geojson"
            do {
                sidecar = try GeoJSONWriter(path: path, options: GeoJSONWriteOptions(precision: nil, rightHandRule: false))
                try sidecar?.begin(name: "\(options.layer) rejected", crs: scan.sourceCRS.flatMap { LegacyCRS(name: $0) })
            } catch {
                throw ImportError.cannotWrite(file: path, reason: "\(error)")
            }
            rejectedFile = path
        }
        let metadata = options.metadata(over: existing)
        let info = LayerInfo(
            name: options.layer, kind: metadata.kind, sphere: metadata.sphere, owner: metadata.owner,
            visibility: metadata.visibility, featureCount: 0, geometryKinds: scan.sortedKinds,
            geometryColumnType: GeometryPromotion.columnType(for: Set(scan.writtenKinds.keys)),
            extent: scan.extent.isEmpty ? nil : scan.extent, sourceCRS: crs.label ?? scan.sourceCRS ?? "EPSG:4326",
            sourceFile: source.displayName, sourceSHA256: try source.sha256(), version: 0,
            importedAt: utcTimestamp(), columns: scan.schema.columns(), regionWarnings: scan.regionWarningCount,
            dateFields: metadata.dateFields)
        var transformer: CoordinateTransformer?
        if let crs = scan.sourceCRS {
            do { transformer = try CoordinateTransformer(from: crs, to: "EPSG:4326") } catch { throw ImportError.crs(file: source.displayName, error) }
        }
        let written = try store.writeLayer(info, replace: options.replace) { writer in
            let reader = try openReader(source, options: options, sequence: sequence)
            var index = 0
            while let original = try nextFeature(reader, source) {
                defer { index += 1 }
                var feature = try withID(original, index: index, options: options, file: source.displayName)
                if invalidIndices.contains(index) {
                    if options.onInvalid == .skip {
                        try sidecar?.write(original)
                        continue
                    }
                    feature.geometry = try repairedGeometry(feature.geometry, transformer, geos: geos, index: index, file: source.displayName)
                } else if let transformer, let g = feature.geometry {
                    feature.geometry = try transform(g, transformer, index: index, file: source.displayName)
                }
                try writer.insert(feature)
                if index % 4096 == 0 {
                    progress?(ImportProgress(phase: .writing, bytesDone: reader.bytesRead, bytesTotal: source.size, features: index))
                }
            }
        }
        try sidecar?.finish()
        return report(scan, written: written, replaced: existing != nil, rejectedFile: rejectedFile, options: options,
                      notes: notes, started: started)
    }

    /// The report of an import that wrote the layer.
    func report(_ scan: Scan, written: LayerInfo, replaced: Bool, rejectedFile: String?, options: ImportOptions,
                notes: [String], started: Double) -> ImportReport {
        var warnings = scan.warnings
        if !scan.regionWarnings.isEmpty {
            warnings.append(contentsOf: scan.regionWarnings)
            if scan.regionWarningCount > Self.warningLimit {
                warnings.append("… and \(scan.regionWarningCount - Self.warningLimit) more features outside the expected region")
            }
        }
        var report = ImportReport(outcome: replaced ? .replaced : .imported, layer: written,
                                  repaired: scan.repairs, skipped: options.onInvalid == .skip ? scan.invalid : [],
                                  rejectedFile: rejectedFile, warnings: warnings, seconds: monotonicSeconds() - started)
        report.notes = notes
        return report
    }

    // MARK: Pass 1

    struct Scan {
        var sourceCRS: String?
        var count = 0
        var kinds: [GeometryKind: Int] = [:]
        /// Kinds of the geometries that will be written (after repair, without skipped ones).
        var writtenKinds: [GeometryKind: Int] = [:]
        var extent = BoundingBox.empty
        var schema = PropertySchema()
        var invalid: [InvalidFeature] = []
        var repairs: [GeometryRepair] = []
        var warnings: [String] = []
        /// The first ``LayerImporter/warningLimit`` region warnings; the rest are only counted,
        /// so memory stays flat when most of a large file lies outside the region.
        var regionWarnings: [String] = []
        var regionWarningCount = 0

        var sortedKinds: [GeometryKind] {
            kinds.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }.map(\.key)
        }
    }

    private func checkPass(_ source: SourceFile, options: ImportOptions, sequence: Bool, region: ExpectedRegion?, geos: GEOSContext,
                           progress: ((ImportProgress) -> Void)?) throws -> Scan {
        var scan = Scan()
        let reader = try openReader(source, options: options, sequence: sequence)
        var transformer: CoordinateTransformer?
        var crsDecided = false
        while let original = try nextFeature(reader, source) {
            let index = scan.count
            if !crsDecided {
                // The legacy crs member, when the file has one, comes before the features.
                crsDecided = true
                scan.sourceCRS = try sourceCRS(options: options, reader: reader)
                if let crs = scan.sourceCRS {
                    do { transformer = try CoordinateTransformer(from: crs, to: "EPSG:4326") } catch {
                        throw ImportError.crs(file: source.displayName, error)
                    }
                }
            }
            let feature = try withID(original, index: index, options: options, file: source.displayName)
            if index % 4096 == 0 {
                progress?(ImportProgress(phase: .checking, bytesDone: reader.bytesRead, bytesTotal: source.size, features: index))
            }
            _ = try check(feature, index: index, into: &scan, transformer: transformer, region: region, geos: geos,
                          options: options, file: source.displayName)
        }
        if !crsDecided { scan.sourceCRS = try sourceCRS(options: options, reader: reader) }
        try finish(&scan, reader: reader, options: options, file: source.displayName)
        return scan
    }

    /// Pass 1's work on one feature: its property types, its geometry in EPSG:4326 checked
    /// with GEOS (an invalid one is noted in `scan.invalid`, and repaired there when asked),
    /// the kinds, the extent and the region. Returns the geometry as it is written when it is
    /// there and valid, else nil.
    /// With `recorded`, the feature's properties are those (see ``GeoJSONReader/recordProperties(keeping:)``).
    func check(_ feature: Feature, index: Int, into scan: inout Scan, transformer: CoordinateTransformer?,
               region: ExpectedRegion?, geos: GEOSContext, options: ImportOptions, file: String,
               recorded: RecordedProperties? = nil) throws -> Geometry? {
        scan.count += 1
        if let recorded { scan.schema.add(recorded) } else { scan.schema.add(feature.properties) }
        guard var geometry = feature.geometry else { return nil }
        scan.kinds[geometry.kind, default: 0] += 1
        if let transformer {
            do {
                geometry = try transform(geometry, transformer, index: index, file: file)
            } catch ImportError.transform(let file, let index, let error, _) {
                // Named by the feature's own id too (for GDAL formats, the source FID).
                throw ImportError.transform(file: file, index: index, error, id: feature.id?.description)
            }
        }
        if let problem = try validityProblem(geometry, geos: geos, index: index, file: file) {
            let bad = InvalidFeature(index: index, id: feature.id?.description, problem: problem.description)
            scan.invalid.append(bad)
            switch options.onInvalid {
            case .repair:
                let before = try area(geometry, geos: geos, index: index, file: file)
                let fixed = try repaired(geometry, geos: geos, index: index, file: file)
                let after = try area(fixed, geos: geos, index: index, file: file)
                scan.repairs.append(GeometryRepair(feature: bad, resultKind: fixed.kind,
                                                   areaChange: before > 0 ? after / before - 1 : (after == 0 ? 0 : .infinity)))
                scan.writtenKinds[fixed.kind, default: 0] += 1
                if let box = fixed.boundingBox { scan.extent.extend(box) }
            case .skip, .reject:
                break
            }
            return nil
        }
        scan.writtenKinds[geometry.kind, default: 0] += 1
        guard let box = geometry.boundingBox else { return geometry }
        scan.extent.extend(box)
        if let region, let verdict = region.verdict(at: box.center) {
            scan.regionWarningCount += 1
            if scan.regionWarnings.count < LayerImporter.warningLimit {
                scan.regionWarnings.append(ExpectedRegion.describe(verdict, index: index, id: feature.id, at: box.center))
            }
        }
        return geometry
    }

    /// What pass 1 says once every feature is read: a crs member after the features, an
    /// empty file, dropped Z values, properties beyond the typed columns.
    func finish(_ scan: inout Scan, reader: GeoJSONReader, options: ImportOptions, file: String) throws {
        if reader.legacyCRSAfterFeatures && options.fromCRS == nil {
            throw ImportError.crsAfterFeatures(file: file)
        }
        if scan.count == 0 { scan.warnings.append("the file holds no features: the layer is empty") }
        if reader.sawZ { scan.warnings.append("Z values were dropped (geoctl stores 2-D geometries)") }
        if scan.schema.overflow > 0 {
            scan.warnings.append("\(scan.schema.overflow) properties beyond the first \(PropertySchema.maxColumns) are kept only in the properties JSON column")
        }
    }

    // MARK: Shared steps

    func openReader(_ source: SourceFile, options: ImportOptions, sequence: Bool) throws -> GeoJSONReader {
        let check: CoordinateCheck
        if let crs = options.fromCRS {
            check = LegacyCRS(name: crs).isWGS84 ? .wgs84 : .projected
        } else {
            check = .automatic
        }
        do {
            let reader = try GeoJSONReader(path: source.path, coordinateCheck: check, sequence: sequence)
            return reader
        } catch {
            throw ImportError.input(renamed(error, source))
        }
    }

    func nextFeature(_ reader: GeoJSONReader, _ source: SourceFile) throws -> Feature? {
        do { return try reader.next() } catch { throw ImportError.input(renamed(error, source)) }
    }

    /// Errors name the file the user gave (`<stdin>`, not the spooled copy).
    private func renamed(_ error: GeoJSONError, _ source: SourceFile) -> GeoJSONError {
        var e = error
        e.source = source.displayName
        return e
    }

    /// The CRS to transform from, or nil for WGS84 lon/lat.
    func sourceCRS(options: ImportOptions, reader: GeoJSONReader) throws -> String? {
        if let given = options.fromCRS {
            let crs = LegacyCRS(name: given)
            return crs.isWGS84 ? nil : crs.projName
        }
        guard let legacy = reader.legacyCRS, !legacy.isWGS84 else { return nil }
        return legacy.projName
    }

    func withID(_ feature: Feature, index: Int, options: ImportOptions, file: String) throws -> Feature {
        guard let field = options.idField else { return feature }
        var f = feature
        switch feature.properties[field] {
        case .string(let s)?: f.id = .string(s)
        case .integer(let i)?: f.id = .integer(i)
        case .number(let d)?: f.id = .number(d)
        case let other?: f.id = other.plainText.map(FeatureID.string)
        case nil: throw ImportError.missingIdField(file: file, index: index, field: field)
        }
        return f
    }

    private func transform(_ g: Geometry, _ t: CoordinateTransformer, index: Int, file: String) throws -> Geometry {
        let result: Geometry
        do { result = try t.transform(g) } catch { throw ImportError.transform(file: file, index: index, error) }
        if let box = result.boundingBox, box.minX < -180 || box.maxX > 180 || box.minY < -90 || box.maxY > 90 {
            throw ImportError.transform(file: file, index: index, .transformFailed(
                index: 0, x: box.minX, y: box.minY, reason: "the result is outside WGS84 longitude/latitude; is the source CRS right?"))
        }
        return result
    }

    private func validityProblem(_ g: Geometry, geos: GEOSContext, index: Int, file: String) throws -> GEOSGeometry.ValidityProblem? {
        // Points are valid whenever their coordinates are finite, which the reader ensures.
        if g.kind == .point || g.kind == .multiPoint { return nil }
        do { return try geos.geometry(g).validityProblem() } catch {
            // GEOS refuses to even build it (for example a ring that is not closed after
            // transformation): report as invalid.
            return GEOSGeometry.ValidityProblem(reason: error.message, location: nil)
        }
    }

    private func repaired(_ g: Geometry, geos: GEOSContext, index: Int, file: String) throws -> Geometry {
        do { return try geos.geometry(g).makeValid().value() } catch { throw ImportError.geos(file: file, index: index, error) }
    }

    private func repairedGeometry(_ g: Geometry?, _ t: CoordinateTransformer?, geos: GEOSContext, index: Int, file: String) throws -> Geometry? {
        guard var g else { return nil }
        if let t { g = try transform(g, t, index: index, file: file) }
        return try repaired(g, geos: geos, index: index, file: file)
    }

    private func area(_ g: Geometry, geos: GEOSContext, index: Int, file: String) throws -> Double {
        do { return try geos.geometry(g).area() } catch { return 0 }
    }
}

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// The current time as `2026-11-22T19:30:05Z`.
func utcTimestamp() -> String {
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
}
