import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

/// An independent answer, in the test: every feature against every building, PROJ straight
/// into the UTM zone and GEOS's distance, no index and no interpolated projection.
struct WorksOracle {
    let crs = "EPSG:32641"
    let geos = GEOSContext()

    func metric(_ features: [Feature]) throws -> [GEOSGeometry?] {
        let t = try CoordinateTransformer(from: "EPSG:4326", to: crs)
        return try features.map { f in try f.geometry.map { try geos.geometry(try t.transform($0)) } }
    }

    static func mm(_ d: Double) -> Double { (d * 1000).rounded() / 1000 }

    /// (feature index, building index) → metres, for every touching pair.
    func affected(_ features: [Feature], _ buildings: [Feature], buffer: Double, active: (Int) -> Bool) throws -> [[Int]: Double] {
        let shapes = try metric(features), outlines = try metric(buildings)
        var pairs: [[Int]: Double] = [:]
        for (i, s) in shapes.enumerated() where active(i) {
            guard let s else { continue }
            let areal = s.typeName.hasSuffix("Polygon")
            for (b, o) in outlines.enumerated() {
                guard let o else { continue }
                let d = Self.mm(try s.distance(to: o))
                if areal ? try s.intersects(o) : d <= buffer { pairs[[i, b]] = d }
            }
        }
        return pairs
    }
}

@Suite("Buildings affected by works and outages")
struct AffectedBuildingsTests {
    static let yekaterinburg = 5 * 3600

    static func pairs(_ r: AffectedReport) -> [[Int]: Double] {
        var out: [[Int]: Double] = [:]
        for f in r.features { for h in f.hits { out[[f.index, h.building]] = h.metres } }
        return out
    }

    @Test("every outage and every works feature of the sample city touches exactly the buildings GEOS finds", arguments: [
        ("outages", 0.0), ("outages", 10.0), ("outages", 25.0), ("outages", 150.0), ("earthworks", 0.0), ("earthworks", 5.0), ("earthworks", 30.0), ("earthworks", 150.0),
    ])
    func agreesWithGEOS(layer: String, buffer: Double) throws {
        let features = try Fixtures.features(layer), buildings = try Fixtures.features("buildings")
        let fields = WindowFields(defaultOffset: Self.yekaterinburg)
        let report = try AffectedBuildings.run(features: features, buildings: buildings,
                                               options: AffectedOptions(layer: layer, fields: fields, bufferMetres: buffer))
        #expect(report.problems.isEmpty)
        #expect(report.crs == "EPSG:32641")
        #expect(report.features.count == features.count)
        let expected = try WorksOracle().affected(features, buildings, buffer: buffer) { _ in true }
        let found = Self.pairs(report)
        #expect(Set(found.keys) == Set(expected.keys), "missing \(Set(expected.keys).subtracting(found.keys).sorted { $0.lexicographicallyPrecedes($1) }), extra \(Set(found.keys).subtracting(expected.keys).sorted { $0.lexicographicallyPrecedes($1) })")
        for (k, d) in expected { if let f = found[k] { #expect(abs(f - d) <= 0.001, "\(k)") } }
        #expect(!expected.isEmpty)
        // Each building once, with the sums of its properties.
        let touched = Set(expected.keys.map { $0[1] })
        #expect(report.buildings.map(\.index) == touched.sorted())
        let residents = touched.reduce(0.0) { $0 + (buildings[$1].properties["residents"]?.doubleValue ?? 0) }
        #expect(report.totalResidents == residents)
        #expect(report.totalFlats == touched.reduce(0.0) { $0 + (buildings[$1].properties["flats"]?.doubleValue ?? 0) })
    }

    @Test("a trench along a building's edge touches it at buffer 0: touching counts")
    func lineAlongEdge() throws {
        let works = try Fixtures.features("earthworks"), buildings = try Fixtures.features("buildings")
        let k = try #require(works.firstIndex { $0.properties["permit"]?.plainText == "Ордер №41/2025" })
        guard case .lineString(let line)? = works[k].geometry else { Issue.record("not a line"); return }
        // The building whose outline has both of the line's vertices.
        let owner = try #require(buildings.firstIndex { b in
            guard case .polygon(let p)? = b.geometry else { return false }
            let ring = Array(p.ring(0))
            func has(_ x: Double, _ y: Double) -> Bool { stride(from: 0, to: ring.count, by: 2).contains { ring[$0] == x && ring[$0 + 1] == y } }
            return has(line.coordinates[0], line.coordinates[1]) && has(line.coordinates[2], line.coordinates[3])
        })
        let report = try AffectedBuildings.run(features: works, buildings: buildings,
                                               options: AffectedOptions(layer: "earthworks", ids: ["\(works[k].id!)"], bufferMetres: 0))
        #expect(report.features.count == 1)
        #expect(report.features[0].hits.map { $0.building } == [owner])
        #expect(report.features[0].hits[0].metres == 0)
        #expect(report.buildings[0].address == buildings[owner].properties["address"]?.plainText)
        // GEOS agrees: they intersect (and only touch: no shared interior).
        let oracle = WorksOracle()
        let shapes = try oracle.metric([works[k], buildings[owner]])
        #expect(try shapes[0]!.intersects(shapes[1]!))
        #expect(try shapes[0]!.touches(shapes[1]!))
    }

