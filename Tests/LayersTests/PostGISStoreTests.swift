import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers
@testable import PostGISStore

@Suite("PostgreSQL URLs: libpq parameters honoured, passwords never shown")
struct PostgresLocationTests {
    @Test("user, password, host, port, database, schema and libpq parameters come from the URL")
    func parse() throws {
        let l = try PostgresLocation(url: "postgresql://writer:s%40cret@db.example:6543/region?schema=towns&sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=5")
        let p = Dictionary(uniqueKeysWithValues: l.parameters.map { ($0.key, $0.value) })
        #expect(p["user"] == "writer" && p["password"] == "s@cret" && p["host"] == "db.example" && p["port"] == "6543")
        #expect(p["dbname"] == "region" && p["sslmode"] == "verify-full" && p["sslrootcert"] == "/etc/ca.pem" && p["connect_timeout"] == "5")
        #expect(p["schema"] == nil && l.schema == "towns")
        #expect(l.redacted == "postgresql://writer:***@db.example:6543/region?schema=towns&sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=5")
        // A socket folder as host= (percent-encoded or not), the default schema.
        let s = try PostgresLocation(url: "postgres:///geo?host=%2Frun%2Fpg&user=u")
        #expect(s.parameters.first { $0.key == "host" }?.value == "/run/pg" && s.schema == "public")
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgresql://h:notaport/db") }
        #expect(throws: StoreError.self) { try PostgresLocation(url: "postgresql://h/db?schema=") }
    }

    @Test("redaction hides the password in the user part, in password=, and PGPASSWORD in any text")
    func redaction() {
        #expect(PostgresLocation.redact("postgresql://u:hunter2@h/db") == "postgresql://u:***@h/db")
        #expect(PostgresLocation.redact("postgresql://u@h/db?password=hunter2&sslmode=require") == "postgresql://u@h/db?password=***&sslmode=require")
        #expect(PostgresLocation.redact("postgresql://u:p%40ss@h/db?x=1") == "postgresql://u:***@h/db?x=1")
        #expect(Redaction.scrub("failed for hunter2 and hunter%32", secrets: ["hunter2"]) == "failed for *** and hunter%32")
        #expect(Redaction.scrub("p@ss or p%40ss", secrets: ["p@ss"]) == "*** or ***")
        #expect(StoreFactory.displayName("postgresql://a:b@c/d") == "postgresql://a:***@c/d")
        #expect(StoreFactory.displayName("/tmp/a:b@c.sqlite") == "/tmp/a:b@c.sqlite")
    }

    @Test("a failed connection names the redacted URL and libpq's reason, never the password",
          .enabled(if: PostgresTestDatabase.isAvailable))
    func failedConnection() throws {
        let secret = "Zq9-very-secret"
        let url = "postgresql://nobody:\(secret)@/nodb?host=/nonexistent-socket-dir&connect_timeout=2&password=\(secret)"
        do {
            _ = try PostGISStore(url: url, create: false)
            Issue.record("connected")
        } catch {
            let text = "\(error)"
            #expect(!text.contains(secret), "\(text)")
            #expect(text.contains("nobody:***@"), "\(text)")
            #expect(text.contains("nonexistent-socket-dir"), "\(text)")
        }
    }

    @Test("libpq parameters reach libpq: application_name is set, a bad sslmode is refused by libpq",
          .enabled(if: PostgresTestDatabase.isAvailable))
    func parametersHonoured() throws {
        let fresh = try #require(PostgresTestDatabase.freshSchemaURL())
        defer { PostgresTestDatabase.dropSchema(fresh.schema) }
        let store = try PostGISStore(url: fresh.url + "&application_name=geoctl-test-app", create: true)
        #expect(try store.db.scalar("SELECT current_setting('application_name')") == "geoctl-test-app")
        do {
            _ = try PostGISStore(url: fresh.url + "&sslmode=bogus", create: false)
            Issue.record("bad sslmode accepted")
        } catch {
            #expect("\(error)".contains("sslmode"), "\(error)")
        }
        // A store that does not exist yet is not created by a reading command.
        let other = try #require(PostgresTestDatabase.freshSchemaURL())
        #expect(throws: StoreError.noStore(path: PostgresLocation.redact(other.url))) { try PostGISStore(url: other.url, create: false) }
    }
}

