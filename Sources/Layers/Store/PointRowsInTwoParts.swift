import CSpatiaLite
import Foundation

extension SpatiaLiteStore {
    /// Reads a point layer as ``forEachPointRow(of:properties:_:)`` does, but in two halves of
    /// its fid range on two connections at once (the load of 10^6 appeals is SQLite stepping
    /// rows and the caller parsing them: both halve on two cores). `body` gets part 0's rows
    /// (the lower fids, in order) with `states[0]` and part 1's with `states[1]`, on two threads.
    ///
    /// **One snapshot.** Both connections start their read transactions while the store's own
    /// connection holds the write lock (`BEGIN IMMEDIATE`, released as soon as both have read
    /// their first row), so no commit can fall between them: the two halves are one state of
    /// the layer, as one statement would read it.
    ///
    /// Returns false, having read nothing, when the layer has fewer than `minimumRows` rows, the
    /// store is in memory, or the write lock is not free at once (a writer at work, a read-only
    /// file): the caller then reads in one pass.
    public func forEachPointRowInTwoParts<State>(of layer: String, properties: [String], minimumRows: Int,
                                                 states: inout [State], _ body: (inout State, PointRowCursor) throws -> Void) throws -> Bool {
        precondition(states.count == 2)
        guard let info = try self.layer(named: layer) else { throw StoreError.noSuchLayer(layer) }
        guard info.featureCount >= max(2, minimumRows), !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return false }
        let table = SQL.identifier(layer)
        let bounds = try db.rows("SELECT min(fid), max(fid) FROM \(table)")
        guard case .integer(let low)? = bounds.first?[0], case .integer(let high)? = bounds.first?[1], high > low else { return false }
        let split = low + (high - low) / 2 + 1
        let columns = properties.map { p in info.columns.first { $0.property == p } }
        let selected = columns.map { c in c.map { SQL.identifier($0.column) } ?? "NULL" }
        let sql = "SELECT feature_id, geom, geoctl_kind" + selected.map { ", " + $0 }.joined()
            + " FROM \(table) WHERE fid >= ?1 AND fid < ?2 ORDER BY fid"
        let types = columns.map { $0?.type }
        let connections = try (0 ..< 2).map { _ throws(StoreError) in try SpatiaLiteConnection(path: path, create: false, loadSpatiaLite: false) }

        // The fence: no commit while the two snapshots are taken.
        sqlite3_busy_timeout(db.handle, 0)
        let fenced = (try? db.execute("BEGIN IMMEDIATE")) != nil
        sqlite3_busy_timeout(db.handle, 10_000)
        guard fenced else { return false }
        var statements: [Statement] = []
        var hasFirstRow: [Bool] = []
        do {
            for (k, connection) in connections.enumerated() {
                try connection.execute("BEGIN")
                let statement = try connection.prepare(sql)
                try statement.bind([.integer(k == 0 ? low : split), .integer(k == 0 ? split : high + 1)])
                hasFirstRow.append(try statement.step())
                statements.append(statement)
            }
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        try db.execute("ROLLBACK")

        try withoutActuallyEscaping(body) { body in
            let work = TwoPartWork(states: states, statements: statements, hasFirstRow: hasFirstRow, types: types, body: body)
            DispatchQueue.concurrentPerform(iterations: 2) { k in work.run(k) }
            states = try work.finish()
        }
        for connection in connections { try? connection.execute("COMMIT") }
        return true
    }
}

/// The two workers' states, statements and errors, each slot touched by its worker only until
/// ``finish()``.
private final class TwoPartWork<State>: @unchecked Sendable {
    private let statements: [Statement]
    private let hasFirstRow: [Bool]
    private let types: [ColumnType?]
    private let body: (inout State, PointRowCursor) throws -> Void
    private let errors = UnsafeMutablePointer<(any Error)?>.allocate(capacity: 2)
    private let slots: UnsafeMutablePointer<State>

    init(states: [State], statements: [Statement], hasFirstRow: [Bool], types: [ColumnType?],
         body: @escaping (inout State, PointRowCursor) throws -> Void) {
        self.statements = statements
        self.hasFirstRow = hasFirstRow
        self.types = types
        self.body = body
        slots = .allocate(capacity: 2)
        slots.initialize(from: states, count: 2)
        errors.initialize(repeating: nil, count: 2)
    }

    deinit {
        slots.deinitialize(count: 2)
        slots.deallocate()
        errors.deinitialize(count: 2)
        errors.deallocate()
    }

    func run(_ k: Int) {
        let statement = statements[k]
        let cursor = PointRowCursor(statement: statement, types: types)
        do {
            var more = hasFirstRow[k]
            while more {
                try body(&slots[k], cursor)
                more = try statement.step()
            }
        } catch {
            errors[k] = error
        }
    }

    func finish() throws -> [State] {
        for k in 0 ..< 2 { if let error = errors[k] { throw error } }
        return [slots[0], slots[1]]
    }
}
