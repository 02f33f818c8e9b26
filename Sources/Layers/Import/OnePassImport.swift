#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

/// The import in one pass over the file, for a store that can lay out a layer's table before
/// it has seen every feature (``OnePassLayerStore``: the SpatiaLite and PostGIS stores).
///
/// The typed columns and the geometry column type are learnt from the first
/// ``LayerImporter/layoutSample`` features; then every feature is read once, checked exactly
/// as pass 1 checks it, and written. When the rest of the file contradicts that layout (a new
/// property, a property of another type, another geometry type), holds an invalid geometry,
/// or cannot be read, the store's transaction is rolled back and the two-pass import runs
/// instead: it then decides, repairs or reports exactly as it always did. The file is read and
/// checked on a thread of its own while this one writes (``FeaturePipeline``). On the synthetic
/// city's appeals this saves the check pass, about a third of the import (BENCHMARKS.md).
extension LayerImporter {
    /// `GEOCTL_IMPORT_PASSES=2` keeps the two passes on any store: the same binary's A/B for
    /// bench/postgis.sh and bench/import.sh.
    static let twoPassesForced = getenv("GEOCTL_IMPORT_PASSES").map { String(cString: $0) == "2" } ?? false

    /// How many features are read ahead to lay out the table.
    static let layoutSample = 1000

    /// Whether reading and checking run on a thread of their own while the caller's thread
    /// writes (``FeaturePipeline``): on by default when the process may run on two cores or
    /// more. On the two-core machine of BENCHMARKS.md, with nothing else running, the
    /// synthetic city's buildings took 0.18 s instead of 0.21, the appeals 0.49 instead of
    /// 0.60; with both cores busy with other work, the same as on one thread.
    /// `GEOCTL_IMPORT_PIPELINE=0` or `=1` decides instead (the A/B of bench/import.sh).
    static let pipelinedByDefault = getenv("GEOCTL_IMPORT_PIPELINE").map { String(cString: $0) == "1" }
        ?? (sysconf(Int32(_SC_NPROCESSORS_ONLN)) >= 2)

    /// Whether the one-pass import on one thread reads properties as ``RecordedProperties``
    /// (their JSON text copied from the file, typed columns bound from its bytes) instead of
    /// building a `JSONObject` per feature. `GEOCTL_IMPORT_RECORDED=0` builds them: the A/B of
    /// bench/import.sh (the wide file's import: BENCHMARKS.md).
    static let recordsProperties = getenv("GEOCTL_IMPORT_RECORDED").map { String(cString: $0) != "0" } ?? true

    /// How many checked features go to the writing thread at a time.
    static let pipelineBatch = 256

    /// Thrown inside the store's transaction when the file does not fit the layout.
    private struct LayoutContradicted: Error {}

