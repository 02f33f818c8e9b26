#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GeoCore

/// Writes routed appeals, one output row per input row in input order, as CSV or as a
/// GeoJSON FeatureCollection, to a file, standard output or memory (an HTTP response).
///
/// Both formats carry the same fields. CSV columns: `row, id, lon, lat, category, status,
/// organisation, organisation_id, phone, email, deadline_days, rule, layer, feature_id,
/// distance_m, flags, others, error`. GeoJSON keeps each input feature's properties and adds
/// the same fields as `route_*` properties (`route_status`, `route_organisation`, …), typed.
/// `lon`/`lat` and the GeoJSON geometry are WGS84 whatever the input's CRS.
public final class RoutedAppealWriter {
    public enum Format: String, Sendable, CaseIterable {
        case csv, geojson

        /// `.geojson` or `.json` file names mean GeoJSON; anything else CSV.
        public static func guess(path: String) -> Format {
            let lower = path.lowercased()
            return lower.hasSuffix(".geojson") || lower.hasSuffix(".json") ? .geojson : .csv
        }
    }

    /// The CSV header.
    public static let csvColumns = ["row", "id", "lon", "lat", "category", "status", "organisation", "organisation_id", "phone",
                                    "email", "deadline_days", "rule", "layer", "feature_id", "distance_m", "flags", "others", "error"]

    public let format: Format
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let destination: String
    private var pending: [UInt8] = []
    private var geojson: GeoJSONWriter?
    private let toMemory: Bool
    /// The row formatters, made for the first chunk and kept for the rest: a writer serves
    /// one batch, routed by one router.
    private var csvFormatter: RoutedCSVFormatter?
    private var geojsonFormatter: RoutedGeoJSONFormatter?

    /// Writes to `path`, or standard output for `-`.
    public init(path: String, format: Format) throws {
        self.format = format
        destination = path == "-" ? "<stdout>" : path
        toMemory = false
        if path == "-" {
            fd = 1
            ownsDescriptor = false
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else {
                throw GeoJSONWriteError(destination: path, reason: String(cString: strerror(errno)))
            }
            ownsDescriptor = true
        }
        if format == .geojson { geojson = GeoJSONWriter(fileDescriptor: fd, destination: destination, closeWhenDone: false) }
    }

    /// Collects the output in memory; read it from ``bytes`` after ``finish()``.
    public init(format: Format) {
        self.format = format
        destination = "<memory>"
        fd = -1
        ownsDescriptor = false
        toMemory = true
        if format == .geojson { geojson = GeoJSONWriter() }
    }

    /// The whole output, for a writer made with ``init(format:)``.
    public var bytes: [UInt8] { geojson?.bytes ?? pending }

    /// Writes the header (CSV) or opens the collection (GeoJSON).
    public func begin() throws {
        if let geojson {
            try geojson.begin(name: "routed appeals")
        } else {
            appendCSV(Self.csvColumns)
        }
    }

    /// Writes one routed row: its 1-based number, the row as read, and the router's result.
    public func write(number: Int, row: AppealRow, result r: RouteResult, router: Router) throws {
        if let geojson {
            try geojson.write(Self.feature(number: number, row: row, result: r, router: router))
        } else {
            appendCSV(Self.cells(number: number, row: row, result: r, router: router))
            if !toMemory && pending.count > 1 << 20 { try flush() }
        }
    }

    /// The output feature of one row: the input feature (or a new one) with the `route_*`
    /// properties and a WGS84 point.
    static func feature(number: Int, row: AppealRow, result r: RouteResult, router: Router) -> Feature {
        let cells = Self.cells(number: number, row: row, result: r, router: router)
        var f = row.feature ?? Feature(geometry: nil)
        if let json = row.encodedProperties, case .object(let properties)? = try? JSONDocument.parse(json) {
            f.properties = properties  // read encoded, not built: build them for this row
        }
        // WGS84 whatever the input's CRS; an error row has none (its coordinates are unusable).
        f.geometry = row.problem == nil ? Geometry.point(Point(x: row.lon, y: row.lat)) : nil
        if f.id == nil && !row.id.isEmpty { f.id = .string(row.id) }
        func text(_ i: Int) -> JSONValue { cells[i].isEmpty ? .null : .string(cells[i]) }
        f.properties["route_status"] = .string(cells[5])
        f.properties["route_organisation"] = text(6)
        f.properties["route_organisation_id"] = text(7)
        f.properties["route_phone"] = text(8)
        f.properties["route_email"] = text(9)
        f.properties["route_deadline_days"] = Int64(cells[10]).map(JSONValue.integer) ?? .null
        f.properties["route_rule"] = text(11)
        f.properties["route_layer"] = text(12)
        f.properties["route_feature"] = text(13)
        f.properties["route_distance_m"] = r.metres.map { JSONValue.number(($0 * 100).rounded() / 100) } ?? .null
        f.properties["route_flags"] = .array(r.flags.names.map(JSONValue.string))
        f.properties["route_others"] = cells[16].isEmpty ? .array([]) : .array(cells[16].components(separatedBy: "; ").map(JSONValue.string))
        f.properties["route_error"] = text(17)
        return f
    }

