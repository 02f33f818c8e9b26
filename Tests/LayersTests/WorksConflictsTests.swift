import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Works conflicts in space and time")
struct WorksConflictsTests {
    static let offset = 5 * 3600

    /// The windows as Foundation reads them: bare dates at +05:00, a bare end through its day.
    static func window(_ f: Feature, end endField: String = "end") -> (Double, Double)? {
        let formatter = ISO8601DateFormatter()
        func read(_ text: String?, end: Bool) -> Double? {
            guard let text else { return nil }
            if text.count == 10 {
                return formatter.date(from: text + "T00:00:00+05:00").map { $0.timeIntervalSince1970 + (end ? 86_400 : 0) }
            }
            return formatter.date(from: text)?.timeIntervalSince1970
        }
        guard let s = read(f.properties["start"]?.plainText, end: false), let e = read(f.properties[endField]?.plainText, end: true) else { return nil }
        return (s, e)
    }

    static func permit(_ works: [Feature], _ c: WorksConflict) -> String {
        "\(works[c.first].properties["permit"]!.plainText!) × \(c.kind == .works ? works[c.second].properties["permit"]!.plainText! : "repair \(c.secondID)")"
    }

    @Test("every clashing pair of the sample city's works, and only those, as GEOS finds them in the test", arguments: [0.0, 2.0, 5.0, 40.0])
    func pairsAgreeWithGEOS(buffer: Double) throws {
        let works = try Fixtures.features("earthworks")
        let report = try WorksConflicts.run(works: works, options: ConflictOptions(layer: "earthworks", fields: WindowFields(defaultOffset: Self.offset), bufferMetres: buffer))
        #expect(report.problems.isEmpty)
        let oracle = WorksOracle()
        let shapes = try oracle.metric(works)
        var expected: [[Int]: (Double, Double, Double)] = [:]
        for i in works.indices {
            for j in works.indices where j > i {
                guard let (s1, e1) = Self.window(works[i]), let (s2, e2) = Self.window(works[j]), s1 < e2, s2 < e1 else { continue }
                let d = WorksOracle.mm(try shapes[i]!.distance(to: shapes[j]!))
                guard d <= buffer else { continue }
                let za = buffer > 0 ? try shapes[i]!.buffer(buffer) : shapes[i]!, zb = buffer > 0 ? try shapes[j]!.buffer(buffer) : shapes[j]!
                let area = try za.intersection(zb).area()
                let length = max(try shapes[i]!.intersection(zb).length(), try shapes[j]!.intersection(za).length())
                expected[[i, j]] = (d, area, length)
            }
        }
        let found = report.conflicts.filter { $0.kind == .works }
        #expect(Set(found.map { [$0.first, $0.second] }) == Set(expected.keys))
        #expect(found.count == expected.count)
        for c in found {
            guard let (d, area, length) = expected[[c.first, c.second]] else { continue }
            #expect(abs(c.metres - d) <= 0.001)
            #expect(abs(c.areaSquareMetres - area) <= 0.01, "\(Self.permit(works, c))")
            #expect(abs(c.lengthMetres - length) <= 0.001, "\(Self.permit(works, c))")
            let (s1, e1) = Self.window(works[c.first])!, (s2, e2) = Self.window(works[c.second])!
            #expect(c.period == TimeWindow(start: max(s1, s2), end: min(e1, e2)))
            if buffer > 0 { #expect(c.geometry != nil) }
        }
    }

    @Test("PROJ itself (a few works to project) and PROJ sampled on a grid (many) give the same conflicts", arguments: [5.0, 40.0])
    func gridAndPROJAgree(buffer: Double) throws {
        let works = try Fixtures.features("earthworks")
        var options = ConflictOptions(layer: "earthworks", fields: WindowFields(defaultOffset: Self.offset), bufferMetres: buffer)
        let exact = try WorksConflicts.run(works: works, options: options)
        options.gridFromPositions = 0
        let sampled = try WorksConflicts.run(works: works, options: options)
        #expect(exact.method.contains("(PROJ);"))
        #expect(sampled.method.contains("PROJ sampled on a grid"))
        #expect(!exact.conflicts.isEmpty)
        #expect(exact.conflicts.map { [$0.first, $0.second] } == sampled.conflicts.map { [$0.first, $0.second] })
        for (a, b) in zip(exact.conflicts, sampled.conflicts) {
            #expect(abs(a.metres - b.metres) <= 0.001)
            #expect(abs(a.areaSquareMetres - b.areaSquareMetres) <= 1e-3)
            #expect(abs(a.lengthMetres - b.lengthMetres) <= 1e-4)
            #expect(a.period == b.period)
        }
    }

    @Test("the known answers of the fixture district: crossing trenches clash; adjacent windows do not; 3 m apart clash only within the buffer")
    func knownAnswers() throws {
        let works = try Fixtures.features("earthworks")
        func pairs(_ buffer: Double, _ query: TimeQuery = .all) throws -> Set<String> {
            let r = try WorksConflicts.run(works: works, options: ConflictOptions(layer: "earthworks", fields: WindowFields(defaultOffset: Self.offset),
                                                                                   query: query, bufferMetres: buffer))
            return Set(r.conflicts.map { Self.permit(works, $0) })
        }
        let at5 = try pairs(5)
        #expect(at5.contains("Ордер №42/2025 × Ордер №43/2025"))
        #expect(at5.contains("Ордер №42/2025 × Ордер №45/2025"))
        #expect(!at5.contains("Ордер №42/2025 × Ордер №44/2025"))   // 44 starts the instant 42 ends
        #expect(!(try pairs(2)).contains("Ордер №42/2025 × Ордер №45/2025"))
        #expect((try pairs(0)).contains("Ордер №42/2025 × Ордер №43/2025"))
        let july1 = try ISOTimestamp.parse("2025-07-01T00:00:00+05:00").get()
        #expect(!(try pairs(5, .at(july1))).contains("Ордер №42/2025 × Ордер №43/2025"))
        #expect((try pairs(5, .at(july1 - 1))).contains("Ордер №42/2025 × Ордер №43/2025"))
        let r = try WorksConflicts.run(works: works, options: ConflictOptions(layer: "earthworks", fields: WindowFields(defaultOffset: Self.offset), bufferMetres: 5))
        let c = try #require(r.conflicts.first { Self.permit(works, $0) == "Ордер №42/2025 × Ордер №43/2025" })
        #expect(ISOTimestamp.format(c.period.start, offset: Self.offset) == "2025-06-25T00:00:00+05:00")
        #expect(ISOTimestamp.format(c.period.end, offset: Self.offset) == "2025-07-01T00:00:00+05:00")
        #expect(c.metres == 0)
        // Two crossing lines grown by 5 m share about a 10 m × 10 m square (a little less at the rounded corners).
        #expect(c.areaSquareMetres > 90 && c.areaSquareMetres <= 100.5)
    }

    @Test("works on a repair before its guarantee ends clash; after it, not; --guarantee-years stands in for a missing date")
    func guarantees() throws {
        let works = try Fixtures.features("earthworks"), repairs = try Fixtures.features("repairs")
        func found(_ fields: WindowFields) throws -> [String] {
            let r = try WorksConflicts.run(works: works, repairs: repairs,
                                           options: ConflictOptions(layer: "earthworks", fields: WindowFields(defaultOffset: Self.offset), bufferMetres: 0,
                                                                    repairFields: fields))
            #expect(r.problems.isEmpty)
            return r.conflicts.filter { $0.kind == .guarantee }.map { Self.permit(works, $0) }
        }
        let byDate = try found(WindowFields(guarantee: "guarantee_until", defaultOffset: Self.offset))
        #expect(byDate == ["Ордер №46/2025 × repair 1"], "\(byDate)")
        let byYears = try found(WindowFields(guaranteeYears: 10, defaultOffset: Self.offset))
        #expect(byYears == ["Ордер №46/2025 × repair 1", "Ордер №47/2025 × repair 2"], "\(byYears)")
        // Independently: which works cross a repair at all (GEOS), and when each guarantee ends.
        let oracle = WorksOracle()
        let w = try oracle.metric(works), rp = try oracle.metric(repairs)
        var crossing: [String] = []
        for i in works.indices { for r in repairs.indices where try w[i]!.intersects(rp[r]!) { crossing.append("\(works[i].properties["permit"]!.plainText!) × repair \(r + 1)") } }
        #expect(crossing == ["Ордер №46/2025 × repair 1", "Ордер №47/2025 × repair 2"])
        let guarantee = Self.window(repairs[1], end: "guarantee_until")!.1
        #expect(Self.window(works[works.count - 1])!.0 > guarantee)
    }
}
