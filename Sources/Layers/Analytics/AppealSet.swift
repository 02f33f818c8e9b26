import GeoCore

/// Which properties of an appeals layer hold what (`--category-field` and friends).
public struct AppealFields: Sendable {
    public var category = "category"
    public var created = "created"
    public var closed = "closed"
    public var status = "status"
    /// A per-appeal deadline in days, used when no routing rules give one per category.
    public var deadlineDays = "deadline_days"
    public init() {}
}

/// How to read an appeals layer: fields, timestamp layout and zone, and which appeals to keep.
public struct AppealLoadOptions: Sendable {
    public var fields = AppealFields()
    /// A strftime-like layout, or nil for ISO 8601.
    public var timeFormat: String?
    /// The zone for naive timestamps and periods; nil: the offset most of the data's own
    /// timestamps carry, else the solar zone of the data's mean longitude.
    public var zone: AppealTimeZone?
    /// Keep appeals created at or after `from` and before `to` (ISO 8601 or the layout; a
    /// date alone means its local midnight).
    public var from: String?
    public var to: String?
    /// Keep only these categories (empty: all).
    public var categories: Set<String> = []
    public init() {}
}

/// Why some appeals or values could not be used, per field, with examples.
public struct AppealFieldProblem: Sendable, Hashable {
    public var field: String
    public var reason: String
    public var count: Int
    /// Up to three `appeal id: value` examples.
    public var examples: [String]
}

/// An appeals layer in flat arrays, one slot per appeal that could be placed in time and space:
/// the input of every appeal analysis.
///
/// Coordinates are kept as WGS84 lon/lat and in a local metric projection (the UTM zone of
/// the data, through PROJ), where cells and distances are measured.
public struct AppealSet: Sendable {
    public var ids = AppealIDs()
    public var lon: [Double] = []
    public var lat: [Double] = []
    /// Metres in ``crs``.
    public var x: [Double] = []
    public var y: [Double] = []
    /// Index into ``categories``.
    public var category: [Int32] = []
    public var categories: [String] = []
    /// Seconds since the epoch.
    public var created: [Double] = []
    /// Seconds since the epoch; NaN when not closed.
    public var closed: [Double] = []
    /// Index into ``statuses`` of each appeal's status property ("" when absent).
    public var statusCode: [Int32] = []
    public var statuses: [String] = []
    /// The status property's value, or "".
    public var status: [String] { statusCode.map { statuses[Int($0)] } }
    /// The per-appeal `deadline_days` property; NaN when absent.
    public var deadlineDays: [Double] = []
    /// The metric CRS of ``x`` and ``y``.
    public var crs = "EPSG:32641"
    /// The zone periods are counted in.
    public var zone = AppealTimeZone(offsetSeconds: 0)
    /// How the zone was chosen, for the output.
    public var zoneNote = ""
    /// Appeals in the layer, before filtering.
    public var featuresRead = 0
    /// Appeals left out by --from/--to/--category.
    public var filteredOut = 0
    public var problems: [AppealFieldProblem] = []
    /// The latest timestamp in the data (created or closed), seconds since the epoch.
    public var latest = -Double.infinity

    public var count: Int { ids.count }

    public init() {}

    /// Reads the layer through the store and projects it.
    public static func load(from store: any LayerStore, layer: String, options: AppealLoadOptions) throws -> AppealSet {
        let featureCount = try store.layer(named: layer)?.featureCount ?? 0
        var raw = try RawAppeals(options: options)
        raw.reserve(featureCount)
        try store.forEachPointRow(of: layer, properties: raw.wanted) { row in raw.add(row) }
        return try raw.finish(layer: layer)
    }

