import ArgumentParser
import Foundation
import GeoCore
import Layers

/// Output of `affected` and `conflicts`.
enum WorksFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, geojson
}

/// The time flags `affected` and `conflicts` share: which features, read how.
struct WorksTimeOptions: ParsableArguments {
    @Option(help: "Only features active at this instant (ISO 8601 date or date-time, or `now`).") var at: String?
    @Option(help: "Only features active in the period from this date or date-time (with --to).") var from: String?
    @Option(help: "… to this one; a bare date includes its whole day.") var to: String?
    @Option(name: .customLong("start-field"), help: "The property holding each feature's start (default: the layer's, from the catalog, else start).") var startField: String?
    @Option(name: .customLong("end-field"), help: "The property holding each feature's end; a bare date: through that day (default: the catalog's, else end).") var endField: String?
    @Option(name: .customLong("utc-offset"), help: "The offset of times written without one, and of bare dates, e.g. +05:00.") var utcOffset = "+00:00"

    func validate() throws {
        if at != nil && (from != nil || to != nil) { throw ValidationError("give --at, or --from and --to, not both") }
        if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        if ISOTimestamp.offset(utcOffset) == nil { throw ValidationError("--utc-offset \(utcOffset): write it as +05:00, -03:30 or Z") }
    }

    var offset: Int { ISOTimestamp.offset(utcOffset) ?? 0 }

    /// The fields of `layer`: each flag, else the name its catalog entry keeps, else the
    /// default. For repairs, `guarantee` is the flag and `guaranteeYears` the fallback.
    func fields(of layer: LayerInfo, repair: Bool = false, guarantee: String? = nil, guaranteeYears: Int? = nil) -> WindowFields {
        let kept = layer.dateFields
        return WindowFields(start: startField ?? kept.start ?? DateFieldNames.defaultStart,
                            end: endField ?? kept.end ?? DateFieldNames.defaultEnd,
                            guarantee: repair ? guarantee ?? kept.guarantee ?? DateFieldNames.defaultGuarantee : nil,
                            guaranteeYears: guaranteeYears, defaultOffset: offset)
    }

    /// The query the flags ask for.
    func query() throws -> TimeQuery {
        func instant(_ flag: String, _ text: String, _ meaning: ISOTimestamp.DateMeaning) throws -> Double {
            if text == "now" { return Date().timeIntervalSince1970 }
            switch ISOTimestamp.parse(text, date: meaning, defaultOffset: offset) {
            case .success(let t): return t
            case .failure(let e): throw ValidationError("\(flag): \(e)")
            }
        }
        if let at { return .at(try instant("--at", at, .startOfDay)) }
        if let from, let to {
            let period = TimeWindow(start: try instant("--from", from, .startOfDay), end: try instant("--to", to, .endOfDay))
            guard period.end > period.start else { throw ValidationError("--to \(to) is not after --from \(from)") }
            return .during(period)
        }
        return .all
    }

    /// What the query covers, for the report.
    func describe(_ q: TimeQuery) -> String {
        switch q {
        case .all: "all dates"
        case .at(let t): "active at \(ISOTimestamp.format(t, offset: offset))"
        case .during(let w): "active from \(ISOTimestamp.format(w.start, offset: offset)) to \(ISOTimestamp.format(w.end, offset: offset))"
        }
    }
}

/// A works, outage or repair layer with its catalog entry (a layer of another kind is a warning).
func loadWorksLayer(_ name: String, kinds: Set<LayerKind>, from store: any LayerStore, visibility: VisibilityOptions) throws -> (LayerInfo, [Feature]) {
    // As for every analysis: a layer of another kind is a warning, not a refusal; the dates
    // decide what can be used, and bad ones are reported per feature.
    let role = LayerRole(part: "the layer of \(kinds.map(\.rawValue).sorted().joined(separator: " or "))",
                         geometryTypes: [], kinds: LayerKind.allCases.filter(kinds.contains))
    let info = try visibility.layer(name, as: role, in: store)
    return (info, try loadLayer(name, from: store, visibility: visibility))
}

/// Features whose dates could not be read, on stderr, one line each.
func reportDateProblems(_ problems: [DateProblem]) {
    for p in problems { Terminal.error("\(p) (feature skipped)") }
}

/// Writes `text` to `folder/name`, creating the folder.
func writeFile(_ text: String, _ folder: String, _ name: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    do { try text.write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8) } catch {
        Terminal.error("cannot write \(folder)/\(name): \(error.localizedDescription)")
        throw ExitStatus.ioError
    }
}

/// A number without a needless fraction: 12, 12.5.
func plain(_ v: Double?) -> String {
    guard let v else { return "" }
    return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : fixed(v, 3)
}
