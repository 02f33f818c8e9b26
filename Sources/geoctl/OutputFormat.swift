import ArgumentParser
import Foundation
import GeoCore

/// Machine-readable or human output, chosen with `--format`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// A table of text cells, printed aligned, as CSV, or as JSON objects.
struct TextTable {
    var columns: [String]
    var rows: [[String]] = []

    init(_ columns: String...) { self.columns = columns }

    init(columns: [String]) { self.columns = columns }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render(_ format: OutputFormat, header: Bool = true) -> String {
        switch format {
        case .table:
            var widths = columns.map(\.count)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { i, c in
                    i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
                }.joined(separator: "  ")
            }
            return ([line(columns)] + rows.map(line)).joined(separator: "\n")
        case .csv:
            // RFC 4180 quoting, decided on UTF-8 bytes: Character-by-Character scanning of
            // Cyrillic text was most of the time of a large export.
            func escape(_ s: String) -> String {
                guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
                var out: [UInt8] = [0x22]
                for b in s.utf8 {
                    if b == 0x22 { out.append(0x22) }
                    out.append(b)
                }
                out.append(0x22)
                return String(decoding: out, as: UTF8.self)
            }
            return ((header ? [columns] : []) + rows).map { $0.map(escape).joined(separator: ",") }.joined(separator: "\n")
        case .json:
            let objects = rows.map { row in
                JSONValue.object(JSONObject(members: zip(columns, row).map { JSONObject.Member(key: $0, value: .string($1)) }))
            }
            return JSONValue.array(objects).compactText
        }
    }
}

/// `value` with `decimals` digits after the point.
func fixed(_ value: Double, _ decimals: Int) -> String {
    String(format: "%.\(decimals)f", value)
}