    /// Reads features already in memory (tests, other front ends).
    public static func load(features: [Feature], layer: String, options: AppealLoadOptions) throws -> AppealSet {
        var raw = try RawAppeals(options: options)
        let wanted = raw.wanted
        for f in features {
            var point: Point?
            if case .point(let p)? = f.geometry { point = p }
            raw.add(PointRowCursor(id: f.id, point: point, values: wanted.map { f.properties[$0] ?? .null }, geometryName: f.geometry?.typeName))
        }
        return try raw.finish(layer: layer)
    }
}

/// The first pass: timestamps kept as local seconds plus an offset when one was written,
/// because the zone for naive ones may come from the data itself.
struct RawAppeals {
    let options: AppealLoadOptions
    let layoutParser: AppealTimestampParser?
    var set = AppealSet()
    var createdLocal: [Double] = []
    var createdOffset: [Int32] = []
    var closedLocal: [Double] = []
    var closedOffset: [Int32] = []
    var categories = ByteInterner()
    var statuses = ByteInterner()
    var offsetVotes: [Int32: Int] = [:]
    var problems: [String: AppealFieldProblem] = [:]
    var problemOrder: [String] = []
    static let naive = Int32.min

    init(options: AppealLoadOptions) throws {
        self.options = options
        layoutParser = try options.timeFormat.map { try AppealTimestampParser(layout: $0, zone: AppealTimeZone(offsetSeconds: 0)) }
    }

    mutating func problem(_ field: String, _ reason: String, id: String, value: String) {
        let key = field + "\u{1}" + reason
        if problems[key] == nil {
            problems[key] = AppealFieldProblem(field: field, reason: reason, count: 0, examples: [])
            problemOrder.append(key)
        }
        problems[key]!.count += 1
        if problems[key]!.examples.count < 3 { problems[key]!.examples.append("\(id): \(value)") }
    }

    /// Local seconds and the offset (or ``naive``) of a timestamp's UTF-8 bytes.
    /// (Static, with the layout passed in: a method would copy the whole struct per call.)
    @inline(__always)
    static func parseLocal(_ raw: UnsafeRawBufferPointer, layout: AppealTimestampParser?) -> (Double, Int32)? {
        let b = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
        guard let (local, offset) = layout.map({ $0.strftime(b) }) ?? AppealTimestampParser.iso(b) else { return nil }
        return (local, offset.map(Int32.init) ?? RawAppeals.naive)
    }

    /// The properties read per appeal, in this order.
    var wanted: [String] {
        let f = options.fields
        return [f.category, f.created, f.closed, f.status, f.deadlineDays, "id"]
    }

    /// A timestamp property: parsed from its bytes when it is text, else from its plain text
    /// (a number written where a timestamp belongs is reported as unparseable, with its value).
    enum Timestamp { case missing, parsed(Double, Int32), unparseable(String) }

    @inline(__always)
    static func timestamp(_ row: PointRowCursor, _ k: Int, layout: AppealTimestampParser?) -> Timestamp {
        if let r = row.withText(k, { b -> Timestamp in
            if let t = parseLocal(b, layout: layout) { return .parsed(t.0, t.1) }
            return b.isEmpty ? .missing : .unparseable(String(decoding: b, as: UTF8.self))
        }) { return r }
        guard var text = row.value(k).plainText else { return .missing }
        if text.isEmpty { return .missing }
        return text.withUTF8 { b in parseLocal(UnsafeRawBufferPointer(b), layout: layout).map { .parsed($0.0, $0.1) } } ?? .unparseable(text)
    }

    /// ``timestamp(_:_:layout:)`` for ISO 8601.
    @inline(__always)
    static func isoTimestamp(_ row: PointRowCursor, _ k: Int) -> Timestamp {
        if let r = row.withText(k, { raw -> Timestamp in
            let b = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
            if let (local, offset) = AppealTimestampParser.iso(b) { return .parsed(local, offset.map(Int32.init) ?? RawAppeals.naive) }
            return raw.isEmpty ? .missing : .unparseable(String(decoding: raw, as: UTF8.self))
        }) { return r }
        return timestamp(row, k, layout: nil)
    }