    /// Writes consecutive rows as GeoJSON features, numbered from `firstNumber`, encoding
    /// slices of them on two cores; the same bytes as ``write(number:row:result:router:)``.
    /// `categories` holds each row's category index (-1: unknown or a bad row).
    func writeGeoJSON(firstNumber: Int, rows: [AppealRow], results: [RouteResult], categories: [Int], router: Router) throws {
        guard let geojson else { preconditionFailure("writeGeoJSON on a CSV writer") }
        precondition(rows.count == results.count && rows.count == categories.count)
        let formatter = geojsonFormatter ?? RoutedGeoJSONFormatter(router: router, options: geojson.options)
        geojsonFormatter = formatter
        let chunks: [(bytes: [UInt8], count: Int)] = try parallelMap(rows.count, minimumForTwo: 1024) { range in
            var out: [UInt8] = []
            out.reserveCapacity(range.count * 640)
            for i in range {
                formatter.append(number: firstNumber + i, row: rows[i], result: results[i], category: categories[i],
                                 first: i == range.lowerBound, to: &out)
            }
            return [(out, range.count)]
        }
        for chunk in chunks { try geojson.write(encodedFeatures: chunk.bytes, count: chunk.count) }
    }

    /// Writes consecutive rows as CSV, numbered from `firstNumber`, formatting slices of them on
    /// two cores; the same bytes as ``write(number:row:result:router:)`` row by row.
    /// `categories` holds each row's category index (-1: unknown or a bad row).
    func writeCSV(firstNumber: Int, rows: [AppealRow], results: [RouteResult], categories: [Int], router: Router) throws {
        precondition(format == .csv && rows.count == results.count && rows.count == categories.count)
        let formatter = csvFormatter ?? RoutedCSVFormatter(router: router)  // escaped cells per organisation, rule, layer, feature
        csvFormatter = formatter
        let parts: [[UInt8]] = try parallelMap(rows.count) { range in
            var out: [UInt8] = []
            out.reserveCapacity(range.count * 160)
            for i in range {
                formatter.append(number: firstNumber + i, row: rows[i], result: results[i], category: categories[i], to: &out)
            }
            return [out]
        }
        for part in parts {
            if !toMemory && part.count >= 1 << 18 {
                // Large: written as it is, not copied into `pending` first.
                try flush()
                try GeoJSONWriter.writeAll(part, to: fd, destination: destination)
            } else {
                pending.append(contentsOf: part)
                if !toMemory && pending.count > 1 << 20 { try flush() }
            }
        }
    }

    /// Ends the output and, for a file, closes it.
    public func finish() throws {
        if let geojson {
            try geojson.finish()
        } else if !toMemory {
            try flush()
        }
        if ownsDescriptor { close(fd) }
    }

    // MARK: Rows

    /// Rows with these flags get the full explanation (candidates on a border, neighbours).
    static let detailFlags: RouteFlags = [.onBorder, .nearBorder, .overlappingClaims]

    /// The output cells of one row; the status is `ok`, `unrouted` or `error`.
    static func cells(number: Int, row: AppealRow, result r: RouteResult, router: Router) -> [String] {
        var cells = [String(number), row.id, row.lon.isFinite ? "\(row.lon)" : "", row.lat.isFinite ? "\(row.lat)" : "", row.category]
        if let problem = row.problem {
            cells += ["error", "", "", "", "", "", "", "", "", "", "", "", problem.message]
        } else if r.organisation < 0 {
            cells += ["unrouted", "", "", "", "", "", "", "", "", "", r.flags.names.joined(separator: " "), "",
                      "no rule matched and the category has no fallback"]
        } else {
            let org = router.organisations[Int(r.organisation)]
            let categoryIndex = router.categoryIndex(of: row.category) ?? 0
            // The full explanation only where there is more to say than the organisation.
            let needsDetail = !r.flags.isDisjoint(with: Self.detailFlags)
            let d = needsDetail ? router.explain(r, lon: row.lon, lat: row.lat, category: categoryIndex) : nil
            let others = (d?.candidates.compactMap { $0.organisation }.filter { $0 != org.name } ?? [])
                + (d?.neighbours.map { $0.organisation.name } ?? [])
            let category = router.rules.categories[categoryIndex]
            let rule = r.strategy >= 0 ? category.strategies[Int(r.strategy)].description : ""
            cells += ["ok", org.name, org.id ?? "", org.phone ?? "", org.email ?? "", String(category.deadlineDays), rule,
                      router.layerName(of: r) ?? "", router.featureID(of: r) ?? "", r.metres.map { Self.fixed($0, 2) } ?? "",
                      r.flags.names.joined(separator: " "), Array(Set(others)).sorted().joined(separator: "; "), ""]
        }
        return cells
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    private func appendCSV(_ cells: [String]) { Self.appendCSV(cells, to: &pending) }

    static func appendCSV(_ cells: [String], to pending: inout [UInt8]) {
        for (i, cell) in cells.enumerated() {
            if i > 0 { pending.append(UInt8(ascii: ",")) }
            RoutedCSVFormatter.append(cell, to: &pending)
        }
        pending.append(10)
    }

    private func flush() throws {
        try GeoJSONWriter.writeAll(pending, to: fd, destination: destination)
        pending.removeAll(keepingCapacity: true)
    }
}
