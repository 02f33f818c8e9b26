import Foundation
import Testing
import GeoCore
@testable import Layers
import TestSupport

/// Cyrillic attribute text in every format and encoding a municipal office holds imports to
/// the same properties as the GeoJSON it was made from. The fixtures are made here by the real
/// ogr2ogr from one GeoJSON (`FormatFixtures`), then read back through `geoctl import`'s path.
@Suite("Formats through GDAL and Cyrillic encodings", .serialized)
struct FormatImportTests {
    /// Imports `file` as `layer` and returns its features' properties in order.
    static func properties(_ t: TemporaryStore, _ file: String, layer: String, _ adjust: (inout ImportOptions) -> Void = { _ in }) throws -> (props: [JSONObject], report: ImportReport) {
        var options = ImportOptions(layer: layer, kind: .other)
        adjust(&options)
        let report = try LayerImporter(store: t.store, sidecarFolder: t.folder).importFile(file, options: options)
        var out: [JSONObject] = []
        try t.store.forEachFeature(of: layer, filter: .all) { out.append($0.properties) }
        return (out, report)
    }

    @Test("every format and encoding imports to the reference's properties; undeclared encodings are guessed out loud")
    func sameProperties() throws {
        let t = try TemporaryStore()
        let f = try FormatFixtures(folder: t.folder)
        let reference = try Self.properties(t, f.geojson, layer: "reference").props
        #expect(reference.count == FormatFixtures.names.count)
        #expect(reference.first?["name"] == .string(FormatFixtures.names[0]))

        let cases: [(String, String, Bool)] = [   // file, layer, whether the encoding must be guessed
            (f.geojsonSeq, "seq", false), (f.shapefileUTF8, "shp_utf8", false), (f.shapefileCP1251, "shp_1251", false),
            (f.shapefileLDID, "shp_ldid", false), (f.shapefileANSI, "shp_ansi", true), (f.shapefileUndeclared1251, "shp_guess_1251", true),
            (f.shapefileUndeclaredKOI8, "shp_guess_koi8", true), (f.tab1251, "tab_1251", false), (f.mif1251, "mif_1251", false),
            (f.tabNeutralKOI8, "tab_guess_koi8", true), (f.csvUTF8, "csv_utf8", false), (f.csv1251, "csv_guess_1251", true),
            (f.csvWKT, "csv_wkt", false),
        ]
        for (file, layer, guessed) in cases {
            let (props, report) = try Self.properties(t, file, layer: layer)
            #expect(props == reference, "\(file)")
            let said = report.notes.contains { $0.contains("text encoding; reading it as") }
            #expect(said == guessed, "\(file): \(report.notes)")
        }
        // The guesses name the encoding they chose.
        let koi = try Self.properties(t, f.shapefileUndeclaredKOI8, layer: "shp_guess_koi8_again").report
        #expect(koi.notes.contains { $0.contains("KOI8-R") })

        // GeoPackage with two layers: one named; KML: its attributes besides LIBKML's own.
        let gpkg = try Self.properties(t, f.geopackage, layer: "gpkg") { $0.sourceLayer = "places" }.props
        #expect(gpkg == reference)
        let kml = try Self.properties(t, f.kml, layer: "kml").props
        #expect(kml.map { $0["Name"] } == reference.map { $0["name"] })
        #expect(kml.map { $0["kind"] } == reference.map { $0["kind"] })
    }

    @Test("--encoding overrides a wrong declaration and a guess; an unknown name is refused")
    func encodingOverride() throws {
        let t = try TemporaryStore()
        let f = try FormatFixtures(folder: t.folder)
        let reference = try Self.properties(t, f.geojson, layer: "reference").props
        // KOI8-R bytes under a .cpg that says CP1251: wrong until --encoding says KOI8-R.
        let wrong = try Self.properties(t, f.shapefileKOI8LabelledCP1251, layer: "mislabelled").props
        #expect(wrong != reference)
        let right = try Self.properties(t, f.shapefileKOI8LabelledCP1251, layer: "fixed") { $0.encoding = "koi8-r" }.props
        #expect(right == reference)
        // A MapInfo file that declares WindowsCyrillic but holds KOI8-R bytes.
        let tab = try Self.properties(t, f.tabKOI8LabelledCP1251, layer: "tab_fixed") { $0.encoding = "KOI8-R" }.props
        #expect(tab == reference)
        #expect(throws: ImportError.self) { try Self.properties(t, f.shapefileCP1251, layer: "bad") { $0.encoding = "ebcdic" } }
    }

