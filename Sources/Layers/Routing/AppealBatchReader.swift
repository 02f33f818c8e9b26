#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

/// One appeal of a batch as read: where it is (WGS84, after any transformation), its
/// category, and what is wrong with it, if anything.
public struct AppealRow: Sendable {
    /// The appeal's id (the CSV `id` column, the feature id, the JSON `id` member), or "".
    public var id: String
    /// Longitude and latitude in WGS84; NaN when the row has a problem with them.
    public var lon: Double
    public var lat: Double
    public var category: String
    /// Why the row cannot be routed, if it cannot.
    public var problem: AppealRowProblem?
    /// The GeoJSON feature it came from, kept so GeoJSON output carries its properties. A
    /// reader told what the output needs (``AppealBatchReader/prepare(for:)``) leaves it nil
    /// for CSV, and for GeoJSON keeps only its id, with the properties in ``encodedProperties``.
    public var feature: Feature?
    /// The feature's properties as the compact JSON ``JSONText/appendObject(_:to:)`` writes,
    /// when the reader encoded them as it read them instead of building them.
    public var encodedProperties: ArraySlice<UInt8>?

    public init(id: String, lon: Double, lat: Double, category: String, problem: AppealRowProblem? = nil,
                feature: Feature? = nil, encodedProperties: ArraySlice<UInt8>? = nil) {
        self.id = id
        self.lon = lon
        self.lat = lat
        self.category = category
        self.problem = problem
        self.feature = feature
        self.encodedProperties = encodedProperties
    }
}

/// Why one row of a batch cannot be routed. The kind lets a caller see that every row
/// failed for one reason (a projected file read as lon/lat, a wrong category column).
public struct AppealRowProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Coordinates that are not numbers, or a feature without geometry.
        case noCoordinates = "no_coordinates"
        /// A geometry that is not a Point.
        case notPoint = "not_point"
        /// Numbers outside longitude [-180, 180] or latitude [-90, 90] (after transformation).
        case outsideLonLat = "outside_lon_lat"
        /// PROJ could not transform the point from the source CRS.
        case transformFailed = "transform_failed"
        /// No category value.
        case missingCategory = "missing_category"
        /// A category the rules do not know.
        case unknownCategory = "unknown_category"
        /// A CSV row whose quoted field is never closed: the rest of the file was read into it.
        case unclosedQuote = "unclosed_quote"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// What a batch file looks like.
public enum AppealBatchFormat: String, Sendable, CaseIterable {
    /// CSV with a header; longitude, latitude and category columns named by the options.
    case csv
    /// A GeoJSON FeatureCollection of Points with a category property.
    case geojson
    /// A JSON array of objects with the same members as the CSV columns.
    case jsonArray = "json"

    /// The format a file name suggests: `.csv`, `.json` holding an array, else GeoJSON.
    public static func guess(path: String) -> AppealBatchFormat {
        path.lowercased().hasSuffix(".csv") ? .csv : .geojson
    }
}

/// How a batch names its fields and its coordinate system.
public struct AppealBatchOptions: Sendable {
    /// CSV column or JSON member holding longitude (or x in a projected CRS).
    public var lonColumn = "lon"
    /// CSV column or JSON member holding latitude (or y in a projected CRS).
    public var latColumn = "lat"
    /// CSV column, JSON member or GeoJSON property holding the category.
    public var categoryColumn = "category"
    /// CSV column or JSON member holding the appeal's id.
    public var idColumn = "id"
    /// The input's CRS (EPSG code, PROJ string or WKT). nil: a GeoJSON `crs` member, else
    /// WGS84 longitude/latitude. Rows are transformed to WGS84 through PROJ.
    public var sourceCRS: String?

    public init(lonColumn: String = "lon", latColumn: String = "lat", categoryColumn: String = "category",
                idColumn: String = "id", sourceCRS: String? = nil) {
        self.lonColumn = lonColumn
        self.latColumn = latColumn
        self.categoryColumn = categoryColumn
        self.idColumn = idColumn
        self.sourceCRS = sourceCRS
    }
}

/// Reads a batch of appeals, chunk by chunk, from a file, standard input or memory (a
/// request body), in any CRS PROJ knows; rows come out in input order and in WGS84.
///
/// Memory stays at one chunk for files and standard input. A GeoJSON pipe on standard input
/// is spooled to an unlinked temporary file, so a `crs` member after the features is honoured.
public final class AppealBatchReader {
    /// The input as named in messages (`<stdin>`, a path, or the caller's name).
    public let source: String
    public let format: AppealBatchFormat
    /// The CRS the rows were transformed from, or nil for WGS84 (known after the first read).
    public private(set) var sourceCRS: String?
    private let options: AppealBatchOptions
    private var rows: RowSource
    private var transformer: CoordinateTransformer?
    private var crsDecided = false
    /// GeoJSON read for a known output: only the category is built (and, for GeoJSON
    /// output, the properties are encoded as read); nil: whole features, as before.
    private var projection: RoutedAppealWriter.Format?
    /// Per row of the chunk being read: its encoded properties in the reader's bytes, and
    /// whether they have a member named `route_…`.
    private var encodedRanges: [(range: Range<Int>?, routeMember: Bool)] = []
    /// The output ``prepare(for:)`` was told of.
    private var prepared: RoutedAppealWriter.Format?
    /// The thread reading chunks ahead, once started.
    private var ahead: ChunkPrefetcher?

