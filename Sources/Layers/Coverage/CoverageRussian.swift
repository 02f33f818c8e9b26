import Foundation

/// The coverage report's words in Russian, for `report.html`, which speaks Russian
/// throughout: the method, the rule's source, violations, container problems, reductions.
public enum CoverageRussian {
    /// "СанПиН 2.1.3684-21, п. 4".
    public static let source = "СанПиН 2.1.3684-21, п. 4"

    public static func profile(_ name: String) -> String {
        switch name {
        case "urban": "городской"
        case "rural": "сельский"
        default: name
        }
    }

    public static func method(_ report: CoverageReport) -> String {
        let projection = report.projectionError.map { String(format: "PROJ по сетке, отклонение от PROJ не более %.3f мм", $0 * 1000) } ?? "PROJ"
        return "расстояния на плоскости в \(report.crs) (\(projection)), от контура здания до точки площадки, с округлением до миллиметра; \(source), профиль «\(profile(report.rules.profile))»"
    }

    public static func kind(_ kind: Violation.Kind) -> String {
        switch kind {
        case .building: "жилой дом"
        case .children: "детский объект"
        case .medical: "медицинская организация"
        }
    }

    /// The container limits a site exceeds, as sentences.
    public static func problems(_ site: SiteResult, rules: CoverageRules) -> [String] {
        var list: [String] = []
        let limit = site.separateCollection ? rules.maxSeparateContainers : rules.maxMixedContainers
        if let c = site.containers, c > limit {
            list.append("контейнеров: \(c), больше \(limit) (\(site.separateCollection ? "раздельное" : "смешанное") накопление, \(source))")
        }
        if let b = site.bulkyBins, b > rules.maxBulkyBins {
            list.append("бункеров для КГО: \(b), больше \(rules.maxBulkyBins) (\(source))")
        }
        return list
    }

    /// The exception that shortened a site's minimum distances, or nil.
    public static func reduction(_ site: SiteResult, rules: CoverageRules) -> String? {
        guard site.reduction != nil, rules.residentialMinMetres > 0 else { return nil }
        let percent = Int(((1 - site.residentialMinMetres / rules.residentialMinMetres) * 100).rounded())
        return site.separateCollection ? "раздельное накопление: −\(percent)%" : "санитарно-эпидемиологическая оценка: −\(percent)%"
    }
}
