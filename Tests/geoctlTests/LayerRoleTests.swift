import Foundation
import Testing

@Suite("analyses refuse layers in the wrong role")
struct LayerRoleTests {
    @Test("coverage with buildings and sites swapped exits 1 naming the layer, its kind and geometry, and what was expected")
    func coverageSwapped() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["coverage", "--buildings", "sites", "--sites", "buildings"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("layer \"sites\" (kind waste-site, Point) cannot be the buildings of coverage: it needs Polygon or MultiPolygon (a layer of kind building)"), "\(r.stderr)")
        let sites = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "territories"])
        #expect(sites.status == 1 && sites.stderr.contains("cannot be the sites of coverage: it needs Point or MultiPoint"), "\(sites.stderr)")
        let districts = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "roads"])
        #expect(districts.status == 1 && districts.stderr.contains("layer \"roads\" (kind road, LineString) cannot be the districts of coverage"))
    }

    @Test("the right geometry under the wrong kind is a warning, and the analysis runs")
    func kindMismatchWarns() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let r = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "institutions"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: layer \"institutions\" is of kind institution; the sites of coverage should be of kind waste-site"))
        #expect(r.stdout.contains("covered"))
        let right = try s.geoctl(["coverage", "--buildings", "buildings", "--sites", "sites", "--districts", "territories", "--sensitive", "institutions"])
        #expect(right.status == 0 && !right.stderr.contains("warning"), "\(right.stderr)")
    }

    @Test("check territories refuses a non-polygon layer or boundary and warns about a polygon layer of another kind")
    func checkTerritoriesRoles() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let points = try s.geoctl(["check", "territories", "sites"])
        #expect(points.status == 1 && points.stderr.contains("layer \"sites\" (kind waste-site, Point) cannot be the territories of check territories"))
        let boundary = try s.geoctl(["check", "territories", "territories", "--boundary", "roads"])
        #expect(boundary.status == 1 && boundary.stderr.contains("cannot be the boundary of check territories"))
        let buildings = try s.geoctl(["check", "territories", "buildings", "--format", "json"])
        #expect(buildings.status == 2)   // it runs, and finds problems
        #expect(buildings.stderr.contains("layer \"buildings\" is of kind building; the territories of check territories should be of kind territory, district or precinct"))
    }

    @Test("a covering rule on a polygon layer of another kind routes, with a warning")
    func routingRuleKind() throws {
        let s = try Scratch()
        try s.importSampleCity()
        let rules = s.folder + "/rules.yaml"
        try """
            organisations: [{id: admin, name: Администрация}]
            categories:
              - {id: roof, name_ru: Крыша, name_en: Roof, deadline_days: 3, strategies: [{covering: {layer: buildings, organisation: address}}, {fallback: admin}]}
            """.write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["route", "--rules", rules, "--lon", "60.72309", "--lat", "56.07966", "--category", "roof"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: category roof: layer \"buildings\" is of kind building; the layer of a covering rule should be of kind territory, district, precinct or boundary"), "\(r.stderr)")
    }
}
