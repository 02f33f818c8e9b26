import Layers

/// Named CRSs in a PostGIS store: `<schema>.geoctl_crs`, made when the first is added.
extension PostGISStore: NamedCRSStore {
    private var crsTable: String { "\(schema).geoctl_crs" }

    public func namedCRSs() throws -> [NamedCRS] {
        guard try db.scalar("SELECT to_regclass($1) IS NOT NULL", [crsTable]) == "t" else { return [] }
        return try db.query("SELECT name, definition, note, created_at FROM \(crsTable) ORDER BY lower(name)").rows().map { row in
            NamedCRS(name: row[0] ?? "", definition: row[1] ?? "", note: row[2], createdAt: row[3] ?? "")
        }
    }

    public func saveNamedCRS(_ crs: NamedCRS, replace: Bool) throws {
        try db.transaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS \(crsTable) (
                  name text NOT NULL, definition text NOT NULL, note text, created_at text NOT NULL);
                CREATE UNIQUE INDEX IF NOT EXISTS geoctl_crs_name ON \(crsTable) (lower(name));
                """)
            if try db.scalar("SELECT count(*) FROM \(crsTable) WHERE lower(name) = lower($1)", [crs.name]) != "0" {
                guard replace else { throw NamedCRSError.exists(crs.name) }
                try db.query("DELETE FROM \(crsTable) WHERE lower(name) = lower($1)", [crs.name])
            }
            try db.query("INSERT INTO \(crsTable) (name, definition, note, created_at) VALUES ($1, $2, $3, $4)",
                         [crs.name, crs.definition, crs.note, crs.createdAt])
        }
    }

    public func dropNamedCRS(_ name: String) throws -> Bool {
        guard try db.scalar("SELECT to_regclass($1) IS NOT NULL", [crsTable]) == "t" else { return false }
        return try db.transaction {
            let n = try db.scalar("SELECT count(*) FROM \(crsTable) WHERE lower(name) = lower($1)", [name])
            try db.query("DELETE FROM \(crsTable) WHERE lower(name) = lower($1)", [name])
            return n != "0"
        }
    }
}
