import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl appeals`: where and what residents complain about, who misses deadlines, which
/// appeals are duplicates, and where the hot spots are.
struct AppealsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appeals",
        abstract: "Analyse an appeals layer: statistics, heat map, hot spots, duplicates, an HTML report.",
        discussion: """
        The layer holds Points with a category, a created timestamp and optionally a closed \
        timestamp and a status (fields named by --category-field, --created-field, --closed-field, \
        --status-field). Timestamps are ISO 8601 or the layout --time-format names; those without an \
        offset are read in --tz (default: the offset the data's own timestamps carry, else the solar \
        zone of its longitude; the output states which). Unparseable values are counted per field with \
        examples on stderr, never dropped silently. Exit codes: 0 ok, 1 bad data, 64 bad flags, 74 I/O.
        """,
        subcommands: [AppealsStatsCommand.self, AppealsHeatmapCommand.self, AppealsHotspotsCommand.self,
                      AppealsDuplicatesCommand.self, AppealsReportCommand.self])
}

/// What every `appeals` subcommand writes.
enum AppealsFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, geojson
}

/// The flags every `appeals` subcommand takes.
struct AppealsOptions: ParsableArguments {
    @Argument(help: "The appeals layer (Points).") var layer: String
    @Option(name: .customLong("category-field"), help: "The category property.") var categoryField = "category"
    @Option(name: .customLong("created-field"), help: "The creation timestamp property.") var createdField = "created"
    @Option(name: .customLong("closed-field"), help: "The closing timestamp property.") var closedField = "closed"
    @Option(name: .customLong("status-field"), help: "The status property.") var statusField = "status"
    @Option(name: .customLong("time-format"), help: "A strftime-like layout, e.g. '%m/%d/%Y %I:%M:%S %p' (default ISO 8601).") var timeFormat: String?
    @Option(help: "The zone of timestamps without an offset, and of periods: an IANA name or +05:00.") var tz: String?
    @Option(help: "Only appeals created at or after this (ISO 8601; a date means its local midnight).") var from: String?
    @Option(help: "Only appeals created before this.") var to: String?
    @Option(help: "Only this category (repeatable).") var category: [String] = []
    @Option(help: "table, csv, json or geojson.") var format: AppealsFormat = .table
    @Option(help: "Write every output file into this folder instead.") var output: String?
    @OptionGroup var visibility: VisibilityOptions
    @OptionGroup var storeOptions: StoreOptions

    /// The appeals, loaded and projected; problems on stderr.
    func load(store: any LayerStore) throws -> AppealSet {
        let info = try visibility.visibleLayer(layer, in: store)
        var options = AppealLoadOptions()
        options.fields.category = categoryField
        options.fields.created = createdField
        options.fields.closed = closedField
        options.fields.status = statusField
        options.timeFormat = timeFormat
        options.from = from
        options.to = to
        options.categories = Set(category)
        let appeals: AppealSet
        do {
            options.zone = try tz.map { try AppealTimeZone($0) }
            appeals = try AppealSet.load(from: store, layer: info.name, options: options)
        } catch { throw appealsFail(error) }
        for p in appeals.problems {
            Terminal.note("\(info.name): \(p.field): \(p.reason): \(p.count) appeal\(p.count == 1 ? "" : "s"), e.g. \(p.examples.joined(separator: "; "))")
        }
        return appeals
    }

    /// Features of another layer (areas, boundary, exposure).
    func features(_ name: String, store: any LayerStore) throws -> [Feature] {
        try loadLayer(name, from: store, visibility: visibility)
    }

    /// `LAYER.PROPERTY` split at the last dot when the whole is not itself a layer.
    func layerAndProperty(_ text: String, store: any LayerStore) throws -> (String, String?) {
        if (try? store.layer(named: text)) ?? nil != nil { return (text, nil) }
        guard let dot = text.lastIndex(of: ".") else { return (text, nil) }
        return (String(text[..<dot]), String(text[text.index(after: dot)...]))
    }

    /// The cut-off for open appeals: --as-of, else the latest timestamp.
    func cutOff(_ asOf: String?, appeals: AppealSet) throws -> Double {
        guard let asOf else { return appeals.latest.isFinite ? appeals.latest : 0 }
        do {
            guard let t = try AppealTimestampParser(layout: nil, zone: appeals.zone).parse(asOf) else {
                throw AppealAnalyticsError.usage("--as-of \(asOf): not an ISO 8601 date or time")
            }
            return t
        } catch { throw appealsFail(error) }
    }

    /// Writes `text` to stdout, or to `name` in --output.
    func emit(_ text: String, name: String) throws {
        guard let output else { print(text); return }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try (text.hasSuffix("\n") ? text : text + "\n").write(toFile: "\(output)/\(name)", atomically: true, encoding: .utf8)
        } catch {
            Terminal.error("\(output)/\(name): cannot write: \(error.localizedDescription)")
            throw ExitStatus.ioError
        }
    }

    /// Writes CSV bytes as ``emit(_:name:)`` writes text, without making one `String` of them.
    func emit(_ csv: CSVBuffer, name: String) throws {
        var bytes = csv.bytes
        if bytes.last != 0x0A || output == nil { bytes.append(0x0A) }
        guard let output else {
            // After whatever `print` has buffered, straight to the file descriptor.
            fflush(nil)
            let failure = bytes.withUnsafeBytes { b -> Int32? in
                var offset = 0
                while offset < b.count {
                    let n = write(1, b.baseAddress! + offset, b.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return nil
            }
            if let failure {
                Terminal.error("stdout: cannot write: \(String(cString: strerror(failure)))")
                throw ExitStatus.ioError
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: "\(output)/\(name)"), options: .atomic)
        } catch {
            Terminal.error("\(output)/\(name): cannot write: \(error.localizedDescription)")
            throw ExitStatus.ioError
        }
    }

    /// A line for the reader on stdout (table) or stderr (machine formats).
    func note(_ text: String) {
        if format == .table && output == nil { print(text) } else { Terminal.note(text) }
    }
}

/// Usage errors exit 64, the rest as ``fail(_:)`` says.
func appealsFail(_ error: any Error) -> ExitCode {
    if case AppealAnalyticsError.usage(let message) = error {
        Terminal.error(message)
        return ExitCode(64)
    }
    if let code = error as? ExitCode { return code }
    return fail(error)
}

/// A table as the chosen format (GeoJSON is the caller's business).
func render(_ table: TextTable, _ format: AppealsFormat) -> String {
    switch format {
    case .csv: table.render(.csv)
    case .json: table.render(.json)
    default: table.render(.table)
    }
}

/// Numbers in outputs: integers as such, others with up to `decimals` digits.
func number(_ v: Double?, _ decimals: Int = 2) -> String {
    var out: [UInt8] = []
    DecimalText.append(v, decimals: decimals, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// With GEOCTL_TIMINGS=1, the seconds of each phase on stderr (`timing: load 0.41 s`), for
/// bench/appeals.sh to separate reading the store from the analysis step.
struct PhaseTimer {
    private var last = Terminal.now()
    private let enabled = ProcessInfo.processInfo.environment["GEOCTL_TIMINGS"] == "1"

    mutating func mark(_ phase: String) {
        let now = Terminal.now()
        if enabled { Terminal.note("timing: \(phase) \(String(format: "%.4f", now - last)) s") }
        last = now
    }
}
