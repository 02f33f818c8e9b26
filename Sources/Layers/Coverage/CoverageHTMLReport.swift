import GeoCore

/// `report.html`: one self-contained page (no external file, no script) with the summary
/// tables and an SVG map drawn in the analysis's metric projection, so the 100 m circles
/// are true circles and the scale bar is exact. Every word on it is Russian
/// (``CoverageRussian``), violation texts included.
public enum CoverageHTMLReport {
    public static func html(_ report: CoverageReport, buildings: [Feature], sites: [Feature], districts: [Feature],
                            title: String = "Покрытие контейнерными площадками ТКО") throws -> String {
        let project = try CoordinateTransformer(from: "EPSG:4326", to: report.crs)
        let r = report.rules
        func metric(_ g: Geometry?) throws -> Geometry? { try g.map { try project.transform($0) } }
        let outlines = try buildings.map { try metric($0.geometry) }
        let sitePoints = try sites.map { s -> Point? in
            guard let g = try metric(s.geometry) else { return nil }
            if case .point(let p) = g { return p }
            return g.boundingBox?.center
        }
        let districtShapes = try districts.map { try metric($0.geometry) }
        let suggested = try report.suggestions.map { try project.transform(x: $0.location.x, y: $0.location.y) }

        var extent = BoundingBox.empty
        for g in outlines + districtShapes { if let b = g?.boundingBox { extent.extend(b) } }
        for p in sitePoints.compactMap({ $0 }) + suggested { extent.extend(x: p.x, y: p.y) }
        if extent.isEmpty { extent = BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1) }
        let pad = r.residentialMaxMetres + 20
        extent = BoundingBox(minX: extent.minX - pad, minY: extent.minY - pad, maxX: extent.maxX + pad, maxY: extent.maxY + pad)
        let width = 1100.0
        let scale = width / extent.width
        let height = extent.height * scale
        func sx(_ x: Double) -> String { fmt((x - extent.minX) * scale) }
        func sy(_ y: Double) -> String { fmt((extent.maxY - y) * scale) }
        func path(_ g: Geometry) -> String {
            var d = ""
            for p in g.polygons {
                for i in 0 ..< p.ringCount {
                    let ring = p.ring(i)
                    var k = ring.startIndex
                    while k + 1 < ring.endIndex {
                        d += (k == ring.startIndex ? "M" : "L") + sx(ring[k]) + " " + sy(ring[k + 1])
                        k += 2
                    }
                    d += "Z"
                }
            }
            return d
        }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(fmt(width)) \(fmt(height + 60))\" width=\"\(fmt(width))\" height=\"\(fmt(height + 60))\">"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"#fbfbf8\"/>"
        for g in districtShapes.compactMap({ $0 }) {
            svg += "<path d=\"\(path(g))\" fill=\"none\" stroke=\"#7a7a9a\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>"
        }
        let radius = fmt(r.residentialMaxMetres * scale)
        for p in sitePoints.compactMap({ $0 }) {
            svg += "<circle cx=\"\(sx(p.x))\" cy=\"\(sy(p.y))\" r=\"\(radius)\" fill=\"#2a6fdb\" fill-opacity=\"0.06\" stroke=\"#2a6fdb\" stroke-opacity=\"0.35\" stroke-width=\"0.8\"/>"
        }
        for b in report.buildings {
            guard let g = outlines[b.index] else { continue }
            let colour = !b.tooCloseSites.isEmpty ? "#f08c00" : (b.covered ? "#2f9e44" : "#e03131")
            svg += "<path d=\"\(path(g))\" fill=\"\(colour)\" stroke=\"#333\" stroke-width=\"0.4\"><title>дом \(escape(b.id)): \(b.nearestMetres.map { fmt($0) + " м до площадки " + (b.nearestSiteID ?? "") } ?? "нет площадки")</title></path>"
        }
        for s in report.sites {
            guard let p = sitePoints[s.index] else { continue }
            for v in s.violations where v.kind == .building {
                if let g = outlines[v.index], let c = g.boundingBox?.center {
                    svg += "<line x1=\"\(sx(p.x))\" y1=\"\(sy(p.y))\" x2=\"\(sx(c.x))\" y2=\"\(sy(c.y))\" stroke=\"#c92a2a\" stroke-width=\"1.5\"/>"
                }
            }
            let fill = s.violations.isEmpty && s.problems.isEmpty ? "#1c7ed6" : "#c92a2a"
            svg += "<circle cx=\"\(sx(p.x))\" cy=\"\(sy(p.y))\" r=\"4\" fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"1\"><title>площадка \(escape(s.id))</title></circle>"
        }
        for (i, p) in suggested.enumerated() {
            let x = (p.x - extent.minX) * scale, y = (extent.maxY - p.y) * scale
            svg += "<path d=\"M\(fmt(x)) \(fmt(y - 6))L\(fmt(x + 6)) \(fmt(y))L\(fmt(x)) \(fmt(y + 6))L\(fmt(x - 6)) \(fmt(y))Z\" fill=\"#9c36b5\" stroke=\"#fff\" stroke-width=\"1\"><title>предлагаемая площадка \(i + 1)</title></path>"
        }
        // Scale bar: a round number of metres about a fifth of the width.
        let target = extent.width / 5
        let magnitude = pow(10, (log10(target)).rounded(.down))
        let bar = [1.0, 2, 5].map { $0 * magnitude }.last { $0 <= target } ?? magnitude
        let y0 = height + 30
        svg += "<line x1=\"20\" y1=\"\(fmt(y0))\" x2=\"\(fmt(20 + bar * scale))\" y2=\"\(fmt(y0))\" stroke=\"#222\" stroke-width=\"3\"/>"
        svg += "<text x=\"20\" y=\"\(fmt(y0 + 18))\" font-size=\"13\" font-family=\"sans-serif\">\(fmt(bar)) м</text>"
        svg += "</svg>"

