import GeoCore

/// Where a works, outage or repair layer keeps its dates, and how to read them.
public struct WindowFields: Sendable, Hashable {
    /// The property holding the start (ISO 8601 date or date-time).
    public var start: String
    /// The property holding the end; a bare date means the end of that day.
    public var end: String
    /// For repairs: the property holding the end of the guarantee period.
    public var guarantee: String?
    /// For repairs without (or besides) a guarantee property: years after the end.
    public var guaranteeYears: Int?
    /// Seconds east of UTC for date-times written without an offset, and for bare dates.
    public var defaultOffset: Int

    public init(start: String = "start", end: String = "end", guarantee: String? = nil, guaranteeYears: Int? = nil,
                defaultOffset: Int = 0) {
        self.start = start
        self.end = end
        self.guarantee = guarantee
        self.guaranteeYears = guaranteeYears
        self.defaultOffset = defaultOffset
    }
}

/// One feature's time window, or why it has none.
public struct FeatureWindow: Sendable, Hashable {
    /// The feature's window, nil when a date is missing or bad.
    public var window: TimeWindow?
    /// For repairs: from the repair's start to the end of its guarantee.
    public var guaranteed: TimeWindow?
}

/// A feature whose dates could not be read: the feature, the property and what is wrong.
public struct DateProblem: Sendable, Hashable, CustomStringConvertible {
    public var layer: String
    /// The feature's index in the layer.
    public var index: Int
    /// The feature's id (or its 1-based number when it has none).
    public var feature: String
    public var field: String
    public var message: String

    public var description: String { "\(layer): feature \(feature): \(field): \(message)" }
}

/// Reading every feature's window.
public enum FeatureWindows {
    /// The windows of `features`, with a problem for each missing, unreadable or reversed
    /// date (in feature order), on every core.
    public static func read(_ features: [Feature], layer: String, fields: WindowFields) -> (windows: [FeatureWindow], problems: [DateProblem]) {
        let r = read(features, layer: layer, fields: fields, boxes: false)
        return (r.windows, r.problems)
    }

    /// The same, and with `boxes` every feature's lon/lat box (``BoundingBox/farAwayBox`` for
    /// none) in the same pass over the features: one pass on both cores, not two.
    static func read(_ features: [Feature], layer: String, fields: WindowFields, boxes: Bool)
        -> (windows: [FeatureWindow], problems: [DateProblem], boxes: [BoundingBox]) {
        struct Chunk: Sendable { var windows: [FeatureWindow] = []; var problems: [DateProblem] = []; var boxes: [BoundingBox] = [] }
        // parallelMap only rethrows: this body never throws. A few chunks per core, features read in place.
        let chunks = BorrowedElements.with(features) { f in
            (try? parallelMap(features.count, minimumForTwo: 4096, slicesPerWorker: 4) { range -> [Chunk] in
                var chunk = Chunk()
                chunk.windows.reserveCapacity(range.count)
                if boxes { chunk.boxes.reserveCapacity(range.count) }
                // Where the previous feature kept its dates: a layer's features mostly share one order.
                var hints = PropertyHints()
                // Start and end only (no guarantee): first the dates copied out where the
                // previous feature had them, in the usual layouts; the general reading for the rest.
                let plain = fields.guarantee == nil && fields.guaranteeYears == nil
                var startText = DateText(), endText = DateText()
                let ahead = 8
                for i in range {
                    if boxes && i + ahead < range.upperBound { CacheHint.coordinates(f[i + ahead].geometry) }
                    if plain, startText.copy(f[i].properties, fields.start, at: hints.start),
                       endText.copy(f[i].properties, fields.end, at: hints.end),
                       let start = startText.seconds(.startOfDay, fields.defaultOffset),
                       let end = endText.seconds(.endOfDay, fields.defaultOffset), end > start {
                        chunk.windows.append(FeatureWindow(window: TimeWindow(start: start, end: end)))
                    } else {
                        chunk.windows.append(read(f[i], index: i, layer: layer, fields: fields, problems: &chunk.problems, hints: &hints))
                    }
                    if boxes { chunk.boxes.append(f[i].geometry.flatBoundingBox ?? .farAwayBox) }
                }
                return [chunk]
            }) ?? []
        }
        if chunks.count == 1 { return (chunks[0].windows, chunks[0].problems, chunks[0].boxes) }
        return (chunks.flatMap(\.windows), chunks.flatMap(\.problems), chunks.flatMap(\.boxes))
    }

