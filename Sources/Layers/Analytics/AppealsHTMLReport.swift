import Foundation
import GeoCore

/// `report.html` of `geoctl appeals report`: one self-contained page in Russian (no script,
/// no external file) for an analyst or a head of administration: the heat map and hot spots
/// on an SVG map with the territories, tables and bar charts per category and per
/// organisation with breaches highlighted, a monthly trend line and the largest duplicate groups.
public struct AppealsHTMLReport {
    public var title = "Обращения граждан: аналитика"
    public var appeals: AppealSet
    public var heat: HeatMap
    public var hotSpots: HotSpotResult
    /// Outlines drawn under the cells (territories and/or the boundary), WGS84.
    public var outlines: [Geometry]
    /// Rows with period "all": per category (area "all") and per organisation or area.
    public var byCategory: [AppealStatsRow]
    public var byArea: [AppealStatsRow]
    /// "организация" or "территория".
    public var areaWord: String
    public var monthly: [AppealStatsRow]
    public var duplicates: DuplicateGroups
    public var asOf: Double
    public var alpha = 0.05

    public init(appeals: AppealSet, heat: HeatMap, hotSpots: HotSpotResult, outlines: [Geometry], byCategory: [AppealStatsRow],
                byArea: [AppealStatsRow], areaWord: String, monthly: [AppealStatsRow], duplicates: DuplicateGroups, asOf: Double) {
        self.appeals = appeals
        self.heat = heat
        self.hotSpots = hotSpots
        self.outlines = outlines
        self.byCategory = byCategory
        self.byArea = byArea
        self.areaWord = areaWord
        self.monthly = monthly
        self.duplicates = duplicates
        self.asOf = asOf
    }

    public func html() throws -> String {
        let total = appeals.count
        let breaches = byCategory.reduce(0) { $0 + ($1.breaches ?? 0) }
        let rate = Double(breaches) / Double(max(1, total))
        var html = """
        <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1160px}table{border-collapse:collapse;margin:8px 0 20px}
        td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}th{background:#f1f3f5}td.n{text-align:right}
        tr.breach td{background:#ffe3e3}.legend span{display:inline-block;margin-right:16px;font-size:13px}
        .sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px;border:1px solid #555}h2{margin-top:28px}</style></head><body>
        <h1>\(esc(title))</h1>
        <p>Обращений: <b>\(total)</b> (\(esc(range()))), время — \(esc(appeals.zone.description)). Просрочено: <b>\(breaches)</b> (\(pct(rate))) на \(esc(CivilTime.iso(asOf, zone: appeals.zone))).
        Дубликатов: <b>\(duplicates.duplicateCount)</b> в \(duplicates.groups.count) группах (та же категория, не дальше \(num(duplicates.metres)) м и \(num(duplicates.hours)) ч).</p>

        """
        html += "<h2>Тепловая карта и горячие точки</h2>" + (try map())
        let test: String
        switch (hotSpots.method, hotSpots.description.contains("exposure")) {
        case (.gi, _): test = "статистика Getis-Ord Gi* по числу обращений в ячейке и шести соседних"
        case (.excess, true): test = "число обращений в ячейке выше ожидаемого по числу зданий в ней (односторонний тест Пуассона), за год и за каждый месяц"
        case (.excess, false): test = "число обращений за месяц выше ожидаемого по другим месяцам той же ячейки (точный биномиальный тест)"
        }
        html += "<p>Ячейки — \(heat.area.grid.shape == .hex ? "шестиугольники со стороной" : "квадраты со стороной") \(num(heat.area.grid.size)) м в \(esc(heat.area.crs)). Горячая точка: \(test); поправка Бенджамини — Хохберга на множественные проверки (отдельно для года и для месяцев), доля ложных открытий не выше \(String(alpha).replacingOccurrences(of: ".", with: ",")).</p>"
        html += "<h2>По категориям</h2>" + table(byCategory, label: "категория", name: \.category, overall: rate)
        html += bars(byCategory.map { ($0.category, $0.count, $0.breaches ?? 0) })
        html += "<h2>По \(areaWord == "организация" ? "организациям" : "территориям")</h2>" + table(byArea, label: areaWord, name: \.area, overall: rate)
        html += bars(Array(byArea.sorted { $0.count > $1.count }.prefix(25)).map { ($0.area, $0.count, $0.breaches ?? 0) })
        html += "<h2>По месяцам</h2>" + trend()
        html += "<h2>Крупнейшие группы дубликатов</h2><table><tr><th>№</th><th>обращений</th><th>первое</th><th>категория</th><th>разброс, м</th><th>разброс, ч</th></tr>"
        for (k, g) in duplicates.groups.prefix(15).enumerated() {
            let f = g.members[0]
            html += "<tr><td>\(k + 1)</td><td class=\"n\">\(g.members.count)</td><td>\(esc(appeals.ids[f])) (\(esc(String(CivilTime.iso(appeals.created[f], zone: appeals.zone).prefix(16)))))</td><td>\(esc(appeals.categories[Int(appeals.category[f])]))</td><td class=\"n\">\(num(g.spanMetres))</td><td class=\"n\">\(num(g.spanHours))</td></tr>"
        }
        html += "</table></body></html>\n"
        return html
    }

