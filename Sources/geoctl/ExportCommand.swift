import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl export LAYER`
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a layer's features as GeoJSON (RFC 7946) or CSV, streaming.")

    @Argument(help: "The layer.")
    var layer: String

    @Option(help: "geojson (default) or csv: id, the properties, the geometry as WKT (id and wkt become feature_id and feature_wkt when a property has that name).")
    var format: ExportFormat = .geojson

    @Option(help: "Only features intersecting W,S,E,N (degrees).")
    var bbox: String?

    @Option(help: "Only features whose PROPERTY equals VALUE (compared as text).")
    var `where`: String?

    @Option(help: "Digits after the decimal point for coordinates, 0…15 (7 is about 1 cm in degrees).")
    var precision = 7

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable { case geojson, csv }

    func validate() throws {
        if let bbox, parsedBBox(bbox) == nil { throw ValidationError("--bbox must be W,S,E,N with W ≤ E and S ≤ N") }
        if let w = `where`, !w.contains("=") { throw ValidationError("--where must be PROPERTY=VALUE") }
        if !(0 ... 15).contains(precision) { throw ValidationError("--precision must be 0…15") }
    }

    private func parsedBBox(_ text: String) -> BoundingBox? {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, parts[0] <= parts[2], parts[1] <= parts[3] else { return nil }
        return BoundingBox(minX: parts[0], minY: parts[1], maxX: parts[2], maxY: parts[3])
    }

    func run() throws {
        let store = try storeOptions.open()
        let info = try visibility.visibleLayer(layer, in: store)
        var filter = FeatureFilter()
        filter.bbox = bbox.flatMap(parsedBBox)
        if let w = `where`, let eq = w.firstIndex(of: "=") {
            filter.equals = (String(w[..<eq]), String(w[w.index(after: eq)...]))
        }
        do {
            switch format {
            case .geojson:
                let writer = try GeoJSONWriter(path: output ?? "-", options: GeoJSONWriteOptions(precision: precision))
                try writer.begin(name: info.name)
                try store.forEachFeature(of: info.name, filter: filter) { try writer.write($0) }
                try writer.finish()
            case .csv:
                try exportCSV(info, store: store, filter: filter)
            }
        } catch {
            throw fail(error)
        }
    }

    private func exportCSV(_ info: LayerInfo, store: any LayerStore, filter: FeatureFilter) throws {
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil), let h = FileHandle(forWritingAtPath: output) else {
                throw GeoJSONWriteError(destination: output, reason: "cannot create the file")
            }
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
        let properties = info.columns.map(\.property)
        // The GeoJSON id and the geometry get their own columns; a property already called
        // `id` or `wkt` keeps its name and theirs become `feature_id` / `feature_wkt`.
        let idColumn = properties.contains("id") ? "feature_id" : "id"
        let wktColumn = properties.contains("wkt") ? "feature_wkt" : "wkt"
        var table = TextTable(columns: [idColumn] + properties + [wktColumn])
        var buffered = 0
        var wroteHeader = false
        try store.forEachFeature(of: info.name, filter: filter) { f in
            var row = [f.id?.description ?? ""]
            for p in properties { row.append(f.properties[p]?.plainText ?? "") }
            row.append(f.geometry.map { WKT.text(of: $0, precision: precision) } ?? "")
            table.rows.append(row.map(Cell.text))
            buffered += 1
            if buffered >= 4096 {
                handle.write(Data((table.render(.csv, header: !wroteHeader) + "\n").utf8))
                wroteHeader = true
                table.rows.removeAll(keepingCapacity: true)
                buffered = 0
            }
        }
        if buffered > 0 || !wroteHeader {
            handle.write(Data((table.render(.csv, header: !wroteHeader) + "\n").utf8))
        }
        if output != nil { try handle.close() }
    }
}
