/// SpatiaLite's spatial metadata, written by geoctl in SQLite's own SQL: the same tables, rows,
/// triggers and views that SpatiaLite's `InitSpatialMetadata(1, 'WGS84')`,
/// `AddGeometryColumn` and `CreateSpatialIndex` write, without loading SpatiaLite.
///
/// Loading SpatiaLite (about 100 shared libraries) and those three calls took 35–45 ms of
/// every import, a sixth of the synthetic city's buildings (BENCHMARKS.md). The SQL is
/// SpatiaLite's own: ``storeSQL`` is a `sqlite3 .dump` of a store SpatiaLite made
/// (scripts/spatialite-metadata.sh), and the layer's statements below repeat what
/// SpatiaLite 5 writes, text for text. `SpatiaLiteMetadataTests` compares both with what
/// the installed SpatiaLite makes itself, schema and rows, and SpatiaLite, GDAL and QGIS
/// read the stores as their own.
enum SpatiaLiteMetadata {
    /// SpatiaLite's code for a geometry column type (`geometry_columns.geometry_type`, XY).
    static func geometryTypeCode(_ columnType: String) -> Int? {
        switch columnType {
        case "GEOMETRY": 0
        case "POINT": 1
        case "LINESTRING": 2
        case "POLYGON": 3
        case "MULTIPOINT": 4
        case "MULTILINESTRING": 5
        case "MULTIPOLYGON": 6
        case "GEOMETRYCOLLECTION": 7
        default: nil
        }
    }

    /// The geometry column `geom` (SRID 4326, XY, of `columnType`) of the existing table
    /// `table` registered as `AddGeometryColumn` and `CreateSpatialIndex` register it, with its
    /// empty R*Tree `idx_<table>_geom`. The table must already have the column (declared
    /// `"geom" <columnType>`, as `AddGeometryColumn` declares it). The triggers are separate
    /// (``geometryTriggersSQL(table:)``) so that a bulk insert can run before them.
    static func geometryColumnSQL(table: String, columnType: String) -> String? {
        guard let code = geometryTypeCode(columnType) else { return nil }
        let name = SQL.literal(table)
        let history = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), sqlite_version(), \(SQL.literal(schemaVersion + " (geoctl)"))"
        return """
            INSERT INTO geometry_columns (f_table_name, f_geometry_column, geometry_type, coord_dimension, srid, spatial_index_enabled) VALUES (lower(\(name)), 'geom', \(code), 2, 4326, 1);
            INSERT INTO geometry_columns_statistics (f_table_name, f_geometry_column) VALUES (lower(\(name)), 'geom');
            INSERT INTO geometry_columns_time (f_table_name, f_geometry_column) VALUES (lower(\(name)), 'geom');
            INSERT INTO geometry_columns_auth (f_table_name, f_geometry_column, read_only, hidden) VALUES (lower(\(name)), 'geom', 0, 0);
            INSERT INTO spatialite_history (table_name, geometry_column, event, timestamp, ver_sqlite, ver_splite) VALUES (\(name), 'geom', \(SQL.literal("Geometry [\(columnType),XY,SRID=4326] successfully created")), \(history));
            CREATE VIRTUAL TABLE \(SQL.identifier("idx_\(table)_geom")) USING rtree(pkid, xmin, xmax, ymin, ymax);
            INSERT INTO spatialite_history (table_name, geometry_column, event, timestamp, ver_sqlite, ver_splite) VALUES (\(name), 'geom', 'R*Tree Spatial Index successfully created', \(history));
            """
    }

    /// SpatiaLite's eight triggers on a layer's table, as SpatiaLite 5 words them: the geometry
    /// type and SRID checks (`ggi_`, `ggu_`), the change times (`tmi_`, `tmu_`, `tmd_`) and
    /// the R*Tree's upkeep (`gii_`, `giu_`, `gid_`). They call SpatiaLite's functions, so
    /// later writes through SQL need SpatiaLite, as in any SpatiaLite store.
    static func geometryTriggersSQL(table: String) -> String {
        let quoted = SQL.identifier(table)
        let name = SQL.literal(table)
        let index = SQL.identifier("idx_\(table)_geom")
        let indexName = SQL.literal("idx_\(table)_geom")
        let violation = SQL.literal("\(table).geom violates Geometry constraint [geom-type or SRID not allowed]")
        func trigger(_ prefix: String, _ when: String, _ body: String) -> String {
            "CREATE TRIGGER \(SQL.identifier("\(prefix)_\(table)_geom")) \(when) ON \(quoted)\nFOR EACH ROW BEGIN\n\(body)\nEND;\n"
        }
        let check = """
            SELECT RAISE(ROLLBACK, \(violation))
            WHERE (SELECT geometry_type FROM geometry_columns
            WHERE Lower(f_table_name) = Lower(\(name)) AND Lower(f_geometry_column) = Lower('geom')
            AND GeometryConstraints(NEW."geom", geometry_type, srid) = 1) IS NULL;
            """
        func stamp(_ column: String) -> String {
            """
            UPDATE geometry_columns_time SET \(column) = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE Lower(f_table_name) = Lower(\(name)) AND Lower(f_geometry_column) = Lower('geom');
            """
        }
        let align = """
            DELETE FROM \(index) WHERE pkid=NEW.ROWID;
            SELECT RTreeAlign(\(indexName), NEW.ROWID, NEW."geom");
            """
        return trigger("ggi", "BEFORE INSERT", check)
            + trigger("ggu", "BEFORE UPDATE OF \"geom\"", check)
            + trigger("tmu", "AFTER UPDATE", stamp("last_update"))
            + trigger("tmi", "AFTER INSERT", stamp("last_insert"))
            + trigger("tmd", "AFTER DELETE", stamp("last_delete"))
            + trigger("gii", "AFTER INSERT", align)
            + trigger("giu", "AFTER UPDATE OF \"geom\"", align)
            + trigger("gid", "AFTER DELETE", "DELETE FROM \(index) WHERE pkid=OLD.ROWID;")
    }
}