    @Test("errors name the file: a missing .dbf, an unknown source layer, several layers, a CSV without coordinates")
    func errorsNameTheFile() throws {
        let t = try TemporaryStore()
        let f = try FormatFixtures(folder: t.folder)
        func message(_ file: String, _ adjust: (inout ImportOptions) -> Void = { _ in }) -> String {
            do { _ = try Self.properties(t, file, layer: "x", adjust); return "" } catch { return "\(error)" }
        }
        try FileManager.default.removeItem(atPath: f.shapefileUTF8.replacingOccurrences(of: ".shp", with: ".dbf"))
        #expect(message(f.shapefileUTF8).contains("utf8.dbf"))
        #expect(message(f.geopackage).contains("name one with --source-layer"))
        #expect(message(f.geopackage) { $0.sourceLayer = "nope" }.contains("has no layer \"nope\""))
        let bare = t.folder + "/bare.csv"
        try "a,b\n1,2\n".write(toFile: bare, atomically: true, encoding: .utf8)
        #expect(message(bare).hasPrefix(bare + ": a CSV needs lon/lat columns"))
        #expect(try t.store.layer(named: "x") == nil)
    }

    @Test("an invalid polygon in a Shapefile is refused naming its source FID, and nothing is written")
    func invalidGeometryFID() throws {
        let t = try TemporaryStore()
        let json = t.folder + "/bow.geojson"
        try """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"ок"},"geometry":{"type":"Polygon","coordinates":[[[60.7,56.0],[60.8,56.0],[60.8,56.1],[60.7,56.1],[60.7,56.0]]]}},
        {"type":"Feature","properties":{"name":"бантик"},"geometry":{"type":"Polygon","coordinates":[[[60.7,56.0],[60.8,56.1],[60.8,56.0],[60.7,56.1],[60.7,56.0]]]}}]}
        """.write(toFile: json, atomically: true, encoding: .utf8)
        let shp = t.folder + "/bow.shp"
        try FormatFixtures.ogr2ogr(["-f", "ESRI Shapefile", shp, json])
        #expect {
            _ = try Self.properties(t, shp, layer: "bow")
        } throws: { error in
            "\(error)".contains("feature 1 (id 1)") && "\(error)".contains("bow.shp")
        }
        #expect(try t.store.layer(named: "bow") == nil)
        let repaired = try Self.properties(t, shp, layer: "bow") { $0.onInvalid = .repair }
        #expect(repaired.report.repaired.count == 1)
    }

    @Test("the catalog keeps the files' SHA-256 and the CRS; importing again is unchanged, with another --encoding it is not")
    func hashAndCRS() throws {
        let t = try TemporaryStore()
        let f = try FormatFixtures(folder: t.folder)
        let first = try Self.properties(t, f.shapefileCP1251, layer: "h").report
        #expect(first.layer.sourceSHA256.count == 64)
        #expect(first.layer.sourceCRS == "EPSG:4326")
        let again = try Self.properties(t, f.shapefileCP1251, layer: "h") { $0.replace = true }.report
        #expect(again.outcome == .unchanged)
        let other = try Self.properties(t, f.shapefileCP1251, layer: "h") { $0.replace = true; $0.encoding = "cp1251" }.report
        #expect(other.outcome == .replaced)
    }

    @Test("text encodings: UTF-8 and ASCII are recognised, CP1251 and KOI8-R told apart by letter frequencies")
    func guesses() throws {
        let text = "Администрация города Снежинска, улица Ленина, дом 15; детская площадка и сквер"
        let utf8 = Array(text.utf8)
        #expect(EncodingGuess.guess(utf8).encoding == .utf8)
        #expect(EncodingGuess.guess(Array("plain".utf8)).encoding == .utf8)
        let cp1251 = try TextRecoder.recode(utf8, from: .utf8, to: .cp1251)
        let koi8 = try TextRecoder.recode(utf8, from: .utf8, to: .koi8r)
        #expect(EncodingGuess.guess(cp1251).encoding == .cp1251)
        #expect(EncodingGuess.guess(koi8).encoding == .koi8r)
        #expect(try TextRecoder.recode(koi8, from: .koi8r, to: .utf8) == utf8)
        #expect(TextEncoding(name: "WindowsCyrillic") == .cp1251)
        #expect(TextEncoding(name: "1251") == .cp1251)
        #expect(TextEncoding(name: "koi8-r") == .koi8r)
        #expect(TextEncoding(name: "ebcdic") == nil)
    }
}