    var layoutName: String { options.timeFormat.map { "layout \($0)" } ?? "ISO 8601" }

    mutating func add(_ row: PointRowCursor) {
        set.featuresRead += 1
        func id() -> String { row.id?.description ?? row.value(5).plainText ?? String(set.featuresRead) }
        guard let p = row.point else {
            let name = row.geometryName
            problem("geometry", name == nil ? "missing" : "not a Point", id: id(), value: name ?? "null")
            return
        }
        // (Neither the fields nor the layout parser copied per row: copies of their strings
        // were retained and released on every appeal.)
        let created: (Double, Int32)
        switch layoutParser == nil ? Self.isoTimestamp(row, 1) : Self.timestamp(row, 1, layout: layoutParser) {
        case .parsed(let local, let offset): created = (local, offset)
        case .missing:
            // An empty string is not a timestamp either: say so with its value.
            if row.withText(1, { $0.isEmpty }) == true {
                problem(options.fields.created, "unparseable (\(layoutName))", id: id(), value: "")
            } else {
                problem(options.fields.created, "missing", id: id(), value: "null")
            }
            return
        case .unparseable(let text):
            problem(options.fields.created, "unparseable (\(layoutName))", id: id(), value: text)
            return
        }
        var closed: (Double, Int32) = (.nan, RawAppeals.naive)
        switch layoutParser == nil ? Self.isoTimestamp(row, 2) : Self.timestamp(row, 2, layout: layoutParser) {
        case .parsed(let local, let offset): closed = (local, offset)
        case .missing: break
        case .unparseable(let text):
            problem(options.fields.closed, "unparseable (\(layoutName)); counted as not closed", id: id(), value: text)
        }
        let c: Int32
        if let known = row.withText(0, { categories.code($0) }) {
            c = known
        } else {
            let name = row.value(0).plainText ?? ""
            c = categories.code(name)
        }
        if categories.names[Int(c)].isEmpty { problem(options.fields.category, "missing; counted under \"\"", id: id(), value: "null") }
        if created.1 != RawAppeals.naive { offsetVotes[created.1, default: 0] += 1 }
        if let integer = row.integerID {
            set.ids.append(integer)
        } else if !row.hasID, let integer = row.integer(5) {
            set.ids.append(integer)
        } else {
            set.ids.append(id())
        }
        set.lon.append(p.x)
        set.lat.append(p.y)
        set.category.append(c)
        createdLocal.append(created.0)
        createdOffset.append(created.1)
        closedLocal.append(closed.0)
        closedOffset.append(closed.1)
        set.statusCode.append(row.withText(3, { statuses.code($0) }) ?? statuses.code(row.value(3).plainText ?? ""))
        set.deadlineDays.append(row.double(4) ?? .nan)
    }

    mutating func reserve(_ n: Int) {
        guard n > 0 else { return }
        set.ids.reserveCapacity(n); set.lon.reserveCapacity(n); set.lat.reserveCapacity(n); set.category.reserveCapacity(n)
        set.statusCode.reserveCapacity(n); set.deadlineDays.reserveCapacity(n)
        createdLocal.reserveCapacity(n); createdOffset.reserveCapacity(n); closedLocal.reserveCapacity(n); closedOffset.reserveCapacity(n)
    }