    func range() -> String {
        guard let lo = appeals.created.min(), let hi = appeals.created.max() else { return "нет данных" }
        return "с \(CivilTime.iso(lo, zone: appeals.zone).prefix(10)) по \(CivilTime.iso(hi, zone: appeals.zone).prefix(10))"
    }

    func table(_ rows: [AppealStatsRow], label: String, name: KeyPath<AppealStatsRow, String>, overall: Double) -> String {
        var out = "<table><tr><th>\(esc(label))</th><th>обращений</th><th>закрыто</th><th>просрочено</th><th>доля просрочек</th><th>медиана, ч</th><th>90-й процентиль, ч</th></tr>"
        for r in rows.sorted(by: { $0.count > $1.count }) {
            let share = Double(r.breaches ?? 0) / Double(max(1, r.count))
            let flagged = r.count >= 20 && share > 1.5 * overall
            out += "<tr\(flagged ? " class=\"breach\"" : "")><td>\(esc(r[keyPath: name]))</td><td class=\"n\">\(r.count)</td><td class=\"n\">\(r.closed)</td><td class=\"n\">\(r.breaches.map(String.init) ?? "—")</td><td class=\"n\">\(r.breaches == nil ? "—" : pct(share))</td><td class=\"n\">\(r.medianHours.map(num) ?? "—")</td><td class=\"n\">\(r.p90Hours.map(num) ?? "—")</td></tr>"
        }
        return out + "</table><p class=\"legend\"><span><i class=\"sw\" style=\"background:#ffe3e3\"></i>доля просрочек в 1,5 раза выше средней (\(pct(overall)))</span></p>"
    }

    /// Horizontal bars: all appeals and, over them, the breaches.
    func bars(_ items: [(String, Int, Int)]) -> String {
        let sorted = items.sorted { $0.1 > $1.1 }
        let top = Double(max(1, sorted.first?.1 ?? 1))
        let rowH = 22.0, labelW = 260.0, barW = 640.0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bars\" width=\"\(num(labelW + barW + 80))\" height=\"\(num(rowH * Double(sorted.count) + 10))\">"
        for (k, (name, count, breach)) in sorted.enumerated() {
            let y = Double(k) * rowH + 4
            svg += "<text x=\"\(num(labelW - 6))\" y=\"\(num(y + 14))\" text-anchor=\"end\" font-size=\"12\" font-family=\"sans-serif\">\(esc(String(name.prefix(40))))</text>"
            svg += "<rect class=\"bar\" x=\"\(num(labelW))\" y=\"\(num(y))\" width=\"\(num(barW * Double(count) / top))\" height=\"\(num(rowH - 6))\" fill=\"#74a9cf\"><title>\(esc(name)): \(count)</title></rect>"
            svg += "<rect class=\"bar-breach\" x=\"\(num(labelW))\" y=\"\(num(y))\" width=\"\(num(barW * Double(breach) / top))\" height=\"\(num(rowH - 6))\" fill=\"#e03131\"><title>просрочено: \(breach)</title></rect>"
            svg += "<text x=\"\(num(labelW + barW * Double(count) / top + 4))\" y=\"\(num(y + 14))\" font-size=\"12\" font-family=\"sans-serif\">\(count)</text>"
        }
        return svg + "</svg><p class=\"legend\"><span><i class=\"sw\" style=\"background:#74a9cf\"></i>обращений</span><span><i class=\"sw\" style=\"background:#e03131\"></i>из них просрочено</span></p>"
    }

    func trend() -> String {
        let points = monthly.sorted { $0.period < $1.period }
        guard !points.isEmpty else { return "<p>нет данных</p>" }
        let w = 1000.0, h = 260.0, left = 50.0, bottom = 30.0
        let top = Double(max(1, points.map(\.count).max()!))
        let step = points.count > 1 ? (w - left - 20) / Double(points.count - 1) : 0
        func x(_ k: Int) -> Double { left + Double(k) * step }
        func y(_ v: Int) -> Double { h - bottom - (h - bottom - 10) * Double(v) / top }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" width=\"\(num(w))\" height=\"\(num(h))\">"
        svg += "<line x1=\"\(num(left))\" y1=\"\(num(h - bottom))\" x2=\"\(num(w - 10))\" y2=\"\(num(h - bottom))\" stroke=\"#888\"/>"
        svg += "<text x=\"4\" y=\"\(num(y(Int(top)) + 4))\" font-size=\"11\" font-family=\"sans-serif\">\(Int(top))</text>"
        let all = points.enumerated().map { "\(num(x($0.offset))),\(num(y($0.element.count)))" }.joined(separator: " ")
        let late = points.enumerated().map { "\(num(x($0.offset))),\(num(y($0.element.breaches ?? 0)))" }.joined(separator: " ")
        svg += "<polyline class=\"trend-all\" points=\"\(all)\" fill=\"none\" stroke=\"#1c7ed6\" stroke-width=\"2.5\"/>"
        svg += "<polyline class=\"trend-breaches\" points=\"\(late)\" fill=\"none\" stroke=\"#e03131\" stroke-width=\"2\"/>"
        for (k, p) in points.enumerated() {
            svg += "<circle cx=\"\(num(x(k)))\" cy=\"\(num(y(p.count)))\" r=\"3\" fill=\"#1c7ed6\"><title>\(esc(p.period)): \(p.count)</title></circle>"
            svg += "<text x=\"\(num(x(k)))\" y=\"\(num(h - 10))\" text-anchor=\"middle\" font-size=\"11\" font-family=\"sans-serif\">\(esc(p.period))</text>"
        }
        return svg + "</svg><p class=\"legend\"><span><i class=\"sw\" style=\"background:#1c7ed6\"></i>обращений за месяц</span><span><i class=\"sw\" style=\"background:#e03131\"></i>из них просрочено</span></p>"
    }

    /// Cells coloured by count, hot cells outlined, outlines of the territories, a scale bar.
    func map() throws -> String {
        let area = heat.area
        let project = try CoordinateTransformer(from: "EPSG:4326", to: area.crs)
        let shapes = try outlines.map { try project.transform($0) }
        var extent = BoundingBox.empty
        for c in area.cells { extent.extend(flat: area.grid.ring(c)) }
        for s in shapes { if let b = s.boundingBox { extent.extend(b) } }
        if extent.isEmpty { extent = BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1) }
        let width = 1100.0, scale = width / extent.width, height = extent.height * scale
        func sx(_ x: Double) -> String { num((x - extent.minX) * scale) }
        func sy(_ y: Double) -> String { num((extent.maxY - y) * scale) }
        func path(_ flat: [Double]) -> String {
            var d = ""
            var k = 0
            while k + 1 < flat.count { d += (k == 0 ? "M" : "L") + sx(flat[k]) + " " + sy(flat[k + 1]); k += 2 }
            return d + "Z"
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" viewBox=\"0 0 \(num(width)) \(num(height + 50))\" width=\"\(num(width))\" height=\"\(num(height + 50))\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>"
        let top = Double(max(1, heat.counts.max() ?? 1))
        let palette = ["#ffffff", "#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04"]
        for (k, c) in area.cells.enumerated() {
            let v = heat.counts[k]
            // Square-root scale: a few very busy cells should not wash out the rest.
            let level = v == 0 ? 0 : 1 + min(palette.count - 2, Int((Double(v) / top).squareRoot() * Double(palette.count - 1)))
            svg += "<path class=\"cell\" d=\"\(path(area.grid.ring(c)))\" fill=\"\(palette[level])\" stroke=\"#ddd\" stroke-width=\"0.3\"><title>\(v)</title></path>"
        }
        for s in shapes {
            for p in s.polygons {
                for r in 0 ..< p.ringCount {
                    svg += "<path class=\"territory\" d=\"\(path(Array(p.ring(r))))\" fill=\"none\" stroke=\"#555\" stroke-width=\"0.8\"/>"
                }
            }
        }
        // Hot cells: the strongest verdict per cell over the run (every month under --by-month).
        var best: [Int: HotSpotCell] = [:]
        for c in hotSpots.cells where c.hotClass.isHot && c.q <= alpha {
            if best[c.cell] == nil || c.q < best[c.cell]!.q { best[c.cell] = c }
        }
        for (k, c) in best.sorted(by: { $0.key < $1.key }) {
            let label = "горячая точка: \(c.count) обращений" + (c.expected.map { ", ожидалось \(num($0))" } ?? "") + (c.period.map { ", \($0)" } ?? "") + ", q = \(String(format: "%.2g", c.q))"
            svg += "<path class=\"hot\" d=\"\(path(area.grid.ring(area.cells[k])))\" fill=\"none\" stroke=\"#c92a2a\" stroke-width=\"2.5\"><title>\(esc(label))</title></path>"
        }
        let target = extent.width / 5
        let magnitude = pow(10, log10(target).rounded(.down))
        let bar = [1.0, 2, 5].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        svg += "<line x1=\"20\" y1=\"\(num(height + 22))\" x2=\"\(num(20 + bar * scale))\" y2=\"\(num(height + 22))\" stroke=\"#222\" stroke-width=\"3\"/>"
        svg += "<text x=\"20\" y=\"\(num(height + 40))\" font-size=\"13\" font-family=\"sans-serif\">\(num(bar)) м</text></svg>"
        svg += "<p class=\"legend\"><span><i class=\"sw\" style=\"background:#fdd0a2\"></i>мало обращений</span><span><i class=\"sw\" style=\"background:#d94801\"></i>много (до \(Int(top)) в ячейке)</span><span><i class=\"sw\" style=\"border:2px solid #c92a2a\"></i>горячая точка</span><span><i class=\"sw\"></i>границы территорий</span></p>"
        return svg
    }

    func num(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    func pct(_ v: Double) -> String { String(format: "%.1f", 100 * v).replacingOccurrences(of: ".", with: ",") + " %" }

    func esc(_ s: String) -> String { CoverageHTMLReport.escape(s) }
}