    private enum RowSource {
        case csv(CSVReader, columns: (lon: Int, lat: Int, category: Int, id: Int?))
        case geojson(GeoJSONReader)
        case array([JSONValue], next: Int)
    }

    /// Reads `path` (`-` for standard input) in `format`.
    public init(path: String, format: AppealBatchFormat, options: AppealBatchOptions = .init()) throws {
        self.options = options
        self.format = format
        source = path == "-" ? "<stdin>" : path
        switch format {
        case .csv:
            let reader: CSVReader
            do { reader = try CSVReader(path: path) } catch { throw AppealBatchError.cannotRead(file: path, reason: error.reason) }
            rows = .csv(reader, columns: try Self.columns(of: reader, options))
        case .geojson:
            // Out-of-range coordinates become error rows, so read with the lax check.
            let reader: GeoJSONReader
            if path == "-" {
                reader = GeoJSONReader(fileDescriptor: try StandardInputSpool.descriptor(), source: "<stdin>",
                                       closeWhenDone: true, coordinateCheck: .projected)
            } else {
                do { reader = try GeoJSONReader(path: path, coordinateCheck: .projected) } catch {
                    throw error.line == 0 ? AppealBatchError.cannotRead(file: path, reason: error.reason) : error
                }
            }
            rows = .geojson(reader)
        case .jsonArray:
            let bytes = try Self.readAll(path)
            rows = .array(try Self.array(bytes, source: source), next: 0)
        }
    }

    /// Reads a batch held in memory, such as an HTTP request body; `source` names it.
    public init(bytes: [UInt8], format: AppealBatchFormat, source: String, options: AppealBatchOptions = .init()) throws {
        self.options = options
        self.format = format
        self.source = source
        switch format {
        case .csv:
            let reader = CSVReader(bytes: bytes, source: source)
            rows = .csv(reader, columns: try Self.columns(of: reader, options))
        case .geojson:
            rows = .geojson(GeoJSONReader(bytes: bytes, source: source, coordinateCheck: .projected))
        case .jsonArray:
            rows = .array(try Self.array(bytes, source: source), next: 0)
        }
    }

    /// Bytes of the input consumed so far, for progress (GeoJSON files).
    public var bytesRead: Int {
        if case .geojson(let reader) = rows { return reader.bytesRead }
        return 0
    }

    /// Before the first read: what the rows will be written as, so a GeoJSON input builds only
    /// what that output uses (its rows then differ only in ``AppealRow/feature`` and
    /// ``AppealRow/encodedProperties``, and write the same bytes). Other inputs ignore it.
    public func prepare(for output: RoutedAppealWriter.Format) {
        if let prepared {
            precondition(prepared == output, "a batch reader prepared for \(prepared) output cannot feed \(output) output")
            return
        }
        prepared = output
        guard case .geojson(let reader) = rows, reader.featuresRead == 0 else { return }
        projection = output
        // Only GeoJSON output replaces `route_…` members, so only it needs them flagged.
        reader.projectProperties(keeping: [options.categoryColumn], encodingAll: output == .geojson,
                                 flaggingPrefix: output == .geojson ? "route_" : "")
    }

    /// Starts reading chunks of `chunkSize` rows on a thread of its own, ahead of the caller
    /// (``Router/routeBatch(from:to:threads:chunkSize:progress:)`` does, unless it was done
    /// earlier, say while the router was built). Call ``prepare(for:)`` first. The rows, and an
    /// error, come in the same order as without; after this only the batch router reads.
    public func startReadingAhead(chunkSize: Int) {
        guard ahead == nil else { return }
        ahead = ChunkPrefetcher(reader: self, chunkSize: chunkSize)
    }

    /// The next chunk and the input's bytes read after it: from the thread reading ahead, if
    /// one was started, else read now.
    func nextChunk(limit: Int) throws -> (rows: [AppealRow], bytesRead: Int) {
        if let ahead { return try ahead.next() }
        let chunk = try nextRows(limit: limit)
        return (chunk, bytesRead)
    }