    @Test("a polygon outage that shares only an edge with a building touches it")
    func polygonSharingEdge() throws {
        let a = [60.73, 56.08], b = [60.7305, 56.08], c = [60.7305, 56.0803], d = [60.73, 56.0803]
        let building = Feature(id: .integer(1), geometry: .polygon(Polygon(rings: [a + b + c + d + a])), properties: ["address": .string("ул. Мира, д. 1")])
        let e = [60.731, 56.08], f = [60.731, 56.0803]
        let outage = Feature(id: .integer(7), geometry: .polygon(Polygon(rings: [b + e + f + c + b])),
                             properties: ["start": .string("2025-01-15T06:30:00+05:00"), "end": .string("2025-01-15T20:00:00+05:00")])
        let apart = Feature(id: .integer(8), geometry: .polygon(Polygon(rings: [[60.73051, 56.08, 60.731, 56.08, 60.731, 56.0803, 60.73051, 56.0803, 60.73051, 56.08]])),
                            properties: ["start": .string("2025-01-15"), "end": .string("2025-01-15")])
        let report = try AffectedBuildings.run(features: [outage, apart], buildings: [building],
                                               options: AffectedOptions(layer: "outages", bufferMetres: 50))
        #expect(report.features.map { $0.hits.map { $0.building } } == [[0], []])
        let g = try WorksOracle().metric([outage, building, apart])
        #expect(try g[0]!.touches(g[1]!))
        #expect(try g[2]!.distance(to: g[1]!) > 0)
    }

    @Test("a buffer exactly reaching a building touches it; a millimetre less does not")
    func bufferExactlyTouching() throws {
        let outages = try Fixtures.features("outages"), buildings = try Fixtures.features("buildings")
        let k = try #require(outages.firstIndex { $0.properties["reason"]?.plainText == "порыв водовода" })
        let oracle = WorksOracle()
        let point = try oracle.metric([outages[k]])[0]!, outlines = try oracle.metric(buildings)
        let distances = try outlines.map { WorksOracle.mm(try point.distance(to: $0!)) }
        let nearest = distances.min()!
        #expect(nearest > 1)
        func hits(_ buffer: Double) throws -> Set<Int> {
            let r = try AffectedBuildings.run(features: outages, buildings: buildings,
                                              options: AffectedOptions(layer: "outages", ids: ["\(outages[k].id!)"], bufferMetres: buffer))
            return Set(r.features[0].hits.map { $0.building })
        }
        #expect(try hits(nearest) == Set(distances.indices.filter { distances[$0] == nearest }))
        #expect(try hits(nearest - 0.001).isEmpty)
        let second = distances.filter { $0 > nearest }.min()!
        #expect(try hits(second).count == distances.filter { $0 <= second }.count)
    }

