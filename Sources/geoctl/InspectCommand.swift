import ArgumentParser
import GeoCore
import Layers

/// `geoctl inspect FILE`: what a GeoJSON file holds, read in one streaming pass.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Read a GeoJSON file (or - for stdin) and summarise it: features, geometry types, extent, CRS, properties.",
        discussion: "With --validate, every geometry is also checked with GEOS and each invalid one listed with GEOS's reason and location.")

    @Argument(help: "A GeoJSON file, or - for standard input.")
    var file: String

    @Flag(help: "Check each geometry's validity with GEOS.")
    var validate = false

    @Option(help: "Output: table, json or csv.")
    var format: OutputFormat = .table

    func run() throws {
        let reader: GeoJSONReader
        do {
            // A pipe is spooled, so a `crs` member after the features is honoured there too.
            reader = file == "-" ? GeoJSONReader(fileDescriptor: try StandardInputSpool.descriptor(), source: "<stdin>", closeWhenDone: true)
                : try GeoJSONReader(path: file)
        } catch { throw fail(error) }
        let progress = Progress("reading \(file)", total: file == "-" ? nil : Terminal.fileSize(file))
        var summary = FeatureSummary()
        var problems: [(Int, String, String)] = []
        let geos = validate ? GEOSContext() : nil
        do {
            while let feature = try reader.next() {
                summary.add(feature)
                if let geos, let g = feature.geometry {
                    if let problem = try geos.geometry(g).validityProblem() {
                        problems.append((reader.featuresRead - 1, feature.id?.description ?? "", problem.description))
                    }
                }
                progress.update(done: reader.bytesRead, items: reader.featuresRead)
            }
        } catch {
            progress.finish()
            throw fail(error)
        }
        progress.finish()

        if format == .json {
            print(json(reader: reader, summary: summary, problems: problems).compactText)
            if !problems.isEmpty { throw ExitStatus.badInput }
            return
        }
        var table = TextTable("field", "value")
        table.add("file", file)
        table.add("type", reader.documentType ?? "?")
        table.add("features", String(summary.featureCount))
        table.add("geometry types", summary.kindList.map { "\($0.rawValue) \(summary.kinds[$0]!)" }.joined(separator: ", "))
        if summary.nullGeometryCount > 0 { table.add("null geometries", String(summary.nullGeometryCount)) }
        table.add("positions", String(summary.pointCount))
        table.add("extent (W,S,E,N)", summary.extent.isEmpty ? "empty" : summary.extent.description)
        table.add("crs", reader.legacyCRS?.description ?? "WGS84 lon/lat (RFC 7946 default)")
        table.add("z values", reader.sawZ ? "present, dropped (geoctl is 2-D)" : "none")
        for p in summary.properties {
            table.add("property \(p.name)", "\(p.types.sorted().joined(separator: "|")) in \(Counted.text(p.nonNullCount, "feature")), e.g. \(p.samples.joined(separator: "; "))")
        }
        if validate {
            table.add("invalid geometries", String(problems.count))
            for (index, id, reason) in problems {
                table.add("  feature \(index)\(id.isEmpty ? "" : " (id \(id))")", reason)
            }
        }
        print(table.render(format))
        if !problems.isEmpty { throw ExitStatus.badInput }
    }

    /// The summary as one typed object; `invalid_geometries` is null unless `--validate`.
    private func json(reader: GeoJSONReader, summary: FeatureSummary, problems: [(Int, String, String)]) -> JSONValue {
        let e = summary.extent
        return .object([
            "file": .string(file),
            "type": reader.documentType.map(JSONValue.string) ?? .null,
            "features": .integer(Int64(summary.featureCount)),
            "geometry_types": .array(summary.kindList.map { .object(["type": .string($0.rawValue), "features": .integer(Int64(summary.kinds[$0]!))]) }),
            "null_geometries": .integer(Int64(summary.nullGeometryCount)),
            "positions": .integer(Int64(summary.pointCount)),
            "bbox": e.isEmpty ? .null : .array([.number(e.minX), .number(e.minY), .number(e.maxX), .number(e.maxY)]),
            "crs": reader.legacyCRS.map { .string($0.description) } ?? .null,
            "z_values": .bool(reader.sawZ),
            "properties": .array(summary.properties.map { p in
                .object(["name": .string(p.name), "types": .array(p.types.sorted().map(JSONValue.string)),
                         "features": .integer(Int64(p.nonNullCount)), "samples": .array(p.sampleValues)])
            }),
            "invalid_geometries": validate ? .array(problems.map { index, id, reason in
                .object(["feature_index": .integer(Int64(index)), "id": id.isEmpty ? .null : .string(id), "reason": .string(reason)])
            }) : .null,
        ])
    }
}
