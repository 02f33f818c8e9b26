/// The first layer written into a store this process has just created is written through
/// SQLite's rollback journal instead of the write-ahead log, then the store goes back to WAL.
///
/// In WAL mode every page of the new table is written twice: into the `-wal` file at commit,
/// then copied into the database file by the checkpoint (43 MB each way for the synthetic
/// city's appeals). A rollback journal holds only the original content of pages that existed
/// before the transaction; the new table's pages lie beyond the file's original end and are
/// written once, straight into the file. Atomicity is the same: a crash (SIGKILL, power cut)
/// leaves a hot journal, and the next open rolls the file back to its state before the
/// transaction (with `synchronous=FULL` while in this mode, as a rollback journal needs for
/// power-cut safety).
///
/// The switch is only made while nobody can be reading: the store was created by this very
/// connection and holds no layer yet, and SQLite refuses the change (the store stays in WAL)
/// when another connection has it open. A store left in rollback mode by a crash returns to
/// WAL on its next open (``SpatiaLiteStore/restoreWAL()``).
extension SpatiaLiteStore {
    /// The page cache of a fresh store's first write (KiB, negative): the read cache's size.
    /// The new table's pages lie beyond the file's original end, so those that overflow the
    /// cache go straight into the file, unjournaled, and a larger cache only holds memory:
    /// 64 MiB measured 0.58 s and 94 MB peak for the appeals at scale 1, 4.76 s and 142 MB at
    /// scale 10; 8 MiB 0.49 s / 59 MB and 4.24 s / 83 MB (BENCHMARKS.md).
    static let freshCacheKiB = SpatiaLiteConnection.readCacheKiB

    /// Runs `body` (one write transaction) in rollback-journal mode when the store is fresh
    /// (see above), else as it is.
    func writingFreshStore<T>(_ body: () throws -> T) throws -> T {
        guard createdHere, try db.scalarText("SELECT count(*) FROM geoctl_catalog") == "0",
              (try? db.scalarText("PRAGMA journal_mode=DELETE")) == "delete" else {
            return try body()
        }
        try db.execute("PRAGMA synchronous=FULL")
        db.writeCacheKiB = Self.freshCacheKiB
        defer {
            db.writeCacheKiB = SpatiaLiteConnection.writeCacheKiB
            try? db.execute("PRAGMA synchronous=NORMAL")
            restoreWAL()
        }
        return try body()
    }

    /// Puts a store that is not in WAL mode (left in rollback mode by a crash during
    /// ``writingFreshStore(_:)``) back into it; a read-only file stays as it is.
    func restoreWAL() {
        if (try? db.scalarText("PRAGMA journal_mode")) != "wal" {
            _ = try? db.scalarText("PRAGMA journal_mode=WAL")
        }
    }
}