    @Test("--at and a period pick the features active then; a window ending exactly when the query starts is out")
    func timeQueries() throws {
        let works = try Fixtures.features("earthworks"), buildings = try Fixtures.features("buildings")
        let fields = WindowFields(defaultOffset: Self.yekaterinburg)
        func active(_ q: TimeQuery) throws -> [String] {
            try AffectedBuildings.run(features: works, buildings: buildings,
                                      options: AffectedOptions(layer: "earthworks", fields: fields, query: q, bufferMetres: 5))
                .features.map { works[$0.index].properties["permit"]!.plainText! }
        }
        let july1 = try ISOTimestamp.parse("2025-07-01T00:00:00+05:00").get()
        #expect(try active(.at(july1)) == ["Ордер №43/2025", "Ордер №44/2025"])
        #expect(try active(.at(july1 - 1)) == ["Ордер №42/2025", "Ордер №43/2025"])
        let june30 = TimeWindow(start: try ISOTimestamp.parse("2025-06-30T00:00:00+05:00").get(), end: july1)
        #expect(try active(.during(june30)) == ["Ордер №42/2025", "Ордер №43/2025"])
        // The independent check: the oracle with the windows read by Foundation.
        let formatter = ISO8601DateFormatter()
        let expected = works.filter { w in
            guard let s = w.properties["start"]?.plainText, let e = w.properties["end"]?.plainText else { return false }
            let start = s.count == 10 ? formatter.date(from: s + "T00:00:00+05:00")! : formatter.date(from: s)!
            let end = e.count == 10 ? formatter.date(from: e + "T00:00:00+05:00")!.addingTimeInterval(86_400) : formatter.date(from: e)!
            return start.timeIntervalSince1970 <= july1 && july1 < end.timeIntervalSince1970
        }.map { $0.properties["permit"]!.plainText! }
        #expect(try active(.at(july1)) == expected)
    }

    @Test("buildings are grouped by the organisation of the territory holding a point inside them, as GEOS says")
    func groupedByTerritory() throws {
        let outages = try Fixtures.features("outages"), buildings = try Fixtures.features("buildings")
        let territories = try Fixtures.features("territories")
        let orgs = TerritoryOrganisations(territories: territories, organisationField: "org")
        let report = try AffectedBuildings.run(features: outages, buildings: buildings,
                                               options: AffectedOptions(layer: "outages", bufferMetres: 20)) { orgs.organisation(at: $0) }
        #expect(report.grouped)
        let geos = GEOSContext()
        let shapes = try territories.map { try geos.geometry($0.geometry!).prepared() }
        var expected: [String?: Int] = [:]
        for b in report.buildings {
            let inside = try geos.geometry(buildings[b.index].geometry!).pointOnSurface()
            let covering = try shapes.indices.filter { try shapes[$0].covers(inside) }
            let org = covering.first.flatMap { territories[$0].properties["org"]?.plainText }
            #expect(b.organisation == org, "building \(b.id)")
            expected[org, default: 0] += 1
        }
        #expect(Dictionary(uniqueKeysWithValues: report.organisations.map { ($0.organisation, $0.buildings) }) == expected)
        #expect(report.organisations.reduce(0) { $0 + $1.buildings } == report.buildings.count)
        #expect(report.organisations.count > 1)
        // Per feature: the counts add up to its buildings.
        for f in report.features { #expect(f.organisations.reduce(0) { $0 + $1.buildings } == Set(f.hits.map { $0.building }).count) }
    }

    @Test("an unknown --id is refused, naming the layer and the id")
    func unknownID() throws {
        #expect(throws: WorksError.self) {
            try AffectedBuildings.run(features: try Fixtures.features("outages"), buildings: [],
                                      options: AffectedOptions(layer: "outages", ids: ["99"]))
        }
    }
}