    /// The written layer and what the pass found, or nil when the two-pass import must run
    /// (nothing was written then).
    func importInOnePass(into store: OnePassLayerStore, source: SourceFile, options: ImportOptions, metadata: LayerMetadata, sequence: Bool,
                         crsLabel: String?, region: ExpectedRegion?,
                         progress: ((ImportProgress) -> Void)?) throws -> (LayerInfo, Scan)? {
        let file = source.displayName
        // The layout, from the first features.
        var sample = PropertySchema()
        var sampleKinds = Set<GeometryKind>()
        let sourceCRS: String?
        // The sample reader's search for a `crs` member after the features, which reads the
        // whole file: the main reader takes its answer instead of searching again.
        let trailingCRS: LegacyCRS??
        do {
            let reader = try openReader(source, options: options, sequence: sequence)
            var index = 0
            while index < Self.layoutSample, let original = try nextFeature(reader, source) {
                let feature = try withID(original, index: index, options: options, file: file)
                sample.add(feature.properties)
                if let g = feature.geometry { sampleKinds.insert(g.kind) }
                index += 1
            }
            // The legacy crs member, when the file has one, comes before the features.
            sourceCRS = try self.sourceCRS(options: options, reader: reader)
            trailingCRS = reader.trailingCRS
        } catch is ImportError {
            return nil
        }
        var transformer: CoordinateTransformer?
        if let sourceCRS {
            do { transformer = try CoordinateTransformer(from: sourceCRS, to: "EPSG:4326") } catch { return nil }
        }
        let provisional = LayerInfo(
            name: options.layer, kind: metadata.kind, sphere: metadata.sphere, owner: metadata.owner,
            visibility: metadata.visibility, featureCount: 0, geometryKinds: [],
            geometryColumnType: GeometryPromotion.columnType(for: sampleKinds), extent: nil,
            sourceCRS: crsLabel ?? sourceCRS ?? "EPSG:4326", sourceFile: file, sourceSHA256: "", version: 0,
            importedAt: utcTimestamp(), columns: sample.columns(), dateFields: metadata.dateFields)

        var scan = Scan()
        scan.sourceCRS = sourceCRS
        do {
            let written = try store.writeLayer(laidOutAs: provisional, replace: options.replace) { writer in
                if !pipelined {
                    // Everything on this thread.
                    let geos = GEOSContext()
                    let reader = try openReader(source, options: options, sequence: sequence)
                    if case .some(let found) = trailingCRS { reader.assumeTrailingCRS(found) }
                    // Properties recorded, not built, where the store takes them so: the id
                    // field (if any) is the only member built as a value.
                    let recording = Self.recordsProperties ? writer as? RecordedPropertiesWriter : nil
                    if recording != nil { reader.recordProperties(keeping: options.idField.map { [$0] } ?? []) }
                    var index = 0
                    while let feature = try nextChecked(reader, index: index, scan: &scan, geos: geos, recorded: recording != nil) {
                        if let recording {
                            try recording.insert(feature, recorded: reader.recordedProperties)
                        } else {
                            try writer.insert(feature)
                        }
                        if index % 4096 == 0 {
                            progress?(ImportProgress(phase: .writing, bytesDone: reader.bytesRead, bytesTotal: source.size, features: index))
                        }
                        index += 1
                    }
                    try finish(&scan, reader: reader, options: options, file: file)
                    return try completed(scan)
                }
                // Parsing and checking on a thread of their own, the inserts on this one.
                // Recording the properties moves the writing of their JSON text from the
                // writing thread to the reading one, each feature's record handed over with it.
                // That pays for points (the appeals 0.49 → 0.45 s, the 30-column file 0.72 →
                // 0.65), whose reading thread does little else; for lines and polygons its
                // GEOS validity check already makes it the slower thread (the buildings 0.18
                // → 0.19 s), and the writing thread builds the text as without the pipeline.
                let pointsOnly = ["POINT", "MULTIPOINT"].contains(provisional.geometryColumnType)
                let recording = Self.recordsProperties && pointsOnly ? writer as? RecordedPropertiesWriter : nil
                let records = recording != nil
                let (found, _) = try FeaturePipeline<Scan>.run(depth: 8, produce: { pipeline in
                    var scan = Scan()
                    scan.sourceCRS = sourceCRS
                    let geos = GEOSContext()
                    let reader = try openReader(source, options: options, sequence: sequence)
                    if case .some(let found) = trailingCRS { reader.assumeTrailingCRS(found) }
                    if records { reader.recordProperties(keeping: options.idField.map { [$0] } ?? []) }
                    var index = 0
                    var batch = FeaturePipeline<Scan>.Batch()
                    while let feature = try nextChecked(reader, index: index, scan: &scan, geos: geos, recorded: records) {
                        batch.features.append(feature)
                        if records { batch.recorded.append(reader.recordedProperties.copied()) }
                        index += 1
                        if batch.features.count == Self.pipelineBatch {
                            batch.bytesRead = reader.bytesRead
                            guard pipeline.send(batch) else { throw CancellationError() }
                            batch = FeaturePipeline<Scan>.Batch(firstIndex: index)
                        }
                    }
                    batch.bytesRead = reader.bytesRead
                    guard pipeline.send(batch) else { throw CancellationError() }
                    try finish(&scan, reader: reader, options: options, file: file)
                    return scan
                }, consume: { pipeline in
                    while let batch = try pipeline.next() {
                        if let recording {
                            for (feature, properties) in zip(batch.features, batch.recorded) {
                                try recording.insert(feature, recorded: properties)
                            }
                        } else {
                            for feature in batch.features { try writer.insert(feature) }
                        }
                        let end = batch.firstIndex + batch.features.count
                        if batch.firstIndex / 4096 != end / 4096 {
                            progress?(ImportProgress(phase: .writing, bytesDone: batch.bytesRead, bytesTotal: source.size, features: end))
                        }
                        pipeline.written(batch)
                    }
                })
                scan = found
                return try completed(scan)
            }
            return (written, scan)
        } catch is LayoutContradicted {
            return nil
        } catch is ImportError {
            return nil
        }

        /// The next feature with its id, checked into `scan`. An invalid geometry contradicts
        /// the one pass: the two-pass import rejects, skips or repairs it.
        func nextChecked(_ reader: GeoJSONReader, index: Int, scan: inout Scan, geos: GEOSContext, recorded: Bool = false) throws -> Feature? {
            guard let original = try nextFeature(reader, source) else { return nil }
            var feature = try withID(original, index: index, options: options, file: file)
            let invalid = scan.invalid.count
            feature.geometry = try check(feature, index: index, into: &scan, transformer: transformer, region: region,
                                         geos: geos, options: options, file: file,
                                         recorded: recorded ? reader.recordedProperties : nil)
            if scan.invalid.count != invalid { throw LayoutContradicted() }
            return feature
        }

        /// The catalog entry of the layer the whole file describes, or LayoutContradicted.
        func completed(_ scan: Scan) throws -> LayerInfo {
            guard scan.schema.columns() == provisional.columns,
                  GeometryPromotion.columnType(for: Set(scan.writtenKinds.keys)) == provisional.geometryColumnType else {
                throw LayoutContradicted()
            }
            var info = provisional
            info.geometryKinds = scan.sortedKinds
            info.extent = scan.extent.isEmpty ? nil : scan.extent
            info.sourceSHA256 = try source.sha256()
            info.regionWarnings = scan.regionWarningCount
            return info
        }
    }
}
