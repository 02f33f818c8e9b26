/// Formats routed rows as CSV bytes for one router, the same bytes as
/// ``RoutedAppealWriter/cells(number:row:result:router:)`` joined by
/// ``RoutedAppealWriter/appendCSV(_:to:)``, without building a `[String]` per row.
///
/// The columns that depend only on the organisation (name, id, phone, email) or on the
/// category and rule (deadline, rule) are escaped once, when the formatter is made; a row
/// then copies them. Rows with more to say (an error, no match, a border with candidates or
/// neighbours) take the general path: they are few.
struct RoutedCSVFormatter: @unchecked Sendable {
    private let router: Router
    /// The cells encoded once, in groups: see the `…Group` constants.
    private let cells: EncodedCells
    /// Per organisation: `ok,name,id,phone,email,` escaped.
    private static let organisationGroup = 0
    /// Per router layer: its name escaped, then a comma.
    private static let layerGroup = 1
    /// Per flag set (its raw value): the flags' names escaped, then a comma.
    private static let flagGroup = 2
    /// Per category: `deadline,,` (no strategy: a fallback).
    private static let noRuleGroup = 3
    /// Then per category, per strategy: `deadline,rule,` escaped; then per router layer, per
    /// feature: its id escaped.
    private static let ruleGroups = 4
    private let featureGroups: Int

    init(router: Router) {
        self.router = router
        var groups: [[[UInt8]]] = []
        groups.append(router.organisations.map { org in
            var out = Array("ok,".utf8)
            for cell in [org.name, org.id ?? "", org.phone ?? "", org.email ?? ""] {
                Self.append(cell, to: &out)
                out.append(44)
            }
            return out
        })
        groups.append(router.layers.map(\.name).map { name in
            var out: [UInt8] = []
            Self.append(name, to: &out)
            out.append(44)
            return out
        })
        groups.append((0 ... UInt8.max).map { raw in
            var out: [UInt8] = []
            let flags = RouteFlags(rawValue: raw)
            if !flags.isEmpty { Self.append(flags.names.joined(separator: " "), to: &out) }
            out.append(44)
            return out
        })
        groups.append(router.rules.categories.map { Array("\($0.deadlineDays),,".utf8) })
        for category in router.rules.categories {
            groups.append(category.strategies.map { strategy in
                var out = Array("\(category.deadlineDays),".utf8)
                Self.append(strategy.description, to: &out)
                out.append(44)
                return out
            })
        }
        featureGroups = groups.count
        for layer in router.layers {
            groups.append(layer.featureIDs.map { id in
                var out: [UInt8] = []
                Self.append(id, to: &out)
                return out
            })
        }
        cells = EncodedCells(groups: groups)
    }

    /// Appends one row. `category` is the row's category index (-1 when unknown).
    func append(number: Int, row: AppealRow, result r: RouteResult, category: Int, to out: inout [UInt8]) {
        let needsDetail = !r.flags.isDisjoint(with: RoutedAppealWriter.detailFlags)
        guard row.problem == nil, r.organisation >= 0, category >= 0, !needsDetail else {
            RoutedAppealWriter.appendCSV(RoutedAppealWriter.cells(number: number, row: row, result: r, router: router), to: &out)
            return
        }
        Self.appendDecimal(number, to: &out)
        out.append(44)
        Self.append(row.id, to: &out)
        out.append(44)
        if row.lon.isFinite { out.append(contentsOf: row.lon.description.utf8) }
        out.append(44)
        if row.lat.isFinite { out.append(contentsOf: row.lat.description.utf8) }
        out.append(44)
        Self.append(row.category, to: &out)
        out.append(44)
        cells.append(group: Self.organisationGroup, Int(r.organisation), to: &out)
        if r.strategy >= 0 {
            cells.append(group: Self.ruleGroups + category, Int(r.strategy), to: &out)
        } else {
            cells.append(group: Self.noRuleGroup, category, to: &out)
        }
        if r.layer >= 0 { cells.append(group: Self.layerGroup, Int(r.layer), to: &out) } else { out.append(44) }
        if r.layer >= 0 && r.feature >= 0 { cells.append(group: featureGroups + Int(r.layer), Int(r.feature), to: &out) }
        out.append(44)
        if let metres = r.metres { out.append(contentsOf: RoutedAppealWriter.fixed(metres, 2).utf8) }
        out.append(44)
        cells.append(group: Self.flagGroup, Int(r.flags.rawValue), to: &out)
        out.append(44)  // others and error are empty
        out.append(10)
    }

    /// A non-negative integer's decimal digits (`String(n)` without the String).
    static func appendDecimal(_ n: Int, to out: inout [UInt8]) {
        precondition(n >= 0)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for Int.max's 19 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = UInt(n)
            repeat {
                count += 1
                buffer[24 - count] = UInt8(48 + v % 10)
                v /= 10
            } while v > 0
            out.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// One cell, quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func append(_ cell: String, to out: inout [UInt8]) {
        // Bytes, not Characters (grapheme-aware comparison is slow on Cyrillic text), and
        // from the string's contiguous storage (borrowed: no copy of the string is retained),
        // not through its UTF-8 view's indices.
        if cell.utf8.withContiguousStorageIfAvailable({ append(escaping: $0, to: &out) }) == nil {
            Array(cell.utf8).withUnsafeBufferPointer { append(escaping: $0, to: &out) }
        }
    }

    private static func append(escaping bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var plain = true
        for b in bytes where b == 44 || b == 34 || b == 10 || b == 13 {
            plain = false
            break
        }
        if plain {
            out.append(contentsOf: bytes)
            return
        }
        out.append(34)
        for b in bytes {
            if b == 34 { out.append(34) }
            out.append(b)
        }
        out.append(34)
    }
}
