import Foundation
import Testing
import GeoCore
@testable import Layers

/// The one-pass SpatiaLite import reads properties as ``RecordedProperties`` (their JSON text
/// from the file's bytes, the typed columns bound from them): every stored value must be the
/// one the `JSONObject` path (the two passes) stores, byte for byte and type for type.
@Suite("Recorded properties: the one-pass import stores exactly what the JSONObject path stores")
struct RecordedPropertiesImportTests {
    /// Properties that exercise every path: escapes, non-ASCII and canonically equivalent
    /// names, numbers in several spellings, mixed types, nesting, null and missing members,
    /// members in another order, no properties at all.
    static let file: String = {
        let nfd = "e\u{301}"  // é decomposed; the column is named by the precomposed é first seen
        let features = [
            #"{"type":"Feature","id":1,"properties":{"name":"plain","код":"текст","n":1,"x":1.5,"b":true,"m":1,"é":"nfc","o":{"a":[1,2.0,"\"q\""],"b":null},"arr":[true,false,null],"z":null},"geometry":{"type":"Point","coordinates":[60.6,56.8]}}"#,
            #"{"type":"Feature","id":"two","properties":{"name":"tab\tquote\"slash\\ \u0041\u00e9\ud83d\ude00 \/","код":"","n":-7,"x":1e2,"b":false,"m":"mixed","é":"also nfc","o":{},"arr":[],"z":3},"geometry":{"type":"Point","coordinates":[60.61,56.81]}}"#,
            #"{"type":"Feature","properties":{"x":-0.0,"n":9223372036854775807,"name":"reordered","b":null,"m":2.5,"\#(nfd)":"nfd name","arr":[{"k":"\n"}]},"geometry":{"type":"Point","coordinates":[60.62,56.82]}}"#,
            #"{"type":"Feature","id":4,"properties":null,"geometry":{"type":"Point","coordinates":[60.63,56.83]}}"#,
            #"{"type":"Feature","id":5,"geometry":{"type":"Point","coordinates":[60.64,56.84]}}"#,
            #"{"type":"Feature","id":6.5,"properties":{"x":0.1,"n":0,"name":"1e400 is not here","m":true,"o":"a string now","x2":12345678901234567890},"geometry":null}"#,
            #"{"type":"Feature","id":7,"properties":{ "name" : "spaced" , "n" : 10 , "x" : 2.50 },"geometry":{"type":"Point","coordinates":[60.65,56.85]}}"#,
        ]
        return #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}"
    }()

    /// Every row of the layer's table, every column, as SQLite holds it.
    static func rows(_ text: String, onePass: Bool, idField: String? = nil) throws -> (rows: [[SQLValue]], columns: [PropertyColumn], checked: Bool) {
        let t = try TemporaryStore(.spatiaLite)
        let path = try t.writeText(text, name: "layer.geojson")
        var importer = t.importer
        importer.onePass = onePass
        var options = ImportOptions(layer: "layer", kind: .other)
        options.idField = idField
        var phases = Set<ImportProgress.Phase>()
        let report = try importer.importFile(path, options: options) { phases.insert($0.phase) }
        let store = try #require(t.store as? SpatiaLiteStore)
        let rows = try store.db.rows("SELECT *, typeof(feature_id) FROM layer ORDER BY fid")
        #expect(try t.problems() == [])
        return (rows, report.layer.columns, phases.contains(.checking))
    }

    /// Features whose id comes from a property (`--id-field`), the property of every type.
    static let idFile: String = {
        let values = [#""s""#, "5", "2.5", "true", "null", #"{"a":[1,"\u00e9"]}"#, #""esc\"aped""#]
        let features = values.enumerated().map { k, v in
            #"{"type":"Feature","properties":{"v":\#(k),"ключ":\#(v)},"geometry":{"type":"Point","coordinates":[60.6,56.8]}}"#
        }
        return #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
    }()

    @Test("every column of every row equals the two-pass import's")
    func sameRows() throws {
        #expect(LayerImporter.recordsProperties, "GEOCTL_IMPORT_RECORDED=0 is set: the recorded path is not tested")
        let one = try Self.rows(Self.file, onePass: true)
        let two = try Self.rows(Self.file, onePass: false)
        #expect(!one.checked && two.checked, "the one-pass import fell back to two passes")
        #expect(one.columns == two.columns)
        #expect(one.rows.count == 7)
        #expect(one.rows == two.rows)
        // The columns the file makes, so the comparison covers every type.
        let types = Set(one.columns.map(\.type))
        #expect(types == [.integer, .real, .boolean, .text])
    }

    @Test("an id field of any type: the same ids and rows as the two-pass import")
    func sameIDs() throws {
        for idField in ["ключ", "v"] {
            let one = try Self.rows(Self.idFile, onePass: true, idField: idField)
            let two = try Self.rows(Self.idFile, onePass: false, idField: idField)
            #expect(!one.checked && two.checked)
            #expect(one.rows.count == 7)
            #expect(one.rows == two.rows)
        }
    }
}
