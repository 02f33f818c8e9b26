import Foundation
import Layers

/// RFC 4180 CSV written straight into one byte buffer: quoting decided on UTF-8 bytes, and
/// integers, numbers and timestamps written as digits without a `String` per cell (a stats CSV
/// has 240,000 rows at 10^6 appeals, a duplicates CSV one row per member). Lines are separated
/// by a newline, with none after the last, as ``TextTable`` renders them.
struct CSVBuffer {
    private(set) var bytes: [UInt8] = []
    private var started = false
    private var firstCell = true

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Starts a row.
    mutating func row() {
        if started { bytes.append(0x0A) }
        started = true
        firstCell = true
    }

    @inline(__always)
    private mutating func separate() {
        if !firstCell { bytes.append(0x2C) }
        firstCell = false
    }

    /// A text cell, quoted when it holds a comma, a quote or a line break.
    mutating func field(_ text: String) {
        separate()
        var text = text
        text.withUTF8 { b in
            guard b.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { bytes.append(contentsOf: b); return }
            bytes.append(0x22)
            for c in b {
                if c == 0x22 { bytes.append(0x22) }
                bytes.append(c)
            }
            bytes.append(0x22)
        }
    }

    /// A row of text cells.
    mutating func row(_ cells: [String]) {
        row()
        for c in cells { field(c) }
    }

    /// An integer cell; nil is an empty cell.
    mutating func int(_ value: Int?) {
        separate()
        if let value { DecimalText.appendInteger(value, to: &bytes) }
    }

    /// A number as ``number(_:_:)`` writes it; nil or not finite is an empty cell.
    mutating func number(_ value: Double?, _ decimals: Int = 2) {
        separate()
        DecimalText.append(value, decimals: decimals, to: &bytes)
    }

    /// An instant as ``CivilTime/iso(_:zone:)`` writes it.
    mutating func iso(_ utc: Double, zone: AppealTimeZone) {
        separate()
        CivilTime.appendISO(utc, zone: zone, to: &bytes)
    }

    /// The CSV as text.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
