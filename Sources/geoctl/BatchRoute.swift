import ArgumentParser
import Foundation
import GeoCore
import Layers

/// Routes a file of appeals in chunks: read a chunk, route it on all cores, write it in
/// order. Memory stays at one chunk whatever the file's size.
struct BatchRoute {
    let router: Router
    let input: String
    let output: String
    let lonColumn: String
    let latColumn: String
    let categoryColumn: String
    let threads: Int
    static let chunkSize = 16_384

    /// One input row and what is known before routing.
    struct Row {
        var id: String
        var lon: Double
        var lat: Double
        var category: String
        var categoryIndex: Int
        var error: String?
        var feature: Feature?
    }

    func run() throws {
        let started = Terminal.now()
        let csvInput = input.lowercased().hasSuffix(".csv")
        let geojsonOutput = output.lowercased().hasSuffix(".geojson") || output.lowercased().hasSuffix(".json")
        var counts = [Int](repeating: 0, count: router.organisations.count)
        var errors = 0, unrouted = 0, total = 0
        let progress = Progress("route", total: input == "-" ? nil : Terminal.fileSize(input))

        let csvWriter: CSVOutput? = geojsonOutput ? nil : try CSVOutput(path: output)
        let geoWriter: GeoJSONWriter?
        do {
            geoWriter = geojsonOutput ? try GeoJSONWriter(path: output) : nil
            try geoWriter?.begin(name: "routed appeals")
        } catch { throw fail(error) }
        try csvWriter?.write(["row", "id", "lon", "lat", "category", "status", "organisation", "organisation_id", "phone", "email",
                              "deadline_days", "rule", "layer", "feature_id", "distance_m", "flags", "others", "error"])

        func flush(_ rows: [Row]) throws {
            let results = router.route(x: rows.map(\.lon), y: rows.map(\.lat), categories: rows.map(\.categoryIndex), threads: threads)
            for (i, row) in rows.enumerated() {
                total += 1
                let r = results[i]
                var error = row.error
                if error == nil && r.flags.contains(.invalidInput) {
                    error = row.categoryIndex < 0 ? "unknown category \"\(row.category)\"" : "invalid coordinates lon \(row.lon), lat \(row.lat)"
                }
                var cells = [String(total), row.id, row.error == nil || row.lon.isFinite ? "\(row.lon)" : "", row.error == nil || row.lat.isFinite ? "\(row.lat)" : "", row.category]
                if let error {
                    errors += 1
                    cells += ["error", "", "", "", "", "", "", "", "", "", "", "", error]
                } else if r.organisation < 0 {
                    unrouted += 1
                    cells += ["unrouted", "", "", "", "", "", "", "", "", "", r.flags.names.joined(separator: " "), "", "no rule matched and the category has no fallback"]
                } else {
                    counts[Int(r.organisation)] += 1
                    let org = router.organisations[Int(r.organisation)]
                    // The full explanation only where there is more to say than the organisation.
                    let needsDetail = !r.flags.isDisjoint(with: [.onBorder, .nearBorder, .overlappingClaims])
                    let d = needsDetail ? router.explain(r, lon: row.lon, lat: row.lat, category: row.categoryIndex) : nil
                    let others = (d?.candidates.compactMap { $0.organisation }.filter { $0 != org.name } ?? [])
                        + (d?.neighbours.map { $0.organisation.name } ?? [])
                    let category = router.rules.categories[row.categoryIndex]
                    let rule = r.strategy >= 0 ? category.strategies[Int(r.strategy)].description : ""
                    cells += ["ok", org.name, org.id ?? "", org.phone ?? "", org.email ?? "", String(category.deadlineDays), rule,
                              router.layerName(of: r) ?? "", router.featureID(of: r) ?? "", r.metres.map { fixed($0, 2) } ?? "",
                              r.flags.names.joined(separator: " "), Array(Set(others)).sorted().joined(separator: "; "), ""]
                }
                if let csvWriter { try csvWriter.write(cells) }
                if let geoWriter {
                    var f = row.feature ?? Feature(geometry: row.lon.isFinite && row.lat.isFinite ? .point(Point(x: row.lon, y: row.lat)) : nil)
                    if f.id == nil && !row.id.isEmpty { f.id = .string(row.id) }
                    f.properties["route_status"] = .string(cells[5])
                    f.properties["route_organisation"] = cells[6].isEmpty ? .null : .string(cells[6])
                    f.properties["route_organisation_id"] = cells[7].isEmpty ? .null : .string(cells[7])
                    f.properties["route_phone"] = cells[8].isEmpty ? .null : .string(cells[8])
                    f.properties["route_deadline_days"] = Int64(cells[10]).map(JSONValue.integer) ?? .null
                    f.properties["route_rule"] = cells[11].isEmpty ? .null : .string(cells[11])
                    f.properties["route_feature"] = cells[13].isEmpty ? .null : .string(cells[13])
                    f.properties["route_others"] = cells[16].isEmpty ? .null : .string(cells[16])
                    f.properties["route_flags"] = .array(r.flags.names.map(JSONValue.string))
                    f.properties["route_error"] = error.map(JSONValue.string) ?? .null
                    do { try geoWriter.write(f) } catch { throw fail(error) }
                }
            }
        }

        var rows: [Row] = []
        rows.reserveCapacity(Self.chunkSize)
        do {
            if csvInput {
                let reader = try CSVReader(path: input)
                guard let header = reader.next() else { throw ConfigurationError(file: reader.source, reason: "empty CSV: no header") }
                func column(_ name: String) throws -> Int {
                    guard let i = header.firstIndex(of: name) else {
                        throw ConfigurationError(file: reader.source, reason: "no column \"\(name)\" (columns: \(header.joined(separator: ", ")))")
                    }
                    return i
                }
                let lonIndex = try column(lonColumn), latIndex = try column(latColumn), catIndex = try column(categoryColumn)
                let idIndex = header.firstIndex(of: "id")
                while let record = reader.next() {
                    if record == [""] { continue }   // a blank line
                    var row = Row(id: idIndex.flatMap { $0 < record.count ? record[$0] : nil } ?? "", lon: .nan, lat: .nan,
                                  category: catIndex < record.count ? record[catIndex] : "", categoryIndex: -1)
                    let lonText = lonIndex < record.count ? record[lonIndex].trimmingCharacters(in: .whitespaces) : ""
                    let latText = latIndex < record.count ? record[latIndex].trimmingCharacters(in: .whitespaces) : ""
                    if let x = Double(lonText), let y = Double(latText), x.isFinite, y.isFinite {
                        row.lon = x
                        row.lat = y
                    } else {
                        row.error = "line \(reader.line): coordinates \"\(lonText)\", \"\(latText)\" are not numbers"
                    }
                    row.categoryIndex = router.categoryIndex(of: row.category) ?? -1
                    rows.append(row)
                    if rows.count == Self.chunkSize { try flush(rows); rows.removeAll(keepingCapacity: true) }
                }
            } else {
                // Out-of-range coordinates become error rows, so read with the lax check.
                let reader = try GeoJSONReader(path: input, coordinateCheck: .projected)
                while let f = try reader.next() {
                    var row = Row(id: f.id?.description ?? "", lon: .nan, lat: .nan,
                                  category: f.properties[categoryColumn]?.plainText ?? "", categoryIndex: -1, feature: f)
                    switch f.geometry {
                    case .point(let p)?:
                        row.lon = p.x
                        row.lat = p.y
                    case nil:
                        row.error = "feature \(reader.featuresRead - 1) has no geometry"
                    case let g?:
                        row.error = "feature \(reader.featuresRead - 1) is a \(g.typeName), not a Point"
                    }
                    if f.properties[categoryColumn] == nil && row.error == nil {
                        row.error = "feature \(reader.featuresRead - 1) has no \"\(categoryColumn)\" property"
                    }
                    row.categoryIndex = router.categoryIndex(of: row.category) ?? -1
                    rows.append(row)
                    if rows.count == Self.chunkSize {
                        try flush(rows)
                        rows.removeAll(keepingCapacity: true)
                        progress.update(done: reader.bytesRead, items: total)
                    }
                }
            }
            try flush(rows)
            try csvWriter?.close()
            try geoWriter?.finish()
        } catch let e as ExitCode {
            progress.finish()
            throw e
        } catch {
            progress.finish()
            throw fail(error)
        }
        progress.finish()

        var summary = TextTable("organisation", "appeals")
        for (i, n) in counts.enumerated().sorted(by: { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }) where n > 0 {
            summary.add(router.organisations[i].name, String(n))
        }
        if unrouted > 0 { summary.add("(unrouted)", String(unrouted)) }
        if errors > 0 { summary.add("(errors)", String(errors)) }
        Terminal.note(summary.render(.table))
        Terminal.note("\(total) appeals routed in \(fixed(Terminal.now() - started, 2)) s: \(total - errors - unrouted) ok, \(unrouted) unrouted, \(errors) errors")
    }
}

/// CSV lines to a file or stdout, buffered.
final class CSVOutput {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private var pending: [UInt8] = []

    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardOutput
            ownsHandle = false
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw fail(GeoJSONWriteError(destination: path, reason: "cannot create the file"))
            }
            handle = h
            ownsHandle = true
        }
    }

    func write(_ cells: [String]) throws {
        for (i, cell) in cells.enumerated() {
            if i > 0 { pending.append(UInt8(ascii: ",")) }
            // Bytes, not Characters: grapheme-aware comparison is slow on Cyrillic text.
            if cell.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
                pending.append(34)
                for b in cell.utf8 {
                    if b == 34 { pending.append(34) }
                    pending.append(b)
                }
                pending.append(34)
            } else {
                pending.append(contentsOf: cell.utf8)
            }
        }
        pending.append(10)
        if pending.count > 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        if ownsHandle { try handle.close() }
    }
}