@Suite("PostGIS store: layout, concurrency, notifications", .enabled(if: PostgresTestDatabase.isAvailable))
struct PostGISStoreTests {
    @Test("tables are typed and registered: columns, jsonb, geometry(type, 4326), GiST index, no staging left")
    func layout() throws {
        let t = try TemporaryStore(.postGIS)
        try t.importLayer(Fixtures.city("territories"), "territories", kind: .territory)
        let p = try #require(t.postGIS)
        let schema = p.location.schema
        let columns = try p.db.query("SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'territories' ORDER BY ordinal_position", [schema]).rows()
        let types = Dictionary(uniqueKeysWithValues: columns.map { ($0[0]!, $0[1]!) })
        #expect(types["fid"] == "int8" && types["feature_id"] == "jsonb" && types["properties"] == "jsonb" && types["geom"] == "geometry")
        #expect(types["homes"] == "int8" && types["org"] == "text")
        #expect(try p.db.query("SELECT type, srid, coord_dimension FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = 'territories'", [schema]).rows() == [["MULTIPOLYGON", "4326", "2"]])
        #expect(try p.db.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND tablename = 'territories' AND indexdef LIKE '%USING gist (geom)%'", [schema]) == "1")
        // The properties are queryable as jsonb by other systems.
        #expect(try p.db.scalar("SELECT count(*) FROM \(PGQuote.identifier(schema)).territories WHERE properties ? 'homes'") == "30")
        // Another system edits properties (jsonb): geoctl reads the edit (in jsonb's key order).
        try p.db.execute("UPDATE \(PGQuote.identifier(schema)).territories SET properties = '{\"org\": \"Новая УК\", \"homes\": 7}' WHERE fid = 2")
        let edited = try t.features("territories")
        #expect(edited[1].properties == ["org": .string("Новая УК"), "homes": .integer(7)])
        #expect(edited[0].properties == (try Fixtures.features("territories"))[0].properties)
        try t.importLayer(Fixtures.city("districts"), "territories", kind: .territory) { $0.replace = true }
        #expect(try t.problems() == [])
        #expect(try t.tables(containing: "staging") == [])
    }

    @Test("property names beyond PostgreSQL's 63 bytes get distinct columns and come back whole")
    func longPropertyNames() throws {
        let t = try TemporaryStore(.postGIS)
        let long = String(repeating: "д", count: 40)  // 80 bytes
        let props: JSONObject = [long + "1": .integer(1), long + "2": .integer(2), "geoctl_properties": .string("mine"), "z": .bool(true), "a": .null]
        let file = try t.write([Feature(id: .number(1.5), geometry: .point(Point(x: 60.7, y: 56.1)), properties: props)], name: "long.geojson")
        let report = try t.importLayer(file, "long")
        let names = report.layer.columns.map(\.column)
        #expect(names.allSatisfy { $0.utf8.count <= 63 } && Set(names).count == names.count && !names.contains("geoctl_properties"))
        let back = try t.features("long")
        #expect(back.first?.properties == props && back.first?.id == .number(1.5))
        #expect(try t.store.layer(named: "long")?.columns == report.layer.columns)
        let z = try #require(report.layer.columns.first { $0.property == "z" })
        #expect(z.type == .boolean)
        #expect(try t.store.sampleValues(of: "long", column: z, limit: 5) == ["1"], "\(report.layer.columns)")
    }