    mutating func finish(layer: String) throws -> AppealSet {
        set.categories = categories.names
        set.statuses = statuses.names
        // The zone.
        if let zone = options.zone {
            set.zone = zone
            set.zoneNote = "--tz \(zone.name)"
        } else if let (offset, votes) = offsetVotes.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }) {
            set.zone = AppealTimeZone(offsetSeconds: Int(offset))
            set.zoneNote = "the offset of \(votes) of the data's timestamps (pass --tz to choose)"
        } else {
            let meanLon = set.lon.isEmpty ? 0 : set.lon.reduce(0, +) / Double(set.lon.count)
            let hours = Int((meanLon / 15).rounded())
            set.zone = AppealTimeZone(offsetSeconds: hours * 3600)
            set.zoneNote = "the solar zone of the data's mean longitude \(String(format: "%.2f", meanLon))° (pass --tz to choose)"
        }
        func resolve(_ local: Double, _ offset: Int32) -> Double {
            local.isNaN ? .nan : offset == RawAppeals.naive ? set.zone.utc(fromLocal: local) : local - Double(offset)
        }
        set.created = zip(createdLocal, createdOffset).map(resolve)
        set.closed = zip(closedLocal, closedOffset).map(resolve)
        createdLocal = []; closedLocal = []

        // Closed before created is a data error worth naming; such appeals keep their times.
        for i in set.created.indices where set.closed[i] < set.created[i] {
            problem(options.fields.closed, "earlier than \(options.fields.created)", id: set.ids[i], value: CivilTime.iso(set.closed[i], zone: set.zone))
        }
        for i in set.created.indices {
            set.latest = max(set.latest, set.created[i])
            if !set.closed[i].isNaN { set.latest = max(set.latest, set.closed[i]) }
        }

        // Filters.
        let parser = try AppealTimestampParser(layout: nil, zone: set.zone)
        func bound(_ text: String?, _ flag: String) throws -> Double? {
            guard let text else { return nil }
            guard let t = parser.parse(text) else { throw AppealAnalyticsError.usage("\(flag) \(text): not an ISO 8601 date or time") }
            return t
        }
        let from = try bound(options.from, "--from"), to = try bound(options.to, "--to")
        let wanted = options.categories
        if from != nil || to != nil || !wanted.isEmpty {
            var keep = [Bool](repeating: true, count: set.count)
            for i in 0 ..< set.count {
                if let from, set.created[i] < from { keep[i] = false }
                if let to, set.created[i] >= to { keep[i] = false }
                if !wanted.isEmpty, !wanted.contains(set.categories[Int(set.category[i])]) { keep[i] = false }
            }
            set.filteredOut = keep.lazy.filter { !$0 }.count
            set.select(keep)
        }

        // Projection: the UTM zone of the data.
        var extent = BoundingBox.empty
        for i in 0 ..< set.count { extent.extend(x: set.lon[i], y: set.lat[i]) }
        set.crs = extent.isEmpty ? "EPSG:32641" : UTMZone(for: extent).crsName
        let project = try CoordinateTransformer(from: "EPSG:4326", to: set.crs)
        var flat = [Double](repeating: 0, count: 2 * set.count)
        for i in 0 ..< set.count { flat[2 * i] = set.lon[i]; flat[2 * i + 1] = set.lat[i] }
        if let grid = try InterpolatedProjection(project, extent: extent) { try grid.transform(flat: &flat) } else { try project.transform(flat: &flat) }
        set.x = stride(from: 0, to: flat.count, by: 2).map { flat[$0] }
        set.y = stride(from: 1, to: flat.count, by: 2).map { flat[$0] }
        set.problems = problemOrder.map { problems[$0]! }
        _ = layer
        return set
    }
}

extension AppealSet {
    /// Keeps the appeals whose flag is true, in order.
    mutating func select(_ keep: [Bool]) {
        func pick<T>(_ a: [T]) -> [T] { var out: [T] = []; out.reserveCapacity(a.count); for i in a.indices where keep[i] { out.append(a[i]) }; return out }
        ids = ids.selecting(keep); lon = pick(lon); lat = pick(lat); category = pick(category); created = pick(created)
        closed = pick(closed); statusCode = pick(statusCode); deadlineDays = pick(deadlineDays)
        if x.count == keep.count { x = pick(x); y = pick(y) }
    }

    /// The appeals of one local-time period key, for per-month analyses.
    public func periodKeys(_ period: AppealPeriod) -> [Int] {
        created.map { period.key(local: zone.local($0)) }
    }
}
