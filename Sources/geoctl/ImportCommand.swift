import ArgumentParser
import GeoCore
import Layers

/// `geoctl import FILE|- --layer NAME --kind KIND …`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a GeoJSON file (or - for stdin) as a layer of the store, in one transaction.",
        discussion: """
        The file is checked completely before anything is written: malformed GeoJSON, an unknown \
        CRS or (by default) any invalid geometry leaves the store exactly as it was. Coordinates \
        in another CRS (--from-crs, a named CRS of the store (geoctl crs), the file's .prj or \
        CoordSys, or its legacy "crs" member) are transformed to EPSG:4326. Shapefile, MapInfo, \
        GeoPackage, KML and CSV files are read through GDAL's ogr2ogr (Debian gdal-bin); their \
        text is decoded from the encoding they declare (.cpg, DBF language byte, MapInfo \
        Charset), --encoding, or a guess that is said out loud. Importing the same file again (same SHA-256) changes nothing. With \
        --on-invalid skip, rejected features go to <store folder>/<layer>.rejected.geojson \
        unless --rejected names another file.
        """)

    @Argument(help: "A GeoJSON or GeoJSONSeq file (- for standard input), or a Shapefile, MapInfo TAB/MIF, GeoPackage, KML or CSV file (read through GDAL's ogr2ogr).")
    var file: String

    @Option(help: "The layer's name: letters, digits, _ and -, starting with a letter.")
    var layer: String

    @Option(help: "What the layer holds: \(LayerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: LayerKind

    @Option(help: "Sphere: housing, utilities, architecture, construction, landscaping, transport, safety… (left out: kept on a re-import; \"\" clears).")
    var sphere: String?

    @Option(help: "The organisation that owns the layer (left out: kept on a re-import; \"\" clears).")
    var owner: String?

    @Option(help: "public or restricted (left out: public for a new layer, kept on a re-import).")
    var visibility: Visibility?

    @Option(name: .customLong("from-crs"), help: "The source CRS (EPSG:28411, a PROJ string…) when the file does not name it.")
    var fromCRS: String?

    @Option(name: .customLong("id-field"), help: "Take feature ids from this property.")
    var idField: String?

    @OptionGroup var dateFields: DateFieldOptions

    @OptionGroup var formatOptions: FormatOptions

    @Option(name: .customLong("on-invalid"), help: "Invalid geometries: reject (default), repair or skip.")
    var onInvalid: InvalidGeometryPolicy = .reject

    @Option(help: "With --on-invalid skip: where to write the rejected features.")
    var rejected: String?

    @Flag(help: "Replace an existing layer of that name (its version goes up by one).")
    var replace = false

    @Option(help: "Output: table (a summary line) or json.")
    var format: ReportFormat = .table

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        // A missing file or a bad layer name is said before the store is created.
        do { try LayerImporter.checkBeforeStore(file: file, layer: layer) } catch { throw fail(error) }
        let store = try storeOptions.open(create: true)
        var options = ImportOptions(layer: layer, kind: kind, sphere: sphere, owner: owner, visibility: visibility,
                                    fromCRS: fromCRS, idField: idField, onInvalid: onInvalid, replace: replace,
                                    rejectedPath: rejected)
        formatOptions.apply(to: &options)
        options.dateFields = dateFields.names
        let bar = Progress("import \(layer)", total: nil)
        let report: ImportReport
        do {
            report = try LayerImporter(store: store, sidecarFolder: storeOptions.folder).importFile(file, options: options) { p in
                bar.update(phase: p.phase.rawValue, done: p.bytesDone, total: p.bytesTotal, items: p.features)
            }
        } catch {
            bar.finish()
            throw fail(error)
        }
        bar.finish()
        for n in report.notes { Terminal.note("geoctl: note: \(n)") }
        for w in report.warnings { Terminal.note("geoctl: warning: \(w)") }
        for r in report.repaired { Terminal.note("geoctl: repaired: \(r)") }
        for s in report.skipped { Terminal.note("geoctl: skipped: \(s)") }
        switch format {
        case .json: print(ReportJSON.report(report).compactText)
        case .table: print(report.summary)
        }
    }
}