    @Test("a read is one statement gated on the catalog: a table the catalog does not list is no layer, nor is a missing one or a hostile name; an empty layer reads empty, also inside a transaction")
    func readGatedOnCatalog() throws {
        let t = try TemporaryStore(.postGIS)
        let p = try #require(t.postGIS)
        let s = PGQuote.identifier(p.location.schema)
        let hostile = "o'k\\\"; DROP TABLE x; --"
        let territories = try Fixtures.features("territories")
        try t.importLayer(Fixtures.city("territories"), "Дом-1_x", kind: .territory)
        #expect(try t.features("Дом-1_x") == territories)
        try p.db.execute("CREATE TABLE \(s).stranger (fid bigint, feature_id jsonb, geoctl_kind text, properties jsonb, geoctl_properties text, geom geometry)")
        try p.db.execute("INSERT INTO \(s).stranger VALUES (1, NULL, 'Point', '{}', '{}', 'SRID=4326;POINT(1 2)')")
        for name in ["stranger", "nothing", hostile] {
            #expect(throws: StoreError.noSuchLayer(name)) { try t.features(name) }
        }
        let empty = try t.writeText(#"{"type":"FeatureCollection","features":[]}"#, name: "empty.geojson")
        try t.importLayer(empty, "empty")
        #expect(try t.features("empty").isEmpty)
        #expect(try t.features("empty", filter: FeatureFilter(bbox: BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1))).isEmpty)
        // Inside a caller's transaction, where a failed statement would abort it.
        let inside: (empty: Int, whole: Int, stranger: String) = try p.db.transaction {
            let empty = try t.features("empty").count
            let whole = try t.features("Дом-1_x").count
            var stranger = "read"
            do { _ = try t.features("stranger") } catch { stranger = "\(error)" }
            return (empty, whole, stranger)
        }
        #expect(inside.empty == 0 && inside.whole == territories.count)
        #expect(inside.stranger == "\(StoreError.noSuchLayer("stranger"))")
        #expect(try t.features("Дом-1_x").count == territories.count, "the connection is usable after the transaction")
    }

    @Test("a layer name longer than 63 bytes is refused with the reason")
    func longLayerName() throws {
        let t = try TemporaryStore(.postGIS)
        let name = String(repeating: "д", count: 40)
        do {
            try t.importLayer(Fixtures.city("city"), name)
            Issue.record("imported")
        } catch let StoreError.invalidLayerName(n, reason) {
            #expect(n == name && reason.contains("63 bytes"))
        }
    }

    @Test("two imports of one layer: the second waits for the first and says so; readers see the old or the new layer, never a mix")
    func concurrentImports() throws {
        let t = try TemporaryStore(.postGIS)
        try t.importLayer(Fixtures.city("sites"), "layer", kind: .wasteSite)
        let sites = try Fixtures.features("sites")
        let institutions = try Fixtures.features("institutions")
        nonisolated(unsafe) let second = try PostGISStore(url: t.path, create: false)
        let reader = try PostGISStore(url: t.path, create: false)
        let waited = Flag()
        second.onWait = { message in if message.contains("waiting") && message.contains("\"layer\"") { waited.set() } }
        let secondDone = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let firstInfo = try #require(try t.store.layer(named: "layer"))
        var readDuring: [Feature] = []
        // The first import holds its lock while it writes; the second starts meanwhile.
        _ = try t.store.writeLayer(firstInfo, replace: true) { writer in
            for f in institutions { try writer.insert(f) }
            DispatchQueue.global().async {
                var info = firstInfo
                info.sourceSHA256 = "second"
                _ = try? second.writeLayer(info, replace: true) { w in for f in sites { try w.insert(f) } }
                secondDone.signal()
            }
            let deadline = Date().addingTimeInterval(10)
            while !waited.isSet && Date() < deadline { usleep(10_000) }
            try reader.forEachFeature(of: "layer", filter: .all) { readDuring.append($0) }
        }
        #expect(waited.isSet)
        #expect(readDuring == sites)  // the old version, whole, while the first import runs
        #expect(secondDone.wait(timeout: .now() + 30) == .success)
        let final = try #require(try reader.layer(named: "layer"))
        #expect(final.version == 3 && final.sourceSHA256 == "second")
        var after: [Feature] = []
        try reader.forEachFeature(of: "layer", filter: .all) { after.append($0) }
        #expect(after == sites)
        #expect(try t.problems() == [])
    }

    @Test("import, replace, set and drop send NOTIFY geoctl with the layer and version; other schemas' changes are not reported")
    func notifications() throws {
        let t = try TemporaryStore(.postGIS)
        let listener = try PostGISChangeListener(url: t.path)
        let other = try TemporaryStore(.postGIS)
        try other.importLayer(Fixtures.city("city"), "city")
        try t.importLayer(Fixtures.city("city"), "city", kind: .boundary)
        try t.importLayer(Fixtures.city("districts"), "city", kind: .boundary) { $0.replace = true }
        _ = try t.store.updateMetadata(of: "city", to: LayerMetadata(kind: .district, sphere: nil, owner: "Избирком", visibility: .public))
        try t.store.dropLayer(named: "city")
        var changes: [CatalogChange] = []
        let deadline = Date().addingTimeInterval(5)
        while changes.count < 4 && Date() < deadline { changes += try listener.wait(timeout: 1) }
        let schema = try #require(t.postGIS).location.schema
        #expect(changes == [CatalogChange(schema: schema, layer: "city", version: 1, change: .imported),
                            CatalogChange(schema: schema, layer: "city", version: 2, change: .replaced),
                            CatalogChange(schema: schema, layer: "city", version: 2, change: .updated),
                            CatalogChange(schema: schema, layer: "city", version: 2, change: .dropped)])
        #expect(try listener.wait(timeout: 0.2) == [])
        #expect(try (t.postGIS!).catalogVersions() == [:])
    }

    @Test("the change stream delivers a change as an async sequence")
    func changeStream() async throws {
        let t = try TemporaryStore(.postGIS)
        let listener = try PostGISChangeListener(url: t.path)
        let stream = listener.changes()
        try t.importLayer(Fixtures.city("sites"), "sites")
        var iterator = stream.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first?.layer == "sites" && first?.change == .imported)
    }
}

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