/// Fixture files made with the real ogr2ogr from one GeoJSON of Cyrillic place names.
struct FormatFixtures {
    static let names = ["Школа номер один", "Детский сад Ёлочка", "Сквер у дома культуры", "Площадь Ленина", "Улица Щорса, дом 7"]
    static let kinds = ["школа", "сад", "сквер", "площадь", "адрес"]

    var shapefileANSI = ""
    var geojson = "", geojsonSeq = "", shapefileUTF8 = "", shapefileCP1251 = "", shapefileLDID = "", shapefileUndeclared1251 = ""
    var shapefileUndeclaredKOI8 = "", shapefileKOI8LabelledCP1251 = "", tab1251 = "", mif1251 = "", tabNeutralKOI8 = ""
    var tabKOI8LabelledCP1251 = "", csvUTF8 = "", csv1251 = "", csvWKT = "", geopackage = "", kml = ""

    static func ogr2ogr(_ arguments: [String]) throws {
        guard let tool = GDALTools.find("ogr2ogr") else { throw ImportError.gdalMissing(file: "fixtures", format: "fixtures") }
        let r = try GDALTools.run(tool, arguments)
        guard r.status == 0 else { throw ImportError.unreadable(file: arguments.joined(separator: " "), reason: r.stderr) }
    }