    /// Positions of the start, end and guarantee properties in the previous feature's properties.
    struct PropertyHints {
        var start = 0, end = 0, guarantee = 0
    }

    /// One feature's window; its problems appended to `problems`.
    static func read(_ f: Feature, index i: Int, layer: String, fields: WindowFields, problems: inout [DateProblem],
                     hints: inout PropertyHints) -> FeatureWindow {
        func problem(_ field: String, _ message: String) {
            problems.append(DateProblem(layer: layer, index: i, feature: f.id?.description ?? String(i + 1), field: field, message: message))
        }
        func value(_ field: String, _ meaning: ISOTimestamp.DateMeaning, _ hint: inout Int) -> Double? {
            guard let v = f.properties.value(field, hint: &hint), !v.isNull else {
                problem(field, "missing")
                return nil
            }
            guard let text = v.stringValue, !text.isEmpty else {
                problem(field, "\(v.compactText) is not an ISO 8601 date or date-time")
                return nil
            }
            switch ISOTimestamp.parse(text.trimmingSpaces, date: meaning, defaultOffset: fields.defaultOffset) {
            case .success(let s): return s
            case .failure(let e): problem(field, e.description); return nil
            }
        }
        let start = value(fields.start, .startOfDay, &hints.start)
        let end = value(fields.end, .endOfDay, &hints.end)
        var result = FeatureWindow()
        if let start, let end {
            if end <= start {
                problem(fields.end, "ends (\(ISOTimestamp.format(end, offset: fields.defaultOffset))) no later than it starts (\(ISOTimestamp.format(start, offset: fields.defaultOffset)))")
            } else {
                result.window = TimeWindow(start: start, end: end)
            }
        }
        if let window = result.window, fields.guarantee != nil || fields.guaranteeYears != nil {
            var until: Double?
            if let g = fields.guarantee, f.properties[g] != nil || fields.guaranteeYears == nil {
                until = value(g, .endOfDay, &hints.guarantee)
            } else if let years = fields.guaranteeYears {
                until = addingYears(years, to: window.end, offset: fields.defaultOffset)
            }
            if let until {
                if until < window.end {
                    problem(fields.guarantee ?? "guarantee", "guarantee ends (\(ISOTimestamp.format(until, offset: fields.defaultOffset))) before the repair does")
                } else {
                    result.guaranteed = TimeWindow(start: window.start, end: until)
                }
            }
        }
        return result
    }

    /// The same local date and time `years` later (29 February becomes 28 February).
    static func addingYears(_ years: Int, to seconds: Double, offset: Int) -> Double {
        let local = seconds + Double(offset)
        let days = Int((local / 86_400).rounded(.down))
        let rest = local - Double(days) * 86_400
        let (y, m, d) = CivilTime.civil(days: days)
        let day = min(d, CivilTime.daysInMonth(y + years, m))
        return Double(CivilTime.days(year: y + years, month: m, day: day)) * 86_400 + rest - Double(offset)
    }
}

extension JSONObject {
    /// The value of member `key`, looked for first at position `hint` (where the previous
    /// feature of the layer had it), which it then updates.
    @inline(__always)
    func value(_ key: String, hint: inout Int) -> JSONValue? {
        let m = members
        if hint < m.count, m[hint].key == key { return m[hint].value }
        guard let i = m.firstIndex(where: { $0.key == key }) else { return nil }
        hint = i
        return m[i].value
    }
}

extension JSONValue {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension String {
    var trimmingSpaces: String {
        // Almost every date has no space around it: no copy then.
        guard utf8.first == 32 || utf8.last == 32 else { return self }
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
