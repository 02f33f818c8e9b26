/// Formats routed rows as CSV bytes for one router, the same bytes as
/// ``RoutedAppealWriter/cells(number:row:result:router:)`` joined by
/// ``RoutedAppealWriter/appendCSV(_:to:)``, without building a `[String]` per row.
///
/// The columns that depend only on the organisation (name, id, phone, email) or on the
/// category and rule (deadline, rule) are escaped once, when the formatter is made; a row
/// then copies them. Rows with more to say (an error, no match, a border with candidates or
/// neighbours) take the general path: they are few.
struct RoutedCSVFormatter {
    private let router: Router
    /// Per organisation: `ok,name,id,phone,email,` escaped.
    private let organisationCells: [[UInt8]]
    /// Per category, per strategy: `deadline,rule,` escaped.
    private let ruleCells: [[[UInt8]]]
    /// Per category: `deadline,,` (no strategy: a fallback).
    private let noRuleCells: [[UInt8]]
    /// Per router layer: its name escaped, then a comma.
    private let layerCells: [[UInt8]]

    init(router: Router) {
        self.router = router
        organisationCells = router.organisations.map { org in
            var out = Array("ok,".utf8)
            for cell in [org.name, org.id ?? "", org.phone ?? "", org.email ?? ""] {
                Self.append(cell, to: &out)
                out.append(44)
            }
            return out
        }
        ruleCells = router.rules.categories.map { category in
            category.strategies.map { strategy in
                var out = Array("\(category.deadlineDays),".utf8)
                Self.append(strategy.description, to: &out)
                out.append(44)
                return out
            }
        }
        noRuleCells = router.rules.categories.map { Array("\($0.deadlineDays),,".utf8) }
        layerCells = router.layers.map(\.name).map { name in
            var out: [UInt8] = []
            Self.append(name, to: &out)
            out.append(44)
            return out
        }
    }

    /// Appends one row. `category` is the row's category index (-1 when unknown).
    func append(number: Int, row: AppealRow, result r: RouteResult, category: Int, to out: inout [UInt8]) {
        let needsDetail = !r.flags.isDisjoint(with: RoutedAppealWriter.detailFlags)
        guard row.problem == nil, r.organisation >= 0, category >= 0, !needsDetail else {
            RoutedAppealWriter.appendCSV(RoutedAppealWriter.cells(number: number, row: row, result: r, router: router), to: &out)
            return
        }
        out.append(contentsOf: String(number).utf8)
        out.append(44)
        Self.append(row.id, to: &out)
        out.append(44)
        if row.lon.isFinite { out.append(contentsOf: row.lon.description.utf8) }
        out.append(44)
        if row.lat.isFinite { out.append(contentsOf: row.lat.description.utf8) }
        out.append(44)
        Self.append(row.category, to: &out)
        out.append(44)
        out.append(contentsOf: organisationCells[Int(r.organisation)])
        out.append(contentsOf: r.strategy >= 0 ? ruleCells[category][Int(r.strategy)] : noRuleCells[category])
        if r.layer >= 0 { out.append(contentsOf: layerCells[Int(r.layer)]) } else { out.append(44) }
        if let id = router.featureID(of: r) { Self.append(id, to: &out) }
        out.append(44)
        if let metres = r.metres { out.append(contentsOf: RoutedAppealWriter.fixed(metres, 2).utf8) }
        out.append(44)
        if !r.flags.isEmpty { Self.append(r.flags.names.joined(separator: " "), to: &out) }
        out.append(contentsOf: [44, 44, 10])  // others and error are empty
    }

    /// One cell, quoted when it holds a comma, a quote or a line break (quotes doubled).
    static func append(_ cell: String, to out: inout [UInt8]) {
        // Bytes, not Characters: grapheme-aware comparison is slow on Cyrillic text.
        if cell.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            out.append(34)
            for b in cell.utf8 {
                if b == 34 { out.append(34) }
                out.append(b)
            }
            out.append(34)
        } else {
            out.append(contentsOf: cell.utf8)
        }
    }
}
