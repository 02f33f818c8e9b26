import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl route --input … --output …`: reads the flags, runs ``Router/routeBatch(from:to:threads:chunkSize:progress:)``
/// (the same path `POST /route` takes) and reports on stderr.
struct BatchRoute {
    let router: Router
    let input: String
    let output: String
    let inputFormat: AppealBatchFormat
    let outputFormat: RoutedAppealWriter.Format
    let options: AppealBatchOptions
    let threads: Int
    /// The input opened (and being read ahead) before the router was built, or why it could
    /// not be; nil: opened here.
    var opened: Result<AppealBatchReader, any Error>? = nil

    /// Opens the input and starts parsing it on a thread of its own, so that reading overlaps
    /// loading the store and building the router; an error waits until ``run()`` reports it,
    /// where it always has been reported.
    static func open(input: String, format: AppealBatchFormat, options: AppealBatchOptions,
                     for output: RoutedAppealWriter.Format) -> Result<AppealBatchReader, any Error> {
        Result {
            let reader = try AppealBatchReader(path: input, format: format, options: options)
            reader.prepare(for: output)
            reader.startReadingAhead(chunkSize: Router.batchChunkSize)
            return reader
        }
    }

    func run() throws {
        let started = Terminal.now()
        let progress = Progress("route", total: input == "-" ? nil : Terminal.fileSize(input))
        let summary: BatchRoutingSummary
        do {
            let reader = try (opened ?? Self.open(input: input, format: inputFormat, options: options, for: outputFormat)).get()
            let writer = try RoutedAppealWriter(path: output, format: outputFormat)
            summary = try router.routeBatch(from: reader, to: writer, threads: threads) { bytes, rows in
                progress.update(done: bytes, items: rows)
            }
        } catch {
            progress.finish()
            switch error {
            case let e as AppealBatchError: Terminal.error("\(e)"); throw ExitStatus.ioError
            case let e as ProjError: Terminal.error("\(input): \(e) (--from-crs)"); throw ExitStatus.badInput
            default: throw fail(error)
            }
        }
        progress.finish()

        var table = TextTable("organisation", "appeals")
        for (organisation, n) in summary.perOrganisation { table.add(organisation.name, String(n)) }
        if summary.unrouted > 0 { table.add("(unrouted)", String(summary.unrouted)) }
        if summary.errors > 0 { table.add("(errors)", String(summary.errors)) }
        Terminal.note(table.render(.table))
        let crs = summary.sourceCRS.map { " (transformed from \($0))" } ?? ""
        Terminal.note("\(summary.total) appeal\(summary.total == 1 ? "" : "s") routed in \(fixed(Terminal.now() - started, 2)) s\(crs): "
            + "\(summary.routed) ok, \(summary.unrouted) unrouted, \(summary.errors) errors")
        if let failure = summary.unanimousFailure {
            Terminal.error(Self.explain(failure, summary: summary, options: options, router: router))
            throw ExitStatus.badInput
        }
    }

    /// One line naming the likely cause when every row failed the same way.
    static func explain(_ failure: (kind: AppealRowProblem.Kind?, rows: Int), summary: BatchRoutingSummary,
                        options: AppealBatchOptions, router: Router) -> String {
        let all = failure.rows == 1 ? "the only row" : "all \(failure.rows.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))) rows"
        switch failure.kind {
        case .outsideLonLat?:
            return summary.sourceCRS == nil
                ? "\(all) lie outside lon/lat ranges: is the file in a projected CRS? name it with --from-crs"
                : "\(all) lie outside lon/lat ranges after transformation from \(summary.sourceCRS!): is --from-crs right?"
        case .transformFailed?:
            return "\(all) could not be transformed from \(summary.sourceCRS ?? "the source CRS"): is --from-crs right?"
        case .noCoordinates?:
            return "\(all) have no usable coordinates: are --lon-column \(options.lonColumn) and --lat-column \(options.latColumn) right?"
        case .notPoint?:
            return "\(all) are not Points: batch routing needs one point per appeal"
        case .missingCategory?:
            return "\(all) have no category: is --category-column \(options.categoryColumn) right?"
        case .unknownCategory?:
            return "\(all) have a category the rules do not know (known: \(router.rules.categories.map(\.id).joined(separator: ", "))): is --category-column \(options.categoryColumn) right?"
        case .unclosedQuote?:
            return "\(all) run into a CSV quote that is never closed: see the row's error for its line"
        case nil:
            return "no rule matched \(all) and their categories have no fallback: are lon and lat swapped, or the file in another CRS (--from-crs)?"
        }
    }
}
