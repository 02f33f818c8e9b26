import Foundation
import GeoCore
import Testing
import TestSupport

/// `geoctl import` of GDAL formats, `geoctl crs`, as a GIS specialist runs them.
@Suite("geoctl formats and named CRSs")
struct FormatCommandTests {
    static let msk = "+proj=tmerc +lat_0=0 +lon_0=60.05 +k=1 +x_0=2250000 +y_0=-5712900.566 +ellps=krass +towgs84=23.57,-140.95,-79.8,0,0.35,0.79,-0.22 +units=m +no_defs"

    /// A MapInfo TAB in the МСК with Cyrillic attributes in windows-1251, made by ogr2ogr.
    static func mapInfo(_ s: Scratch) throws -> String {
        let json = s.folder + "/schools.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Школа номер один"},"geometry":{"type":"Point","coordinates":[60.75,56.07]}},{"type":"Feature","properties":{"name":"Детский сад Ёлочка"},"geometry":{"type":"Point","coordinates":[60.76,56.08]}}]}"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        let tab = s.folder + "/schools.tab"
        let r = try Geoctl.run(executable: "/usr/bin/ogr2ogr", ["-f", "MapInfo File", "-lco", "ENCODING=CP1251", "-t_srs", msk, tab, json])
        #expect(r.status == 0, "\(r.stderr)")
        return tab
    }

    @Test("crs add/list/show; a MapInfo layer in the МСК imports with Cyrillic intact and the catalog names the CRS")
    func mapInfoInMSK() throws {
        let s = try Scratch()
        let tab = try Self.mapInfo(s)
        let add = try s.geoctl(["crs", "add", "msk74-1", "--proj", Self.msk, "--note", "test definition"])
        #expect(add.status == 0, "\(add.stderr)")
        let list = try s.geoctl(["crs", "list", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(rows.map { $0["name"] as? String } == ["msk74-1"])
        let show = try s.geoctl(["crs", "show", "msk74-1"])
        #expect(show.stdout.contains("+ellps=krass"))
        let missing = try s.geoctl(["crs", "show", "msk99"])
        #expect(missing.status == 1 && missing.stderr.contains("no CRS named \"msk99\"") && missing.stderr.contains("msk74-1"))
        let imp = try s.geoctl(["import", tab, "--layer", "schools", "--kind", "other", "--format", "json"])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(imp.stderr.contains("msk74-1"))
        let out = try s.geoctl(["export", "schools"])
        #expect(out.stdout.contains("Детский сад Ёлочка"))
        // Within 1 m of where the GeoJSON put it (a TAB stores coordinates on an integer grid):
        // the stored definition's datum shift was applied (the .prj alone would be ~100 m off).
        let exported = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
        let first = ((exported?["features"] as? [[String: Any]])?.first?["geometry"] as? [String: Any])?["coordinates"] as? [Double] ?? []
        #expect(first.count == 2 && abs(first[0] - 60.75) < 1e-5 && abs(first[1] - 56.07) < 1e-5, "\(first)")
        let shown = try s.geoctl(["show", "schools"])
        #expect(shown.stdout.contains("(msk74-1)"))
        // The same places as x,y without a CRS: refused, with the stored CRS that fits named.
        let csv = s.folder + "/nocrs.csv"
        let made = try Geoctl.run(executable: "/usr/bin/ogr2ogr", ["-f", "CSV", "-lco", "GEOMETRY=AS_XY", csv, tab])
        #expect(made.status == 0, "\(made.stderr)")
        let refused = try s.geoctl(["import", csv, "--layer", "nocrs", "--kind", "other"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("look like projected coordinates of a local system (МСК)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("import it again with --from-crs msk74-1"), "\(refused.stderr)")
        #expect(try s.geoctl(["import", csv, "--layer", "nocrs", "--kind", "other", "--from-crs", "msk74-1"]).status == 0)
    }

    @Test("crs fit reports residuals and RMS and stores the CRS; 2 points are refused with exit 1")
    func fit() throws {
        let s = try Scratch()
        // Control points: lon/lat on a grid, x/y from the МСК by PROJ.
        var csv = "id,x,y,lon,lat\n"
        let to = try CoordinateTransformer(from: "EPSG:4326", to: Self.msk)
        for i in 0 ..< 9 {
            let lon = 60.65 + Double(i % 3) * 0.1, lat = 56.02 + Double(i / 3) * 0.05
            let q = try to.transform(x: lon, y: lat)
            csv += "P\(i),\(q.x),\(q.y),\(lon),\(lat)\n"
        }
        let points = s.folder + "/control.csv"
        try csv.write(toFile: points, atomically: true, encoding: .utf8)
        let r = try s.geoctl(["crs", "fit", "msk-fitted", "--points", points, "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((json["rms_m"] as? Double ?? 1) < 0.01)
        #expect((json["residuals"] as? [Any])?.count == 9)
        #expect(try s.geoctl(["crs", "show", "msk-fitted"]).stdout.contains("fitted to 9 control points"))
        let two = s.folder + "/two.csv"
        try csv.split(separator: "\n").prefix(3).joined(separator: "\n").write(toFile: two, atomically: true, encoding: .utf8)
        let refused = try s.geoctl(["crs", "fit", "x", "--points", two])
        #expect(refused.status == 1 && refused.stderr.contains("at least 3"))
    }

    @Test("crs add --wkt takes a .prj; a Shapefile with that .prj is recognised as the named CRS; a bad definition is refused")
    func wktFile() throws {
        let s = try Scratch()
        let json = s.folder + "/p.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Сквер"},"geometry":{"type":"Point","coordinates":[60.75,56.07]}}]}"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        let shp = s.folder + "/gk.shp"
        let made = try Geoctl.run(executable: "/usr/bin/ogr2ogr", ["-f", "ESRI Shapefile", "-t_srs", "EPSG:28412", shp, json])
        #expect(made.status == 0, "\(made.stderr)")
        let add = try s.geoctl(["crs", "add", "gk12", "--wkt", s.folder + "/gk.prj", "--note", "Pulkovo 1942 / Gauss-Kruger zone 12"])
        #expect(add.status == 0, "\(add.stderr)")
        let imp = try s.geoctl(["import", shp, "--layer", "gk", "--kind", "other"])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(try s.geoctl(["show", "gk"]).stdout.contains("(gk12)"))
        let bad = try s.geoctl(["crs", "add", "nonsense", "--proj", "+proj=nonsense"])
        #expect(bad.status == 1 && bad.stderr.contains("not a CRS PROJ can use"))
        let both = try s.geoctl(["crs", "add", "x", "--proj", "+proj=longlat", "--wkt", shp])
        #expect(both.status == 64)
    }

    @Test("without ogr2ogr on PATH, importing a Shapefile says what to install; GeoJSON still imports")
    func gdalMissing() throws {
        let s = try Scratch()
        let tab = try Self.mapInfo(s)
        let r = try Geoctl.run(["import", tab, "--layer", "x", "--kind", "other", "--store", s.store], environment: ["PATH": "/nonexistent"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("apt-get install gdal-bin") && r.stderr.contains(tab))
        let ok = try Geoctl.run(["import", s.folder + "/schools.geojson", "--layer", "y", "--kind", "other", "--store", s.store], environment: ["PATH": "/nonexistent"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("import-dir takes Shapefiles and MapInfo tables beside GeoJSON, not their .dbf/.dat companions; a guessed encoding is said on stderr")
    func importDirectory() throws {
        let s = try Scratch()
        let dir = s.folder + "/layers"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let json = dir + "/a.geojson"
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Площадь Ленина у дома культуры"},"geometry":{"type":"Point","coordinates":[60.75,56.07]}}]}"#
            .write(toFile: json, atomically: true, encoding: .utf8)
        for (args, name) in [(["-f", "ESRI Shapefile", "-lco", "ENCODING=KOI8-R"], "b.shp"), (["-f", "MapInfo File", "-lco", "ENCODING=CP1251"], "c.tab")] {
            let r = try Geoctl.run(executable: "/usr/bin/ogr2ogr", args + [dir + "/" + name, json])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try FileManager.default.removeItem(atPath: dir + "/b.cpg")
        let r = try s.geoctl(["import-dir", dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("3 files: 3 ok, 0 failed"))
        #expect(r.stderr.contains("b.shp does not declare its text encoding; reading it as KOI8-R"))
        let out = try s.geoctl(["export", "b"])
        #expect(out.stdout.contains("Площадь Ленина у дома культуры"))
    }
}
