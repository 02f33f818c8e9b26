import GeoCore

/// Named CRSs in a SpatiaLite store: the table `geoctl_crs`, made when the first is added.
extension SpatiaLiteStore: NamedCRSStore {
    public func namedCRSs() throws -> [NamedCRS] {
        guard try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = 'geoctl_crs'") == "1" else { return [] }
        return try db.rows("SELECT name, definition, note, created_at FROM geoctl_crs ORDER BY name").map { row in
            NamedCRS(name: row[0].text ?? "", definition: row[1].text ?? "", note: row[2].text, createdAt: row[3].text ?? "")
        }
    }

    public func saveNamedCRS(_ crs: NamedCRS, replace: Bool) throws {
        try db.transaction {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS geoctl_crs (
                  name TEXT PRIMARY KEY COLLATE NOCASE, definition TEXT NOT NULL, note TEXT, created_at TEXT NOT NULL)
                """)
            if try db.scalarText("SELECT count(*) FROM geoctl_crs WHERE name = ?", [.text(crs.name)]) != "0" {
                guard replace else { throw NamedCRSError.exists(crs.name) }
                try db.run("DELETE FROM geoctl_crs WHERE name = ?", [.text(crs.name)])
            }
            try db.run("INSERT INTO geoctl_crs (name, definition, note, created_at) VALUES (?, ?, ?, ?)",
                       [.text(crs.name), .text(crs.definition), crs.note.map(SQLValue.text) ?? .null, .text(crs.createdAt)])
        }
    }

    public func dropNamedCRS(_ name: String) throws -> Bool {
        guard try db.scalarText("SELECT count(*) FROM sqlite_master WHERE name = 'geoctl_crs'") == "1" else { return false }
        return try db.transaction {
            let n = try db.scalarText("SELECT count(*) FROM geoctl_crs WHERE name = ?", [.text(name)])
            try db.run("DELETE FROM geoctl_crs WHERE name = ?", [.text(name)])
            return n != "0"
        }
    }
}