        let covered = report.buildings.filter(\.covered).count
        var html = """
        <!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1160px}table{border-collapse:collapse;margin:8px 0 20px}
        td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left}th{background:#f1f3f5}.legend span{display:inline-block;margin-right:16px;font-size:13px}
        .sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px;border:1px solid #555}</style></head><body>
        <h1>\(escape(title))</h1>
        <p>\(escape(CoverageRussian.method(report))).</p>
        <table><tr><th>показатель</th><th>значение</th><th>правило</th></tr>
        <tr><td>жилых зданий</td><td>\(report.buildings.count)</td><td></td></tr>
        <tr><td>обеспечены площадкой не далее \(fmt(r.residentialMaxMetres)) м</td><td>\(covered) (\(fmt(100 * Double(covered) / Double(max(1, report.buildings.count))))%)</td><td>\(CoverageRussian.source)</td></tr>
        <tr><td>площадка ближе \(fmt(r.residentialMinMetres)) м</td><td>\(report.buildings.filter { !$0.tooCloseSites.isEmpty }.count)</td><td>\(CoverageRussian.source)</td></tr>
        <tr><td>площадок с нарушениями расстояний</td><td>\(report.sites.filter { !$0.violations.isEmpty }.count)</td><td>\(CoverageRussian.source), профиль «\(escape(CoverageRussian.profile(r.profile)))»</td></tr>
        <tr><td>площадок сверх нормы контейнеров</td><td>\(report.sites.filter { !$0.problems.isEmpty }.count)</td><td>\(CoverageRussian.source): ≤ \(r.maxMixedContainers) / \(r.maxSeparateContainers), КГО ≤ \(r.maxBulkyBins)</td></tr>
        <tr><td>предлагаемых новых площадок</td><td>\(report.suggestions.count)</td><td>не ближе \(fmt(r.residentialMinMetres)) м к домам и детским объектам, \(fmt(r.medicalMinMetres)) м к медицинским</td></tr>
        </table>
        <div class="legend"><span><i class="sw" style="background:#2f9e44"></i>дом обеспечен</span><span><i class="sw" style="background:#e03131"></i>не обеспечен</span>
        <span><i class="sw" style="background:#f08c00"></i>площадка ближе нормы</span><span><i class="sw" style="background:#1c7ed6;border-radius:6px"></i>площадка</span>
        <span><i class="sw" style="background:#c92a2a;border-radius:6px"></i>площадка с нарушением</span><span><i class="sw" style="background:#9c36b5"></i>предлагаемая площадка</span>
        <span><i class="sw" style="background:#dde8fa"></i>\(fmt(r.residentialMaxMetres)) м от площадки</span><span><i class="sw" style="border-style:dashed"></i>границы округов</span></div>
        \(svg)

        """
        if !report.districts.isEmpty {
            html += "<h2>По округам</h2><table><tr><th>округ</th><th>домов</th><th>обеспечено, %</th><th>не обеспечено</th><th>с нарушением</th></tr>"
            for d in report.districts {
                html += "<tr><td>\(escape(d.name))</td><td>\(d.buildings)</td><td>\(fmt(d.coveredPercent))</td><td>\(d.uncovered)</td><td>\(d.tooClose)</td></tr>"
            }
            html += "</table>"
        }
        let flagged = report.sites.filter { !$0.violations.isEmpty || !$0.problems.isEmpty }
        if !flagged.isEmpty {
            html += "<h2>Площадки с нарушениями</h2><table><tr><th>площадка</th><th>нарушения расстояний</th><th>контейнеры</th><th>правило</th></tr>"
            for s in flagged {
                let v = s.violations.map { "\(CoverageRussian.kind($0.kind)) \(escape($0.id)): \(fmt($0.metres)) м &lt; \(fmt($0.minimumMetres)) м" }.joined(separator: "<br>")
                let problems = CoverageRussian.problems(s, rules: r).map(escape).joined(separator: "<br>")
                let reduction = CoverageRussian.reduction(s, rules: r).map { ", " + escape($0) } ?? ""
                html += "<tr><td>\(escape(s.id))</td><td>\(v)</td><td>\(problems)</td><td>\(CoverageRussian.source)\(reduction)</td></tr>"
            }
            html += "</table>"
        }
        html += "</body></html>\n"
        return html
    }

    static func fmt(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#endif