    init(folder: String) throws {
        func path(_ name: String) -> String { folder + "/" + name }
        geojson = path("places.geojson")
        var features: [String] = []
        for (i, name) in Self.names.enumerated() {
            features.append(#"{"type":"Feature","properties":{"name":"\#(name)","kind":"\#(Self.kinds[i])","n":\#(i + 1)},"geometry":{"type":"Point","coordinates":[\#(60.70 + Double(i) * 0.01),\#(56.05 + Double(i) * 0.005)]}}"#)
        }
        try #"{"type":"FeatureCollection","features":["# .appending(features.joined(separator: ",\n")).appending("]}")
            .write(toFile: geojson, atomically: true, encoding: .utf8)
        let lco = ["-lco"]
        geojsonSeq = path("places.geojsonl")
        try Self.ogr2ogr(["-f", "GeoJSONSeq", geojsonSeq, geojson])
        func shapefile(_ name: String, _ encoding: String) throws -> String {
            let lco = ["-lco"]
            let p = path(name + ".shp")
            try Self.ogr2ogr(["-f", "ESRI Shapefile"] + lco + ["ENCODING=\(encoding)", p, geojson])
            return p
        }
        shapefileUTF8 = try shapefile("utf8", "UTF-8")
        shapefileCP1251 = try shapefile("cp1251", "CP1251")
        shapefileLDID = try shapefile("ldid", "CP1251")
        try FileManager.default.removeItem(atPath: path("ldid.cpg"))
        try Self.patchByte(path("ldid.dbf"), offset: 29, value: 0xC9)   // "Russian Windows"
        shapefileANSI = try shapefile("ansi", "CP1251")
        try FileManager.default.removeItem(atPath: path("ansi.cpg"))
        try Self.patchByte(path("ansi.dbf"), offset: 29, value: 0x57)   // "Windows ANSI": which one?
        shapefileUndeclared1251 = try shapefile("undeclared1251", "CP1251")
        try FileManager.default.removeItem(atPath: path("undeclared1251.cpg"))
        shapefileUndeclaredKOI8 = try shapefile("undeclaredkoi8", "KOI8-R")
        try? FileManager.default.removeItem(atPath: path("undeclaredkoi8.cpg"))
        shapefileKOI8LabelledCP1251 = try shapefile("mislabelled", "KOI8-R")
        try "CP1251\n".write(toFile: path("mislabelled.cpg"), atomically: true, encoding: .utf8)
        tab1251 = path("tab1251.tab")
        try Self.ogr2ogr(["-f", "MapInfo File"] + lco + ["ENCODING=CP1251", tab1251, geojson])
        mif1251 = path("mif1251.mif")
        try Self.ogr2ogr(["-f", "MapInfo File", "-dsco", "FORMAT=MIF"] + lco + ["ENCODING=CP1251", mif1251, geojson])
        // MapInfo has no charset name for KOI8-R (GDAL then writes UTF-8): write CP1251 and
        // recode the .dat records byte for byte, then label the table Neutral, or wrongly.
        func koi8Table(_ name: String, charset: String) throws -> String {
            let p = path(name + ".tab")
            try Self.ogr2ogr(["-f", "MapInfo File"] + lco + ["ENCODING=CP1251", p, geojson])
            try Self.recodeDBFRecords(path(name + ".dat"), from: .cp1251, to: .koi8r)
            let header = try String(contentsOfFile: p, encoding: .utf8)
            try header.replacingOccurrences(of: "!charset WindowsCyrillic", with: "!charset \(charset)")
                .write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
        tabNeutralKOI8 = try koi8Table("tabkoi8", charset: "Neutral")
        tabKOI8LabelledCP1251 = try koi8Table("tabmislabelled", charset: "WindowsCyrillic")
        var csv = "lon,lat,name,kind,n\n", wkt = "wkt;name;kind;n\n"
        for (i, name) in Self.names.enumerated() {
            let lon = 60.70 + Double(i) * 0.01, lat = 56.05 + Double(i) * 0.005
            csv += "\(lon),\(lat),\"\(name)\",\(Self.kinds[i]),\(i + 1)\n"
            wkt += "POINT (\(lon) \(lat));\"\(name)\";\(Self.kinds[i]);\(i + 1)\n"
        }
        csvUTF8 = path("utf8.csv")
        try csv.write(toFile: csvUTF8, atomically: true, encoding: .utf8)
        csv1251 = path("cp1251.csv")
        try Data(TextRecoder.recode(Array(csv.utf8), from: .utf8, to: .cp1251)).write(to: URL(fileURLWithPath: csv1251))
        csvWKT = path("wkt.csv")
        try wkt.write(toFile: csvWKT, atomically: true, encoding: .utf8)
        geopackage = path("places.gpkg")
        try Self.ogr2ogr(["-f", "GPKG", "-nln", "places", geopackage, geojson])
        try Self.ogr2ogr(["-update", "-nln", "other", geopackage, geojson])
        kml = path("places.kml")
        try Self.ogr2ogr(["-f", "KML", kml, geojson])
    }

    /// Recodes the records of a DBF (a Shapefile's .dbf, a MapInfo .dat) between two
    /// single-byte encodings, leaving the binary header alone.
    static func recodeDBFRecords(_ file: String, from: TextEncoding, to: TextEncoding) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let header = Int(bytes[8]) | Int(bytes[9]) << 8
        let records = try TextRecoder.recode(Array(bytes[header...]), from: from, to: to)
        precondition(records.count == bytes.count - header)
        bytes.replaceSubrange(header..., with: records)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    static func patchByte(_ file: String, offset: UInt64, value: UInt8) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [value])
    }
}
