import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl crs add|list|show|drop|fit`: the store's own named coordinate reference systems,
/// for the local systems (МСК) EPSG does not list.
struct CRSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crs",
        abstract: "Keep named coordinate reference systems (local МСК systems) in the store.",
        discussion: """
        A named CRS is used by `import --from-crs NAME` (stored names come before EPSG codes), \
        and a file whose .prj or MapInfo CoordSys describes the same projection is read with \
        the stored definition (with its datum shift, which an ESRI .prj loses). `crs fit` \
        fits one to control points.
        """,
        subcommands: [Add.self, List.self, Show.self, Drop.self, Fit.self],
        defaultSubcommand: List.self)

    static func registry(_ storeOptions: StoreOptions, create: Bool = false) throws -> any NamedCRSStore {
        let store = try storeOptions.open(create: create)
        guard let registry = store as? NamedCRSStore else { throw fail(NamedCRSError.unsupportedStore) }
        return registry
    }

    /// Checks the definition with PROJ, then stores it.
    static func save(_ crs: NamedCRS, replace: Bool, in registry: any NamedCRSStore) throws {
        do {
            try NamedCRS.validate(name: crs.name)
            do { _ = try CoordinateTransformer(from: crs.definition, to: "EPSG:4326") } catch {
                throw NamedCRSError.invalidDefinition(crs.name, reason: "\(error)")
            }
            try registry.saveNamedCRS(crs, replace: replace)
        } catch {
            throw fail(error)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a named CRS from a PROJ string or a WKT file (a .prj).")
        @Argument(help: "The name, e.g. msk74-1.") var name: String
        @Option(help: "A PROJ string, e.g. \"+proj=tmerc +lon_0=60.05 … +ellps=krass +towgs84=…\".") var proj: String?
        @Option(help: "A file holding the CRS as WKT (a .prj, a QGIS export).") var wkt: String?
        @Option(help: "Where the definition comes from (a document, an office).") var note: String?
        @Flag(help: "Replace a CRS of that name.") var replace = false
        @OptionGroup var storeOptions: StoreOptions

        func validate() throws {
            guard (proj == nil) != (wkt == nil) else { throw ValidationError("give exactly one of --proj and --wkt") }
        }

        func run() throws {
            var definition = proj ?? ""
            if let wkt {
                guard let data = FileManager.default.contents(atPath: wkt) else {
                    throw fail(ImportError.cannotRead(file: wkt, reason: "no such file or not readable"))
                }
                definition = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let registry = try CRSCommand.registry(storeOptions, create: true)
            try CRSCommand.save(NamedCRS(name: name, definition: definition, note: note), replace: replace, in: registry)
            print("\(name): added")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's named CRSs.")
        @Option(help: "Output: table, json or csv.") var format: OutputFormat = .table
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let registry = try CRSCommand.registry(storeOptions)
            let all: [NamedCRS]
            do { all = try registry.namedCRSs() } catch { throw fail(error) }
            var table = TextTable(columns: ["name", "definition", "note", "added"])
            for c in all { table.add(cells: .text(c.name), .text(c.definition), .text(c.note), .text(c.createdAt)) }
            print(table.render(format))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one named CRS: its definition, note, and PROJ's reading of it.")
        @Argument(help: "The name.") var name: String
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let registry = try CRSCommand.registry(storeOptions)
            let crs: NamedCRS
            do {
                guard let found = try registry.namedCRS(name) else {
                    throw NamedCRSError.unknown(name, known: try registry.namedCRSs().map(\.name))
                }
                crs = found
            } catch { throw fail(error) }
            var table = TextTable("field", "value")
            table.add("name", crs.name)
            table.add("definition", crs.definition)
            table.add("note", crs.note ?? "")
            table.add("added", crs.createdAt)
            if !CoordinateTransformer.isPipeline(crs.definition) {
                table.add("as PROJ string", CRSComparison.projString(crs.definition) ?? "?")
                if let code = CRSComparison.identify(crs.definition) { table.add("identified as", code) }
            } else {
                table.add("kind", "PROJ pipeline from local x/y to WGS84 lon/lat (fitted to control points)")
            }
            print(table.render(.table))
        }
    }

    struct Drop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a named CRS (layers already imported keep their coordinates).")
        @Argument(help: "The name.") var name: String
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let registry = try CRSCommand.registry(storeOptions)
            let dropped: Bool
            do { dropped = try registry.dropNamedCRS(name) } catch { throw fail(error) }
            guard dropped else { throw fail(NamedCRSError.unknown(name, known: (try? registry.namedCRSs().map(\.name)) ?? [])) }
            print("\(name): dropped")
        }
    }

    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a local transverse Mercator to control points and store it as a named CRS.",
            discussion: """
            The CSV has columns x, y (local easting, northing in metres), lon, lat (WGS84 degrees) \
            and optionally id. The fit is a transverse Mercator (central meridian found by search) \
            with a 2-D similarity (scale, rotation, shift) into the local axes, by least squares. \
            Each point's residual and the RMS are reported in metres; outliers are flagged. At \
            least 3 points; 5 or more, spread over the territory, to see the errors.
            """)
        @Argument(help: "The name to store it under, e.g. msk74-1.") var name: String
        @Option(help: "The control points CSV: x,y,lon,lat[,id].") var points: String
        @Option(help: "Where the points come from.") var note: String?
        @Flag(help: "Replace a CRS of that name.") var replace = false
        @Flag(name: .customLong("dry-run"), help: "Report the fit without storing it.") var dryRun = false
        @Option(help: "Output: table or json.") var format: ReportFormat = .table
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let fit: ControlPointFit
            let list: [ControlPoint]
            do {
                try NamedCRS.validate(name: name)
                list = try ControlPoint.read(csv: points)
                fit = try ControlPointFit(points: list)
            } catch { throw fail(error) }
            let definition = fit.definition(extent: ControlPointFit.extent(of: list))
            let outliers = fit.residuals.filter(\.isOutlier).map(\.id)
            let summary = "fitted to \(list.count) control points from \(points), RMS \(fixed(fit.rms, 3)) m"
            if !dryRun {
                let registry = try CRSCommand.registry(storeOptions, create: true)
                try CRSCommand.save(NamedCRS(name: name, definition: definition, note: note.map { "\($0); \(summary)" } ?? summary),
                                    replace: replace, in: registry)
            }
            switch format {
            case .json:
                let object: JSONValue = .object([
                    "name": .string(name), "definition": .string(definition), "stored": .bool(!dryRun),
                    "rms_m": .number(fit.rms), "central_meridian": .number(fit.centralMeridian),
                    "scale": .number(fit.scale), "rotation_arcsec": .number(fit.rotationArcSeconds),
                    "residuals": .array(fit.residuals.map { r in
                        .object(["id": .string(r.id), "dx_m": .number(r.dx), "dy_m": .number(r.dy),
                                 "distance_m": .number(r.distance), "outlier": .bool(r.isOutlier)])
                    }),
                ])
                print(object.compactText)
            case .table:
                var table = TextTable(columns: ["id", "dx m", "dy m", "residual m", "outlier"])
                for r in fit.residuals {
                    table.add(cells: .text(r.id), .number(r.dx, 3), .number(r.dy, 3), .number(r.distance, 3), .text(r.isOutlier ? "OUTLIER" : ""))
                }
                print(table.render(.table))
                print("RMS \(fixed(fit.rms, 3)) m over \(list.count) points; central meridian \(fixed(fit.centralMeridian, 6))°, scale \(fixed(fit.scale, 9)), rotation \(fixed(fit.rotationArcSeconds, 2))″")
                print(dryRun ? "not stored (--dry-run): \(definition)" : "\(name): stored as \(definition)")
            }
            if !outliers.isEmpty {
                Terminal.note("geoctl: warning: outlier control point\(outliers.count == 1 ? "" : "s"): \(outliers.joined(separator: ", ")) (check, remove and fit again)")
            }
        }
    }
}