    /// Stops the thread reading ahead (it finishes its chunk first).
    func stopReadingAhead() {
        ahead?.stop()
        ahead = nil
    }

    /// Up to `limit` next rows, in order; empty at the end. Coordinates are transformed in
    /// one PROJ call per chunk.
    public func nextRows(limit: Int) throws -> [AppealRow] {
        var chunk: [AppealRow] = []
        chunk.reserveCapacity(Swift.min(limit, 16_384))
        encodedRanges.removeAll(keepingCapacity: true)
        if case .geojson(let reader) = rows {
            // The reader and the category's name taken out once per chunk, not per row.
            let categoryColumn = options.categoryColumn
            while chunk.count < limit, let row = try nextFeatureRow(reader, categoryColumn: categoryColumn) { chunk.append(row) }
        } else {
            while chunk.count < limit, let row = try nextRaw() { chunk.append(row) }
        }
        if projection == .geojson, case .geojson(let reader) = rows { attachProperties(&chunk, reader.takeEncodedProperties()) }
        if !crsDecided { try decideCRS() }
        finish(&chunk)
        return chunk
    }

    /// Hands each row of a chunk its encoded properties (`{}` for none). A row whose
    /// properties hold a `route_…` member gets its feature's properties built instead: the
    /// output replaces such members in place, which the writer's fast path does not.
    private func attachProperties(_ chunk: inout [AppealRow], _ bytes: [UInt8]) {
        let empty: [UInt8] = [123, 125]
        for i in chunk.indices {
            guard let range = encodedRanges[i].range else {
                chunk[i].encodedProperties = empty[...]
                continue
            }
            let json = bytes[range]
            if encodedRanges[i].routeMember, case .object(let properties)? = try? JSONDocument.parse(json) {
                chunk[i].feature?.properties = properties
            } else {
                chunk[i].encodedProperties = json
            }
        }
    }

    // MARK: Reading

    private func nextRaw() throws -> AppealRow? {
        switch rows {
        case .csv(let reader, let columns):
            while let record = reader.next() {
                if record == [""] { continue }   // a blank line
                func cell(_ i: Int?) -> String {
                    guard let i, i < record.count else { return "" }
                    return record[i]
                }
                var row = AppealRow(id: cell(columns.id), lon: .nan, lat: .nan, category: cell(columns.category))
                if let opened = reader.unclosedQuoteLine {
                    row.problem = AppealRowProblem(.unclosedQuote, "line \(opened): a quote opened in this row is never closed, so everything from there to the end of the file was read as one row; close or double the quote (\"\")")
                    return row
                }
                let xText = cell(columns.lon).trimmedOfSpaces, yText = cell(columns.lat).trimmedOfSpaces
                if let x = Double(xText), let y = Double(yText), x.isFinite, y.isFinite {
                    row.lon = x
                    row.lat = y
                } else {
                    row.problem = AppealRowProblem(.noCoordinates, "line \(reader.line): coordinates \"\(xText)\", \"\(yText)\" are not numbers")
                }
                if row.problem == nil && row.category.isEmpty {
                    row.problem = AppealRowProblem(.missingCategory, "line \(reader.line): no \(options.categoryColumn)")
                }
                return row
            }
            return nil
        case .geojson(let reader):
            return try nextFeatureRow(reader, categoryColumn: options.categoryColumn)
        case .array(let values, let next):
            guard next < values.count else { return nil }
            rows = .array(values, next: next + 1)
            guard case .object(let o) = values[next] else {
                return AppealRow(id: "", lon: .nan, lat: .nan, category: "",
                                 problem: AppealRowProblem(.noCoordinates, "element \(next) is not an object"))
            }
            var row = AppealRow(id: o[options.idColumn]?.plainText ?? "", lon: .nan, lat: .nan,
                                category: o[options.categoryColumn]?.plainText ?? "")
            if let x = Self.number(o[options.lonColumn]), let y = Self.number(o[options.latColumn]) {
                row.lon = x
                row.lat = y
            } else {
                row.problem = AppealRowProblem(.noCoordinates, "element \(next): \"\(options.lonColumn)\" and \"\(options.latColumn)\" must be numbers")
            }
            if row.problem == nil && row.category.isEmpty {
                row.problem = AppealRowProblem(.missingCategory, "element \(next) has no \"\(options.categoryColumn)\"")
            }
            return row
        }
    }

