/// ISO 8601 dates and date-times, read without Foundation's formatters (which are slow and
/// depend on the locale): `2024-06-11`, `2024-06-11T09:00`, `2024-06-11T09:00:00`,
/// `2024-06-11 09:00:00.5`, each with an optional `Z`, `+05:00` or `+0500`.
public enum ISOTimestamp {
    /// What a bare date stands for.
    public enum DateMeaning: Sendable {
        /// The date's first instant (00:00).
        case startOfDay
        /// The instant after the date ends (the next day's 00:00): an end date written as
        /// a day includes that whole day.
        case endOfDay
    }

    /// Seconds since 1970-01-01T00:00:00Z, or a message saying what is wrong.
    /// Times without an offset, and bare dates, are read at `defaultOffset` seconds east of UTC.
    public static func parse(_ text: String, date meaning: DateMeaning = .startOfDay,
                             defaultOffset: Int = 0) -> Result<Double, TimestampError> {
        // Straight from the string's UTF-8 (no copy for a native string: every feature's
        // dates pass through here).
        if let r = text.utf8.withContiguousStorageIfAvailable({ parse($0, text, meaning, defaultOffset) }) { return r }
        return Array(text.utf8).withUnsafeBufferPointer { parse($0, text, meaning, defaultOffset) }
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>, _ text: String, _ meaning: DateMeaning,
                              _ defaultOffset: Int) -> Result<Double, TimestampError> {
        if let seconds = fixedLayout(b, meaning, defaultOffset) { return .success(seconds) }
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in i ..< i + n {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        var bad: TimestampError { .notISO8601(text) }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return .failure(bad) }
        guard (1 ... 12).contains(month) else { return .failure(.outOfRange(text, "month \(month)")) }
        guard (1 ... CivilTime.daysInMonth(year, month)).contains(day) else { return .failure(.outOfRange(text, "day \(day) of month \(month)")) }
        var seconds = Double(CivilTime.days(year: year, month: month, day: day)) * 86_400
        if i == b.count {
            if meaning == .endOfDay { seconds += 86_400 }
            return .success(seconds - Double(defaultOffset))
        }
        guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return .failure(bad) }   // T, t or a space
        i += 1
        guard let hour = digits(2), expect(58), let minute = digits(2) else { return .failure(bad) }
        var second = 0.0
        if expect(58) {
            guard let s = digits(2) else { return .failure(bad) }
            second = Double(s)
            if expect(46) || expect(44) {   // fraction after . or ,
                var scale = 0.1, any = false
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    second += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return .failure(bad) }
            }
        }
        guard hour <= 24, minute <= 59, second < 61 else { return .failure(.outOfRange(text, "time \(hour):\(minute)")) }
        guard hour < 24 || (minute == 0 && second == 0) else { return .failure(.outOfRange(text, "time \(hour):\(minute)")) }
        seconds += Double(hour * 3600 + minute * 60) + second
        var offset = defaultOffset
        if i < b.count {
            if b[i] == 90 || b[i] == 122 {   // Z
                i += 1
                offset = 0
            } else if b[i] == 43 || b[i] == 45 {   // + or -
                let sign = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return .failure(bad) }
                _ = expect(58)
                guard let om = digits(2) else { return .failure(bad) }
                guard oh <= 18, om <= 59 else { return .failure(.outOfRange(text, "offset")) }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count else { return .failure(bad) }
        return .success(seconds - Double(offset))
    }

    /// The layouts almost every layer writes, read at fixed positions: `YYYY-MM-DD`, then
    /// `THH:MM`, then `:SS`, then `Z` or `±HH:MM`. Nil for anything else, or anything out of
    /// range: the general reading above decides those, with its messages.
    @inline(__always)
    static func fixedLayout(_ b: UnsafeBufferPointer<UInt8>, _ meaning: DateMeaning, _ defaultOffset: Int) -> Double? {
        let n = b.count
        guard n >= 10, let p = b.baseAddress else { return nil }
        var ok = true
        @inline(__always) func two(_ i: Int) -> Int {
            let hi = p[i] &- 48, lo = p[i + 1] &- 48
            ok = ok && hi < 10 && lo < 10
            return Int(hi) * 10 + Int(lo)
        }
        guard p[4] == 45, p[7] == 45 else { return nil }   // -
        let year = two(0) * 100 + two(2), month = two(5), day = two(8)
        guard ok, month >= 1, month <= 12, day >= 1, day <= CivilTime.daysInMonth(year, month) else { return nil }
        var seconds = Double(CivilTime.days(year: year, month: month, day: day)) * 86_400
        if n == 10 {
            if meaning == .endOfDay { seconds += 86_400 }
            return seconds - Double(defaultOffset)
        }
        guard n >= 16, p[10] == 84, p[13] == 58 else { return nil }   // T, :
        let hour = two(11), minute = two(14)
        var end = 16, second = 0
        if n >= 19, p[16] == 58 {
            second = two(17)
            end = 19
        }
        guard ok, hour <= 23, minute <= 59, second <= 59 else { return nil }
        var offset = defaultOffset
        if n == end + 1 {
            guard p[end] == 90 else { return nil }   // Z
            offset = 0
        } else if n == end + 6 {
            guard p[end] == 43 || p[end] == 45, p[end + 3] == 58 else { return nil }   // +, -, :
            let oh = two(end + 1), om = two(end + 4)
            guard ok, oh <= 18, om <= 59 else { return nil }
            offset = (p[end] == 45 ? -1 : 1) * (oh * 3600 + om * 60)
        } else if n != end {
            return nil
        }
        seconds += Double(hour * 3600 + minute * 60) + Double(second)
        return seconds - Double(offset)
    }

    /// `±HH:MM` (or `Z`/`UTC`) as seconds east of UTC.
    public static func offset(_ text: String) -> Int? {
        if text == "Z" || text.uppercased() == "UTC" { return 0 }
        let b = Array(text.utf8)
        guard b.count == 6 || b.count == 5, b[0] == 43 || b[0] == 45 else { return nil }
        let digits = b.dropFirst().filter { $0 != 58 }
        guard digits.count == 4, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let v = digits.map { Int($0 - 48) }
        let h = v[0] * 10 + v[1], m = v[2] * 10 + v[3]
        guard h <= 18, m <= 59 else { return nil }
        return (b[0] == 45 ? -1 : 1) * (h * 3600 + m * 60)
    }

    /// `2024-06-11T09:00:00Z` style text for seconds since the epoch, at `offset` seconds
    /// east of UTC (written as `+05:00`, or `Z` for 0). Infinite values are `-∞`/`∞`.
    public static func format(_ seconds: Double, offset: Int = 0) -> String {
        guard seconds.isFinite else { return seconds < 0 ? "-∞" : "∞" }
        let local = Int((seconds + Double(offset)).rounded(.down))
        var days = local / 86_400, rest = local % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = CivilTime.civil(days: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let zone: String
        if offset == 0 { zone = "Z" } else {
            let a = abs(offset)
            zone = (offset < 0 ? "-" : "+") + two(a / 3600) + ":" + two(a % 3600 / 60)
        }
        let year = String(y)
        return "\(String(repeating: "0", count: max(0, 4 - year.count)) + year)-\(two(m))-\(two(d))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))\(zone)"
    }

}

/// Why a timestamp could not be read.
public enum TimestampError: Error, Sendable, Hashable, CustomStringConvertible {
    case notISO8601(String)
    case outOfRange(String, String)

    public var description: String {
        switch self {
        case .notISO8601(let t): "\"\(t)\" is not an ISO 8601 date or date-time (2024-06-11 or 2024-06-11T09:00:00+05:00)"
        case .outOfRange(let t, let what): "\"\(t)\" has an impossible \(what)"
        }
    }
}
