import ArgumentParser
import Foundation
import GeoCore

/// Machine-readable or human output, chosen with `--format`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// `--format` of commands whose answer is one report (an explanation, or one JSON object):
/// no CSV, so none is offered.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// One cell of a ``TextTable``: its text for people and its typed JSON value for programs.
struct Cell {
    var json: JSONValue
    var text: String

    static let null = Cell(json: .null, text: "")
    static func text(_ s: String) -> Cell { Cell(json: .string(s), text: s) }
    /// nil is JSON null and an empty cell.
    static func text(_ s: String?) -> Cell { s.map(text) ?? .null }
    static func int(_ n: Int) -> Cell { Cell(json: .integer(Int64(n)), text: String(n)) }
    static func int(_ n: Int?) -> Cell { n.map(int) ?? .null }
    /// Shown with `decimals` digits, and rounded to as many in JSON.
    static func number(_ x: Double, _ decimals: Int) -> Cell {
        let scale = pow(10, Double(decimals))
        return Cell(json: .number((x * scale).rounded() / scale), text: fixed(x, decimals))
    }
    static func number(_ x: Double?, _ decimals: Int) -> Cell { x.map { number($0, decimals) } ?? .null }
    /// A JSON array of strings, shown joined.
    static func list(_ items: [String], separator: String = ",") -> Cell {
        Cell(json: .array(items.map(JSONValue.string)), text: items.joined(separator: separator))
    }
}

/// A table of cells, printed aligned, as CSV, or as JSON objects (typed values under
/// snake_case keys).
struct TextTable {
    var columns: [String]
    /// The JSON member names, one per column.
    var keys: [String]
    var rows: [[Cell]] = []

    init(_ columns: String...) { self.init(columns: columns) }

    init(columns: [String], keys: [String]? = nil) {
        self.columns = columns
        self.keys = keys ?? columns
    }

    mutating func add(_ cells: String...) { rows.append(cells.map(Cell.text)) }

    mutating func add(cells: Cell...) { rows.append(cells) }

    func render(_ format: OutputFormat, header: Bool = true) -> String {
        let texts = rows.map { $0.map(\.text) }
        switch format {
        case .table:
            var widths = columns.map(\.count)
            for row in texts { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in
                    i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
                }.joined(separator: "  ")
            }
            return ([line(columns)] + texts.map(line)).joined(separator: "\n")
        case .csv:
            // RFC 4180 quoting, decided on UTF-8 bytes, into one byte buffer (CSVBuffer).
            var csv = CSVBuffer(capacity: 64 * (texts.count + 1))
            if header { csv.row(columns) }
            for row in texts { csv.row(row) }
            return csv.text
        case .json:
            let objects = rows.map { row in
                JSONValue.object(JSONObject(members: zip(keys, row).map { JSONObject.Member(key: $0, value: $1.json) }))
            }
            return JSONValue.array(objects).compactText
        }
    }
}

/// Named measures: a measure/value table for people, one JSON object (typed values under
/// snake_case keys) for programs.
struct Measures {
    private var entries: [(key: String, label: String, cell: Cell)] = []

    mutating func add(_ key: String, _ label: String, _ cell: Cell) { entries.append((key, label, cell)) }

    var json: JSONValue { .object(JSONObject(members: entries.map { JSONObject.Member(key: $0.key, value: $0.cell.json) })) }

    func render(_ format: OutputFormat) -> String {
        if format == .json { return json.compactText }
        var table = TextTable("measure", "value")
        for e in entries { table.add(e.label, e.cell.text) }
        return table.render(format)
    }
}

/// `value` with `decimals` digits after the point.
func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