    /// The next row of a GeoJSON input, or nil at its end.
    private func nextFeatureRow(_ reader: GeoJSONReader, categoryColumn: String) throws -> AppealRow? {
        guard let f = try reader.next() else { return nil }
        let index = reader.featuresRead - 1
        // The category looked up once, and the feature copied into the row only when the
        // output needs it (a copy per row retains every part of it).
        let category = f.properties[categoryColumn]
        var row = AppealRow(id: f.id?.description ?? "", lon: .nan, lat: .nan, category: category?.plainText ?? "")
        switch projection {
        case nil: row.feature = f
        case .csv?: break
        case .geojson?:
            row.feature = Feature(id: f.id, geometry: nil)
            encodedRanges.append((reader.lastEncodedProperties, reader.lastPropertiesHadFlaggedName))
        }
        switch f.geometry {
        case .point(let p)?:
            row.lon = p.x
            row.lat = p.y
        case nil:
            row.problem = AppealRowProblem(.noCoordinates, "feature \(index) has no geometry")
        case let g?:
            row.problem = AppealRowProblem(.notPoint, "feature \(index) is a \(g.typeName), not a Point")
        }
        if row.problem == nil && category == nil {
            row.problem = AppealRowProblem(.missingCategory, "feature \(index) has no \"\(categoryColumn)\" property")
        }
        return row
    }

    /// The CRS to transform from: the caller's, else a GeoJSON `crs` member, else WGS84.
    private func decideCRS() throws {
        crsDecided = true
        var name = options.sourceCRS
        if name == nil, case .geojson(let reader) = rows, let legacy = reader.legacyCRS { name = legacy.projName }
        guard let name, !LegacyCRS(name: name).isWGS84 else { return }
        sourceCRS = LegacyCRS(name: name).projName
        transformer = try CoordinateTransformer(from: sourceCRS!, to: "EPSG:4326")
    }

    /// Transforms the chunk to WGS84 and marks rows outside longitude/latitude.
    private func finish(_ chunk: inout [AppealRow]) {
        if let transformer {
            var xy: [Double] = []
            xy.reserveCapacity(chunk.count * 2)
            for row in chunk { xy.append(row.lon); xy.append(row.lat) }
            transformer.transformMarkingFailures(flat: &xy)
            for i in chunk.indices where chunk[i].problem == nil {
                let x = xy[2 * i], y = xy[2 * i + 1]
                if x.isFinite && y.isFinite {
                    chunk[i].lon = x
                    chunk[i].lat = y
                } else {
                    chunk[i].problem = AppealRowProblem(.transformFailed,
                        "\(label(chunk[i])): PROJ cannot transform \(chunk[i].lon), \(chunk[i].lat) from \(sourceCRS ?? "?") to WGS84")
                    chunk[i].lon = .nan
                    chunk[i].lat = .nan
                }
            }
        }
        for i in chunk.indices where chunk[i].problem == nil {
            let row = chunk[i]
            if !(-180 ... 180).contains(row.lon) || !(-90 ... 90).contains(row.lat) {
                chunk[i].problem = AppealRowProblem(.outsideLonLat,
                    "coordinates \(row.lon), \(row.lat) lie outside longitude [-180, 180] / latitude [-90, 90]")
            }
        }
    }

    private func label(_ row: AppealRow) -> String {
        row.id.isEmpty ? "row" : "appeal \(row.id)"
    }

    // MARK: Helpers

    private static func columns(of reader: CSVReader, _ options: AppealBatchOptions) throws -> (lon: Int, lat: Int, category: Int, id: Int?) {
        guard let header = reader.next() else { throw ConfigurationError(file: reader.source, reason: "empty CSV: no header") }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw ConfigurationError(file: reader.source, reason: "no column \"\(name)\" (columns: \(header.joined(separator: ", ")))")
            }
            return i
        }
        return (try column(options.lonColumn), try column(options.latColumn), try column(options.categoryColumn),
                header.firstIndex(of: options.idColumn))
    }

    private static func array(_ bytes: [UInt8], source: String) throws -> [JSONValue] {
        guard case .array(let values) = try JSONDocument.parse(bytes, source: source) else {
            throw ConfigurationError(file: source, reason: "expected a JSON array of appeals")
        }
        return values
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let d)?: d.isFinite ? d : nil
        case .integer(let i)?: Double(i)
        case .string(let s)?: Double(s.trimmedOfSpaces).flatMap { $0.isFinite ? $0 : nil }
        default: nil
        }
    }

    private static func readAll(_ path: String) throws -> [UInt8] {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY)
        guard fd >= 0 else { throw AppealBatchError.cannotRead(file: path, reason: "cannot open: " + String(cString: strerror(errno))) }
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw AppealBatchError.cannotRead(file: path, reason: "read failed: " + String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< n])
        }
        return bytes
    }
}

/// A batch that cannot be read at all (as opposed to bad rows, which become error rows).
public enum AppealBatchError: Error, Sendable, CustomStringConvertible {
    /// The file cannot be opened or read.
    case cannotRead(file: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): "\(file): \(reason)"
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (CSV cells, numbers in JSON strings).
    var trimmedOfSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
