#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

/// The layer store in one SpatiaLite file, which QGIS, ogrinfo and ogr2ogr open as it is.
///
/// Each layer is a real spatial table named after the layer: `fid` (primary key),
/// `feature_id` (the GeoJSON `id`, string or number as it was), `geoctl_kind` (the feature's
/// original geometry type, so a Polygon stored in a MULTIPOLYGON column comes back a
/// Polygon), `properties` (the full properties as JSON, key order kept), one typed column
/// per property whose values agree on a type, and `geom` (SRID 4326, registered in
/// `geometry_columns`, with an R*Tree spatial index).
///
/// Two tables of geoctl's own hold the catalog: `geoctl_catalog` (one row per layer) and
/// `geoctl_columns` (its typed columns). The file is in WAL mode: readers see the last
/// committed state and are never blocked by an import. Every write is one transaction.
public final class SpatiaLiteStore: OnePassLayerStore {
    public let path: String
    let db: SpatiaLiteConnection
    /// Whether this connection created the file (FreshStoreJournal.swift).
    let createdHere: Bool

    /// The store at `path`; created (with spatial metadata and the catalog) when `create` is
    /// true and no file is there.
    public init(path: String, create: Bool) throws(StoreError) {
        self.path = path
        var st = stat()
        let exists = stat(path, &st) == 0
        createdHere = !exists || st.st_size == 0
        if exists {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .notAStore(path: path, what: "a folder") }
            // An empty file is a new database to SQLite: fine to create a store in.
            if st.st_size == 0 && !create { throw .notAStore(path: path, what: "an empty file") }
        } else {
            if !create { throw .noStore(path: path) }
            let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            var parent = stat()
            if !folder.isEmpty && stat(folder, &parent) != 0 {
                throw .cannotOpen(path: path, reason: "the folder \(folder) does not exist (geoctl creates the store file, not its folder)")
            }
        }
        db = try SpatiaLiteConnection(path: path, create: create)
        // The file is never opened here outside SQLite: closing any descriptor of a database
        // file drops every POSIX lock this process holds on it, and a server's long-lived
        // connection would then lose its view of the WAL and read an old snapshot forever.
        // Only when SQLite itself says "not a database" are the first bytes read, to say what it is.
        let hasCatalog: Bool
        do {
            hasCatalog = try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = 'geoctl_catalog'") == "1"
        } catch {
            if db.lastErrorWasNotADatabase { throw .notAStore(path: path, what: FileKind.describe(FileKind.head(of: path))) }
            throw error
        }
        if exists && !create && !hasCatalog {
            throw .notAStore(path: path, what: "a SQLite database without geoctl's catalog")
        }
        try prepareSchema()
    }

    /// A store created here and closed before any layer was written goes into WAL mode now.
    deinit {
        if createdHere { restoreWAL() }
    }

    /// The page size of a store geoctl creates: 16 KiB, not SQLite's 4 KiB. A feature's row
    /// (properties as columns and as JSON, the geometry BLOB) then fits in its page instead of
    /// spilling into overflow pages, and a layer is written in a quarter of the pages: at scale
    /// 1, the appeals' import 0.75 → 0.65 s, the 30-column file's 1.08 → 0.85 s and its store
    /// 105 → 85 MB (32 and 64 KiB measured no faster; BENCHMARKS.md). SQLite, SpatiaLite,
    /// GDAL and QGIS read any page size; the R*Tree's nodes stay at SQLite's 51 entries.
    /// Stores made before keep theirs.
    static let newStorePageSize = 16_384

    private func prepareSchema() throws(StoreError) {
        let hasCatalog = try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = 'geoctl_catalog'") == "1"
        if hasCatalog {
            restoreWAL()
            return try migrate()
        }
        let hasSpatialMetadata = try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = 'spatial_ref_sys'") == "1"
        if !hasSpatialMetadata && createdHere {
            // A new file's first write fixes its page size (SQLite ignores this on a file
            // with pages already). It stays in rollback mode, with full syncs, until its first
            // layer is written (FreshStoreJournal.swift) or the store is closed.
            db.pragma("PRAGMA page_size=\(Self.newStorePageSize)")
            db.pragma("PRAGMA synchronous=FULL")
        } else {
            try db.execute("PRAGMA journal_mode=WAL")
        }
        // The spatial metadata (SpatiaLite's own SQL, SpatiaLiteMetadata.swift) and the
        // catalog are one transaction: a store is created whole or not at all.
        do {
            try db.transaction {
                if !hasSpatialMetadata { try db.execute(SpatiaLiteMetadata.storeSQL) }
                try createCatalogTables()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .corrupt("\(error)")   // the body throws only StoreError
        }
    }

    private func createCatalogTables() throws(StoreError) {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS geoctl_catalog (
              name TEXT PRIMARY KEY, kind TEXT NOT NULL, sphere TEXT, owner TEXT,
              visibility TEXT NOT NULL CHECK (visibility IN ('public', 'restricted')),
              feature_count INTEGER NOT NULL, geometry_types TEXT NOT NULL, geometry_column_type TEXT NOT NULL,
              min_x REAL, min_y REAL, max_x REAL, max_y REAL,
              source_crs TEXT NOT NULL, source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL,
              version INTEGER NOT NULL, imported_at TEXT NOT NULL,
              metadata_changed_at TEXT, region_warnings INTEGER NOT NULL DEFAULT 0,
              start_field TEXT, end_field TEXT, guarantee_field TEXT);
            CREATE TABLE IF NOT EXISTS geoctl_columns (
              layer TEXT NOT NULL REFERENCES geoctl_catalog(name), position INTEGER NOT NULL,
              property TEXT NOT NULL, column_name TEXT NOT NULL, type TEXT NOT NULL,
              PRIMARY KEY (layer, position));
            """)
        try createRegionTable()
    }

    private func createRegionTable() throws(StoreError) {
        try db.execute("""
            CREATE TABLE IF NOT EXISTS geoctl_region (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              min_x REAL NOT NULL, min_y REAL NOT NULL, max_x REAL NOT NULL, max_y REAL NOT NULL,
              set_at TEXT NOT NULL)
            """)
    }

    /// The catalog columns later geoctl versions added, with their definition: a store made
    /// before them gains them on open (NULL or 0 for the layers already there).
    private static let addedColumns: [(name: String, definition: String, legacyValue: String)] = [
        ("metadata_changed_at", "TEXT", "NULL"),
        ("region_warnings", "INTEGER NOT NULL DEFAULT 0", "0"),
        ("start_field", "TEXT", "NULL"),
        ("end_field", "TEXT", "NULL"),
        ("guarantee_field", "TEXT", "NULL"),
    ]

    /// Brings a store made by an earlier geoctl up to date, in one transaction: the catalog
    /// gains the ``addedColumns`` it lacks (`region_warnings` 0 for the layers already there,
    /// so they keep defining the expected region; no date fields, so they keep the defaults)
    /// and the `geoctl_region` table appears. A store that cannot be written (a read-only
    /// file) is read as it is, the missing columns read as their defaults.
    private func migrate() throws(StoreError) {
        let columns = Set(try db.rows("SELECT name FROM pragma_table_info('geoctl_catalog')").compactMap { $0.first?.text })
        let hasRegion = try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = 'geoctl_region'") == "1"
        let missing = Self.addedColumns.filter { !columns.contains($0.name) }
        if missing.isEmpty && hasRegion { return }
        do {
            try db.transaction {
                for c in missing { try db.execute("ALTER TABLE geoctl_catalog ADD COLUMN \(c.name) \(c.definition)") }
                try createRegionTable()
            }
        } catch {
            legacyColumns = Set(missing.map(\.name))
            legacyRegion = !hasRegion
        }
    }

    /// Set when an old store could not be migrated (read-only): the catalog columns it lacks,
    /// read with their defaults.
    private var legacyColumns: Set<String> = []
    private var legacyRegion = false

    // MARK: Catalog

    private static let importColumns = """
        name, kind, sphere, owner, visibility, feature_count, geometry_types, geometry_column_type,
        min_x, min_y, max_x, max_y, source_crs, source_file, source_sha256, version, imported_at
        """
    private static let catalogColumns = importColumns + ", " + addedColumns.map(\.name).joined(separator: ", ")

    /// The catalog columns to SELECT: the new ones as constants in a store not yet migrated.
    private var catalogSelection: String {
        if legacyColumns.isEmpty { return Self.catalogColumns }
        return Self.importColumns + ", " + Self.addedColumns.map { legacyColumns.contains($0.name) ? $0.legacyValue : $0.name }.joined(separator: ", ")
    }

    private func info(from row: [SQLValue], columns: [PropertyColumn]) throws(StoreError) -> LayerInfo {
        guard let name = row[0].text, let kind = row[1].text.flatMap(LayerKind.init(rawValue:)),
              let visibility = row[4].text.flatMap(Visibility.init(rawValue:)) else {
            throw .corrupt("a catalog row cannot be read")
        }
        var extent: BoundingBox?
        if let a = row[8].real, let b = row[9].real, let c = row[10].real, let d = row[11].real {
            extent = BoundingBox(minX: a, minY: b, maxX: c, maxY: d)
        }
        let kinds = (row[6].text ?? "").split(separator: ",").compactMap { GeometryKind(rawValue: String($0)) }
        return LayerInfo(name: name, kind: kind, sphere: row[2].text, owner: row[3].text, visibility: visibility,
                         featureCount: Int(row[5].integer ?? 0), geometryKinds: kinds,
                         geometryColumnType: row[7].text ?? "GEOMETRY", extent: extent,
                         sourceCRS: row[12].text ?? "", sourceFile: row[13].text ?? "", sourceSHA256: row[14].text ?? "",
                         version: Int(row[15].integer ?? 0), importedAt: row[16].text ?? "", columns: columns,
                         metadataChangedAt: row[17].text, regionWarnings: Int(row[18].integer ?? 0),
                         dateFields: DateFieldNames(start: row[19].text, end: row[20].text, guarantee: row[21].text))
    }

    private func columns(of layer: String) throws(StoreError) -> [PropertyColumn] {
        try db.rows("SELECT property, column_name, type FROM geoctl_columns WHERE layer = ? ORDER BY position", [.text(layer)])
            .compactMap { row in
                guard let p = row[0].text, let c = row[1].text, let t = row[2].text.flatMap(ColumnType.init(rawValue:)) else { return nil }
                return PropertyColumn(property: p, column: c, type: t)
            }
    }

    public func layers(includeRestricted: Bool) throws -> [LayerInfo] {
        let filter = includeRestricted ? "" : " WHERE visibility = 'public'"
        let rows = try db.rows("SELECT \(catalogSelection) FROM geoctl_catalog\(filter) ORDER BY name")
        // Columns are not needed for listings; `layer(named:)` loads them.
        return try rows.map { row throws(StoreError) in try info(from: row, columns: []) }
    }

    public func layer(named name: String) throws -> LayerInfo? {
        guard let row = try db.rows("SELECT \(catalogSelection) FROM geoctl_catalog WHERE name = ?", [.text(name)]).first else {
            return nil
        }
        return try info(from: row, columns: try columns(of: name))
    }

    // MARK: Writing

    public func writeLayer(_ layer: LayerInfo, replace: Bool, features: (LayerWriter) throws -> Void) throws -> LayerInfo {
        try writeLayer(laidOutAs: layer, replace: replace) { writer in
            try features(writer)
            return layer
        }
    }

    /// The table is laid out from `layer`'s columns and geometry column type; the catalog
    /// entry is the one `features` returns (the one-pass import learns it while writing).
    public func writeLayer(laidOutAs layer: LayerInfo, replace: Bool, features: (LayerWriter) throws -> LayerInfo) throws -> LayerInfo {
        try LayerName.validate(layer.name)
        var written = layer
        try writingFreshStore { try db.transaction {
            let existing = try self.layer(named: layer.name)
            if let existing {
                guard replace else { throw StoreError.layerExists(layer.name, version: existing.version) }
                try dropTable(layer.name)
                written.version = existing.version + 1
            } else {
                written.version = 1
                // A table of that name that is not ours (left by another tool): refuse.
                if try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = ? COLLATE NOCASE", [.text(layer.name)]) != "0" {
                    throw StoreError.invalidLayerName(layer.name, reason: "a table of that name already exists in the store")
                }
            }
            let table = SQL.identifier(layer.name)
            var definition = "fid INTEGER PRIMARY KEY, feature_id, geoctl_kind TEXT, properties TEXT"
            for c in layer.columns { definition += ", \(SQL.identifier(c.column)) \(c.type.sqlType)" }
            // The geometry column as SpatiaLite's AddGeometryColumn declares and registers it, and
            // its empty R*Tree as CreateSpatialIndex makes it, in SpatiaLite's own SQL
            // (SpatiaLiteMetadata.swift), which needs no SpatiaLite loaded.
            guard let register = SpatiaLiteMetadata.geometryColumnSQL(table: layer.name, columnType: layer.geometryColumnType) else {
                throw StoreError.sql(statement: "AddGeometryColumn", reason: "SpatiaLite has no geometry column type \(layer.geometryColumnType)")
            }
            try db.execute("CREATE TABLE \(table) (\(definition), \"geom\" \(layer.geometryColumnType))")
            try db.execute(register)
            let names = ["feature_id", "geoctl_kind", "properties"] + layer.columns.map { SQL.identifier($0.column) } + ["geom"]
            let values = Array(repeating: "?", count: names.count - 1)
            let prefix = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")), "
            let writer = SpatiaLiteLayerWriter(db: db, table: table, insert: try db.prepare(prefix + "?)"),
                                               insertFromWKBSQL: prefix + "GeomFromWKB(?, 4326))",
                                               columns: layer.columns, columnType: layer.geometryColumnType)
            let completed = try features(writer)
            let version = written.version
            written = completed
            written.version = version
            written.featureCount = writer.count
            try writer.index.write(into: db, table: "idx_\(layer.name)_geom")
            // SpatiaLite's triggers come after the rows: per row they would re-check the type and
            // SRID our blobs already have, stamp geometry_columns_time and insert the box the
            // packed R*Tree holds. Later writes through SQL (SpatiaLite, QGIS) keep them all.
            try db.execute(SpatiaLiteMetadata.geometryTriggersSQL(table: layer.name))
            try db.run("UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE Lower(f_table_name) = Lower(?)", [.text(layer.name)])
            let e = written.extent
            try db.run("INSERT INTO geoctl_catalog (\(Self.catalogColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
                .text(written.name), .text(written.kind.rawValue), written.sphere.map(SQLValue.text) ?? .null,
                written.owner.map(SQLValue.text) ?? .null, .text(written.visibility.rawValue),
                .integer(Int64(written.featureCount)), .text(written.geometryKinds.map(\.rawValue).joined(separator: ",")),
                .text(written.geometryColumnType),
                e.map { .real($0.minX) } ?? .null, e.map { .real($0.minY) } ?? .null,
                e.map { .real($0.maxX) } ?? .null, e.map { .real($0.maxY) } ?? .null,
                .text(written.sourceCRS), .text(written.sourceFile), .text(written.sourceSHA256),
                .integer(Int64(written.version)), .text(written.importedAt),
                written.metadataChangedAt.map(SQLValue.text) ?? .null, .integer(Int64(written.regionWarnings)),
                Self.text(written.dateFields.start), Self.text(written.dateFields.end), Self.text(written.dateFields.guarantee),
            ])
            for (i, c) in written.columns.enumerated() {
                try db.run("INSERT INTO geoctl_columns (layer, position, property, column_name, type) VALUES (?,?,?,?,?)",
                           [.text(written.name), .integer(Int64(i)), .text(c.property), .text(c.column), .text(c.type.rawValue)])
            }
        } }
        return written
    }

    /// Drops a layer's table with its geometry registration and spatial index, and its
    /// catalog rows. Runs inside the caller's transaction.
    private func dropTable(_ name: String) throws(StoreError) {
        guard try db.scalarText("SELECT DropTable(NULL, \(SQL.literal(name)))") == "1" else {
            throw .sql(statement: "DropTable", reason: "SpatiaLite could not drop \(name)")
        }
        try db.run("DELETE FROM geoctl_columns WHERE layer = ?", [.text(name)])
        try db.run("DELETE FROM geoctl_catalog WHERE name = ?", [.text(name)])
    }

    public func updateMetadata(of name: String, to metadata: LayerMetadata) throws -> LayerInfo {
        try db.transaction {
            guard var info = try self.layer(named: name) else { throw StoreError.noSuchLayer(name) }
            info.metadata = metadata
            info.metadataChangedAt = utcTimestamp()
            try db.run("""
                UPDATE geoctl_catalog SET kind = ?, sphere = ?, owner = ?, visibility = ?, metadata_changed_at = ?,
                  start_field = ?, end_field = ?, guarantee_field = ? WHERE name = ?
                """, [
                .text(metadata.kind.rawValue), Self.text(metadata.sphere), Self.text(metadata.owner), .text(metadata.visibility.rawValue),
                .text(info.metadataChangedAt ?? ""),
                Self.text(metadata.dateFields.start), Self.text(metadata.dateFields.end), Self.text(metadata.dateFields.guarantee),
                .text(name),
            ])
            return info
        }
    }

    private static func text(_ v: String?) -> SQLValue { v.map(SQLValue.text) ?? .null }

    // MARK: Region

    public func explicitRegion() throws -> BoundingBox? {
        if legacyRegion { return nil }
        guard let row = try db.rows("SELECT min_x, min_y, max_x, max_y FROM geoctl_region WHERE id = 1").first,
              let a = row[0].real, let b = row[1].real, let c = row[2].real, let d = row[3].real else { return nil }
        return BoundingBox(minX: a, minY: b, maxX: c, maxY: d)
    }

    public func setExplicitRegion(_ region: BoundingBox?) throws {
        try db.transaction {
            try db.run("DELETE FROM geoctl_region")
            if let r = region {
                try db.run("INSERT INTO geoctl_region (id, min_x, min_y, max_x, max_y, set_at) VALUES (1, ?, ?, ?, ?, ?)",
                           [.real(r.minX), .real(r.minY), .real(r.maxX), .real(r.maxY), .text(utcTimestamp())])
            }
        }
    }

    public func dropLayer(named name: String) throws {
        try db.transaction {
            guard try self.layer(named: name) != nil else { throw StoreError.noSuchLayer(name) }
            try dropTable(name)
        }
    }

    // MARK: Reading

    public func forEachFeature(of layer: String, filter: FeatureFilter, _ body: (Feature) throws -> Void) throws {
        guard try self.layer(named: layer) != nil else { throw StoreError.noSuchLayer(layer) }
        let table = SQL.identifier(layer)
        var sql = "SELECT feature_id, geoctl_kind, properties, geom FROM \(table)"
        var arguments: [SQLValue] = []
        if let b = filter.bbox {
            sql += " WHERE fid IN (SELECT pkid FROM \(SQL.identifier("idx_\(layer)_geom")) WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)"
            arguments = [.real(b.maxX), .real(b.minX), .real(b.maxY), .real(b.minY)]
        }
        sql += " ORDER BY fid"
        let statement = try db.prepare(sql)
        try statement.bind(arguments)
        // The R*Tree gives candidates by box; GEOS decides exactly (SpatiaLite's BuildMbr
        // misbehaves for a degenerate box such as a point).
        let geos = filter.bbox == nil ? nil : GEOSContext()
        let box = try filter.bbox.map { b throws(GEOSError) -> GEOSGeometry in try geos!.geometry(b.geometry) }
        let source = "\(layer).properties"
        // A blob Swift does not decode goes through SpatiaLite's AsBinary (loading SpatiaLite).
        var asBinaryStatement: Statement?
        func asBinary(_ blob: UnsafeRawBufferPointer) throws -> Geometry? {
            if asBinaryStatement == nil { asBinaryStatement = try db.prepare("SELECT AsBinary(?)") }
            let s = asBinaryStatement!
            defer { s.reset() }
            try s.bindBlob(Array(blob), at: 1)
            guard try s.step() else { return nil }
            return try s.withBlob(0) { try WKB.decode($0) }
        }
        while try statement.step() {
            let feature = try Self.feature(from: statement, layer: layer, source: source, asBinary: asBinary)
            if let box, let geos {
                guard let g = feature.geometry, try geos.geometry(g).intersects(box) else { continue }
            }
            if let (property, value) = filter.equals {
                guard feature.properties[property]?.plainText == value else { continue }
            }
            try body(feature)
        }
    }

    /// Rebuilds a feature from a row of (feature_id, geoctl_kind, properties, geometry blob);
    /// `asBinary` reads what ``SpatiaLiteBlob/geometry(_:)`` does not.
    static func feature(from row: Statement, layer: String, source: String? = nil,
                        asBinary: (UnsafeRawBufferPointer) throws -> Geometry?) throws -> Feature {
        let id: FeatureID? = switch row.value(0) {
        case .integer(let i): .integer(i)
        case .real(let d): .number(d)
        case .text(let s): .string(s)
        default: nil
        }
        var properties = JSONObject()
        // Parsed straight from SQLite's bytes: no String in between.
        if let value = try row.withText(2, { bytes in try JSONDocument.parse(bytes, source: source ?? "\(layer).properties") }) {
            guard case .object(let object) = value else {
                throw StoreError.corrupt("properties of a feature in \(layer) are not a JSON object")
            }
            properties = object
        }
        var geometry: Geometry?
        if let decoded = try row.withBlob(3, { bytes in try SpatiaLiteBlob.geometry(bytes) ?? asBinary(bytes) }) ?? nil {
            geometry = decoded
            if case .text(let kindName) = row.value(1), let kind = GeometryKind(rawValue: kindName) {
                geometry = GeometryPromotion.restore(decoded, to: kind)
            }
        }
        return Feature(id: id, geometry: geometry, properties: properties)
    }

    public func sampleValues(of layer: String, column: PropertyColumn, limit: Int) throws -> [String] {
        let c = SQL.identifier(column.column)
        return try db.rows("SELECT DISTINCT \(c) FROM \(SQL.identifier(layer)) WHERE \(c) IS NOT NULL LIMIT ?", [.integer(Int64(limit))])
            .compactMap { $0.first?.text }
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): "ok" when sound.
    public func integrityCheck() throws -> String {
        try db.rows("PRAGMA integrity_check").compactMap { $0.first?.text }.joined(separator: "; ")
    }

    /// Where the catalog and the layer tables disagree: a catalog entry without its table,
    /// spatial registration or feature count; a layer table (one with a `geoctl_kind`
    /// column) or a column entry the catalog does not know. Empty when they agree, as they
    /// must after any crash, since every write is one transaction.
    public func catalogProblems() throws -> [String] {
        var problems: [String] = []
        let tables = Set(try db.rows("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.text })
        let registered = Set(try db.rows("SELECT lower(f_table_name) FROM geometry_columns").compactMap { $0.first?.text })
        var catalogued = Set<String>()
        for row in try db.rows("SELECT name, feature_count FROM geoctl_catalog") {
            guard let name = row[0].text, case .integer(let count) = row[1] else { continue }
            catalogued.insert(name)
            guard tables.contains(name) else { problems.append("catalog lists \(name), but its table is missing"); continue }
            if !registered.contains(name.lowercased()) { problems.append("\(name) is not registered in geometry_columns") }
            let actual = try db.rows("SELECT count(*) FROM \(SQL.identifier(name))").first?.first
            if case .integer(let n)? = actual, n != count {
                problems.append("catalog says \(name) holds \(Counted.text(Int(count), "feature")); its table holds \(n)")
            }
        }
        for table in tables.subtracting(catalogued).sorted() {
            let columns = try db.rows("SELECT name FROM pragma_table_info(?)", [.text(table)]).compactMap { $0.first?.text }
            if columns.contains("geoctl_kind") { problems.append("table \(table) is a layer the catalog does not list") }
        }
        for row in try db.rows("SELECT DISTINCT layer FROM geoctl_columns") {
            if let layer = row[0].text, !catalogued.contains(layer) { problems.append("geoctl_columns describes \(layer), which the catalog does not list") }
        }
        return problems + (try spatialIndexProblems())
    }

    /// Where a layer's R*Tree spatial index is unsound: SQLite's own `rtreecheck()` (node
    /// structure, boxes that enclose their children, the rowid and parent maps), or a count of
    /// entries that differs from the count of rows with a geometry. Empty when every index is sound.
    public func spatialIndexProblems() throws -> [String] {
        var problems: [String] = []
        for row in try db.rows("SELECT name FROM geoctl_catalog ORDER BY name") {
            guard let name = row[0].text else { continue }
            let index = "idx_\(name)_geom"
            // A missing table is catalogProblems' to report; an indexed table lacking its index, ours.
            guard try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = ? COLLATE NOCASE", [.text(name)]) == "1" else { continue }
            guard try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = ? COLLATE NOCASE", [.text(index)]) == "1" else {
                problems.append("\(name) has no spatial index"); continue
            }
            let check = try db.scalarText("SELECT rtreecheck(?)", [.text(index)]) ?? "no answer"
            if check != "ok" { problems.append("the spatial index of \(name) fails rtreecheck: \(check)") }
            let entries = try db.scalarText("SELECT count(*) FROM \(SQL.identifier(index))")
            let rows = try db.scalarText("SELECT count(*) FROM \(SQL.identifier(name)) WHERE MbrMinX(geom) IS NOT NULL")
            if entries != rows { problems.append("the spatial index of \(name) holds \(entries ?? "?") boxes for \(rows ?? "?") geometries") }
        }
        return problems
    }
}

/// Inserts features through prepared statements, binding SpatiaLite geometry blobs made in
/// Swift (``SpatiaLiteBlob``), and gathers the boxes for the packed spatial index.
final class SpatiaLiteLayerWriter: RecordedPropertiesWriter {
    private let db: SpatiaLiteConnection
    private let table: String
    /// The geometry bound as a SpatiaLite blob.
    private let insert: Statement
    /// The geometry bound as WKB through `GeomFromWKB`, for what ``SpatiaLiteBlob`` leaves
    /// to SpatiaLite (geometry collections, empty geometries): prepared on first need, as it
    /// loads SpatiaLite.
    private let insertFromWKBSQL: String
    private var insertFromWKB: Statement?
    private let columns: [PropertyColumn]
    private let columnType: String
    private(set) var count = 0
    /// The boxes of the rows written, for ``RTreeBulkFill/write(into:table:)``.
    private(set) var index = RTreeBulkFill()
    private var json: [UInt8] = []
    private var blob: [UInt8] = []
    private var mbr: Statement?
    /// The columns' property names as UTF-8, and whether each is ASCII, for recorded properties.
    private let columnUTF8: [[UInt8]]
    private let columnIsASCII: [Bool]

    init(db: SpatiaLiteConnection, table: String, insert: Statement, insertFromWKBSQL: String,
         columns: [PropertyColumn], columnType: String) {
        self.db = db
        self.table = table
        self.insert = insert
        self.insertFromWKBSQL = insertFromWKBSQL
        self.columns = columns
        self.columnType = columnType
        columnUTF8 = columns.map { Array($0.property.utf8) }
        columnIsASCII = columnUTF8.map { $0.allSatisfy { $0 < 0x80 } }
    }

    func insert(_ feature: Feature) throws {
        try write(feature, recorded: nil)
    }

    private func wkbInsert() throws(StoreError) -> Statement {
        if let insertFromWKB { return insertFromWKB }
        let statement = try db.prepare(insertFromWKBSQL)
        insertFromWKB = statement
        return statement
    }

    func insert(_ feature: Feature, recorded properties: RecordedProperties) throws {
        try write(feature, recorded: properties)
    }

    /// Writes a feature with its own properties, or with `recorded` ones when given.
    private func write(_ feature: Feature, recorded: RecordedProperties?) throws {
        let promoted = feature.geometry.map { GeometryPromotion.promote($0, toColumn: columnType) }
        var box: BoundingBox?
        if let promoted { box = SpatiaLiteBlob.encode(promoted, srid: 4326, into: &blob) }
        let statement = box != nil || promoted == nil ? insert : try wkbInsert()
        statement.rewind()
        var i: Int32 = 1
        switch feature.id {
        case .string(let s)?: try statement.bindText(s, at: i)
        case .integer(let n)?: try statement.bind(.integer(n), at: i)
        case .number(let d)?: try statement.bind(.real(d), at: i)
        case nil: try statement.bind(.null, at: i)
        }
        i += 1
        if let g = feature.geometry { try statement.bindText(g.kind.rawValue, at: i) } else { try statement.bind(.null, at: i) }
        i += 1
        if let recorded {
            try bind(recorded, to: statement, at: i)
            i += 1 + Int32(columns.count)
        } else {
            json.removeAll(keepingCapacity: true)
            JSONText.appendObject(feature.properties, to: &json)
            try statement.bindText(utf8: json, at: i)
            i += 1
            // The columns follow the properties' first order, which most features keep: each is
            // first looked for after the previous one's member (the reader refuses duplicate names).
            let members = feature.properties.members
            var next = 0
            for c in columns {
                var value: JSONValue?
                if next < members.count && members[next].key == c.property {
                    value = members[next].value
                    next += 1
                } else if let k = members.firstIndex(where: { $0.key == c.property }) {
                    value = members[k].value
                    next = k + 1
                }
                try Self.bind(value, as: c.type, to: statement, at: i)
                i += 1
            }
        }
        if let promoted {
            if box != nil {
                try statement.bindBlob(blob, at: i)
            } else {
                try statement.bindBlob(WKB.encode(promoted), at: i)
            }
        } else {
            try statement.bind(.null, at: i)
        }
        while try statement.step() {}
        count += 1
        let rowid = statement.lastInsertRowid
        if let box {
            try index.add(rowid: rowid, minX: box.minX, maxX: box.maxX, minY: box.minY, maxY: box.maxY)
        } else if promoted != nil {
            // SpatiaLite's own MBR of what GeomFromWKB stored (none for an empty geometry).
            if mbr == nil {
                mbr = try db.prepare("SELECT MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM \(table) WHERE fid = ? AND MbrMinX(geom) IS NOT NULL")
            }
            guard let mbr else { return }
            mbr.reset()
            try mbr.bind(.integer(rowid), at: 1)
            if try mbr.step(), let a = mbr.value(0).real, let b = mbr.value(1).real, let c = mbr.value(2).real, let d = mbr.value(3).real {
                try index.add(rowid: rowid, minX: a, maxX: b, minY: c, maxY: d)
            }
            while try mbr.step() {}
        }
    }

    /// Binds recorded properties from parameter `first` on: the JSON text, then the columns,
    /// each found and bound exactly as the `JSONObject` path finds and binds it.
    private func bind(_ p: RecordedProperties, to statement: Statement, at first: Int32) throws {
        if p.present { try statement.bindText(utf8: p.json, at: first) } else { try statement.bindText("{}", at: first) }
        var i = first + 1
        let members = p.members
        var next = 0
        for c in columns.indices {
            // A name matches as `String`s compare: bytes, or canonical equivalence when not ASCII.
            func matches(_ m: RecordedProperties.Member) -> Bool {
                p.name(of: m, is: columnUTF8[c]) || (!(m.nameIsASCII && columnIsASCII[c]) && p.name(of: m) == columns[c].property)
            }
            var found: Int?
            if next < members.count && matches(members[next]) {
                found = next
            } else {
                found = members.firstIndex(where: matches)
            }
            if let k = found {
                next = k + 1
                try Self.bind(members[k], of: p, as: columns[c].type, to: statement, at: i)
            } else {
                try statement.bind(.null, at: i)
            }
            i += 1
        }
    }

    /// A recorded member bound as ``bind(_:as:to:at:)`` binds the same value.
    static func bind(_ m: RecordedProperties.Member, of p: RecordedProperties, as type: ColumnType,
                     to statement: Statement, at i: Int32) throws {
        switch (m.kind, type) {
        case (.string, _): try p.withText(of: m) { try statement.bindText(bytes: $0, at: i) }
        case (.null, _): try statement.bind(.null, at: i)
        case (.integer, .integer): try statement.bind(.integer(m.integer), at: i)
        case (.integer, .real): try statement.bind(.real(Double(m.integer)), at: i)
        case (.number, .real): try statement.bind(.real(m.number), at: i)
        case (.bool, .boolean): try statement.bind(.integer(m.integer), at: i)
        default: try p.withJSON(of: m) { try statement.bindText(bytes: $0, at: i) }  // its compact text
        }
    }

    /// Binds a property value in its column's type, without a `SQLValue` in between.
    static func bind(_ v: JSONValue?, as type: ColumnType, to statement: Statement, at i: Int32) throws(StoreError) {
        switch (v, type) {
        case (.string(let s)?, _): try statement.bindText(s, at: i)
        default: try statement.bind(value(v, as: type), at: i)
        }
    }

    static func value(_ v: JSONValue?, as type: ColumnType) -> SQLValue {
        switch (v, type) {
        case (nil, _), (.null?, _): .null
        case (.integer(let n)?, .integer), (.integer(let n)?, .real): type == .integer ? .integer(n) : .real(Double(n))
        case (.number(let d)?, .real): .real(d)
        case (.bool(let b)?, .boolean): .integer(b ? 1 : 0)
        case (.string(let s)?, _): .text(s)
        case (let other?, _): other.plainText.map(SQLValue.text) ?? .null
        }
    }
}
