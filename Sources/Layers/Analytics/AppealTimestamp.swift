import Foundation

/// Reads appeal timestamps: ISO 8601 (`2024-03-05T14:23:11+05:00`, `2024-03-05 14:23`,
/// `2024-03-05T09:23:11Z`, a date alone) or a strftime-like layout such as
/// `%m/%d/%Y %I:%M:%S %p`, as US 311 exports write them.
///
/// A timestamp with an offset (`Z`, `+05:00`, `+0500`, `%z`) is honoured; a naive one is
/// read in ``zone``. Results are seconds since 1970-01-01T00:00:00Z.
public struct AppealTimestampParser: Sendable {
    /// The strftime-like layout, or nil for ISO 8601.
    public let layout: String?
    /// The zone for naive timestamps.
    public let zone: AppealTimeZone
    private let directives: [Piece]

    enum Piece: Sendable, Equatable {
        case literal(UInt8)
        case space
        case field(Character)
    }

    /// Fails when the layout holds a directive it does not know.
    public init(layout: String?, zone: AppealTimeZone) throws(AppealAnalyticsError) {
        self.layout = layout
        self.zone = zone
        var pieces: [Piece] = []
        if let layout {
            var bytes = Array(layout.utf8)[...]
            while let b = bytes.popFirst() {
                if b == UInt8(ascii: "%") {
                    guard let d = bytes.popFirst() else { throw .usage("--time-format ends with a lone %") }
                    let c = Character(UnicodeScalar(d))
                    switch c {
                    case "Y", "y", "m", "d", "e", "H", "I", "M", "S", "p", "z", "b", "f", "j": pieces.append(.field(c))
                    case "F": pieces += [.field("Y"), .literal(UInt8(ascii: "-")), .field("m"), .literal(UInt8(ascii: "-")), .field("d")]
                    case "T": pieces += [.field("H"), .literal(UInt8(ascii: ":")), .field("M"), .literal(UInt8(ascii: ":")), .field("S")]
                    case "%": pieces.append(.literal(d))
                    default: throw .usage("--time-format: unknown directive %\(c) (known: %Y %y %m %d %e %j %H %I %M %S %f %p %z %b %F %T %%)")
                    }
                } else if b == UInt8(ascii: " ") {
                    pieces.append(.space)
                } else {
                    pieces.append(.literal(b))
                }
            }
        }
        directives = pieces
    }

    /// Seconds since the epoch, or nil when `text` does not fit the layout or names an
    /// impossible date.
    public func parse(_ text: String) -> Double? {
        var s = text
        return s.withUTF8 { bytes -> Double? in
            guard let (local, offset) = layout == nil ? Self.iso(bytes) : strftime(bytes) else { return nil }
            if let offset { return local - Double(offset) }
            return zone.utc(fromLocal: local)
        }
    }

    // MARK: ISO 8601

    /// Local seconds (as if UTC) and the offset in seconds if the text names one.
    static func iso(_ b: UnsafeBufferPointer<UInt8>) -> (Double, Int?)? {
        if let fast = isoFast(b) { return fast }
        return isoGeneral(b)
    }

    /// Every ISO 8601 form geoctl reads, one byte at a time.
    static func isoGeneral(_ b: UnsafeBufferPointer<UInt8>) -> (Double, Int?)? {
        var i = 0
        let n = b.count
        while i < n, b[i] == 0x20 { i += 1 }
        func digits(_ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var v = 0
            for k in 0 ..< count {
                let d = Int(b[i + k]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            i += count
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < n, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(0x2D), let month = digits(2), expect(0x2D), let day = digits(2) else { return nil }
        var hour = 0, minute = 0, second = 0.0
        var offset: Int?
        if i < n, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 {
            i += 1
            guard let h = digits(2), expect(0x3A), let m = digits(2) else { return nil }
            hour = h; minute = m
            if i < n, b[i] == 0x3A {
                i += 1
                guard let s = digits(2) else { return nil }
                second = Double(s)
                if i < n, b[i] == 0x2E || b[i] == 0x2C {
                    i += 1
                    var scale = 0.1, any = false
                    while i < n, b[i] >= 48, b[i] <= 57 { second += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
                    guard any else { return nil }
                }
            }
            while i < n, b[i] == 0x20 { i += 1 }
            if i < n {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                    i += 1
                    offset = 0
                } else if b[i] == 0x2B || b[i] == 0x2D {
                    let sign = b[i] == 0x2D ? -1 : 1
                    i += 1
                    guard let oh = digits(2) else { return nil }
                    var om = 0
                    if i < n {
                        _ = expect(0x3A)
                        guard let m = digits(2) else { return nil }
                        om = m
                    }
                    guard oh <= 18, om < 60 else { return nil }
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
        }
        while i < n, b[i] == 0x20 { i += 1 }
        guard i == n, let local = CivilTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        return (local, offset)
    }

    /// The layouts nearly every export writes, at fixed positions: `YYYY-MM-DDTHH:MM:SS`
    /// (`T` or a space), then nothing, `Z`, or `±HH:MM`. Nil when the text has another shape or
    /// names an impossible date or offset; ``iso(_:)`` then takes its general path, which
    /// gives the same answer for these layouts and decides everything else.
    @inline(__always)
    static func isoFast(_ b: UnsafeBufferPointer<UInt8>) -> (Double, Int?)? {
        let n = b.count
        guard n == 19 || n == 20 || n == 25, b[4] == 0x2D, b[7] == 0x2D, b[13] == 0x3A, b[16] == 0x3A,
              b[10] == UInt8(ascii: "T") || b[10] == 0x20 else { return nil }
        var bad: UInt8 = 0
        @inline(__always) func d(_ o: Int) -> Int {
            let v = b[o] &- 48
            bad |= v > 9 ? 1 : 0
            return Int(v)
        }
        let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
        let month = d(5) * 10 + d(6), day = d(8) * 10 + d(9)
        let hour = d(11) * 10 + d(12), minute = d(14) * 10 + d(15), second = d(17) * 10 + d(18)
        var offset: Int?
        if n == 20 {
            guard b[19] == UInt8(ascii: "Z") || b[19] == UInt8(ascii: "z") else { return nil }
            offset = 0
        } else if n == 25 {
            guard b[19] == 0x2B || b[19] == 0x2D, b[22] == 0x3A else { return nil }
            let oh = d(20) * 10 + d(21), om = d(23) * 10 + d(24)
            guard oh <= 18, om < 60 else { return nil }
            offset = (b[19] == 0x2D ? -1 : 1) * (oh * 3600 + om * 60)
        }
        guard bad == 0, month >= 1, month <= 12, day >= 1, hour < 24, minute < 60, second < 60,
              day <= CivilTime.daysInMonth(year, month) else { return nil }
        let local = Double(CivilTime.days(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second)
        return (local, offset)
    }

    // MARK: strftime-like

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    func strftime(_ b: UnsafeBufferPointer<UInt8>) -> (Double, Int?)? {
        var i = 0
        let n = b.count
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0.0, yearDay: Int?
        var pm: Bool?
        var offset: Int?
        func number(max count: Int) -> Int? {
            var v = 0, k = 0
            while k < count, i < n, b[i] >= 48, b[i] <= 57 { v = v * 10 + Int(b[i] - 48); i += 1; k += 1 }
            return k == 0 ? nil : v
        }
        for piece in directives {
            switch piece {
            case .space:
                guard i < n, b[i] == 0x20 || b[i] == 0x09 else { return nil }
                while i < n, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            case .literal(let c):
                guard i < n, b[i] == c else { return nil }
                i += 1
            case .field(let f):
                switch f {
                case "Y": guard let v = number(max: 4) else { return nil }; year = v
                case "y": guard let v = number(max: 2) else { return nil }; year = v < 69 ? 2000 + v : 1900 + v
                case "m": guard let v = number(max: 2) else { return nil }; month = v
                case "d": guard let v = number(max: 2) else { return nil }; day = v
                case "e":
                    while i < n, b[i] == 0x20 { i += 1 }
                    guard let v = number(max: 2) else { return nil }; day = v
                case "j": guard let v = number(max: 3) else { return nil }; yearDay = v
                case "H": guard let v = number(max: 2) else { return nil }; hour = v
                case "I": guard let v = number(max: 2), v >= 1, v <= 12 else { return nil }; hour = v
                case "M": guard let v = number(max: 2) else { return nil }; minute = v
                case "S": guard let v = number(max: 2) else { return nil }; second += Double(v)
                case "f":
                    var scale = 0.1, any = false
                    while i < n, b[i] >= 48, b[i] <= 57 { second += Double(b[i] - 48) * scale; scale /= 10; i += 1; any = true }
                    guard any else { return nil }
                case "p":
                    guard i + 1 < n else { return nil }
                    let a = b[i] | 0x20, m = b[i + 1] | 0x20
                    guard m == UInt8(ascii: "m"), a == UInt8(ascii: "a") || a == UInt8(ascii: "p") else { return nil }
                    pm = a == UInt8(ascii: "p")
                    i += 2
                case "b":
                    guard i + 3 <= n else { return nil }
                    let name = String(decoding: [b[i] | 0x20, b[i + 1] | 0x20, b[i + 2] | 0x20], as: UTF8.self)
                    guard let m = Self.months.firstIndex(of: name) else { return nil }
                    month = m + 1
                    i += 3
                    while i < n, (b[i] | 0x20) >= UInt8(ascii: "a"), (b[i] | 0x20) <= UInt8(ascii: "z") { i += 1 }
                case "z":
                    guard i < n else { return nil }
                    if b[i] == UInt8(ascii: "Z") { i += 1; offset = 0; break }
                    guard b[i] == 0x2B || b[i] == 0x2D else { return nil }
                    let sign = b[i] == 0x2D ? -1 : 1
                    i += 1
                    guard let h = number(max: 2) else { return nil }
                    if i < n, b[i] == 0x3A { i += 1 }
                    let m = number(max: 2) ?? 0
                    offset = sign * (h * 3600 + m * 60)
                default: return nil
                }
            }
        }
        guard i == n else { return nil }
        if let pm {
            if hour == 12 { hour = 0 }
            if pm { hour += 12 }
        }
        if let yearDay {
            guard let start = CivilTime.seconds(year: year, month: 1, day: 1, hour: hour, minute: minute, second: second),
                  yearDay >= 1, yearDay <= (CivilTime.isLeap(year) ? 366 : 365) else { return nil }
            return (start + Double(yearDay - 1) * 86400, offset)
        }
        guard let local = CivilTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else { return nil }
        return (local, offset)
    }
}

/// The zone naive timestamps are read in and periods are counted in: a fixed offset or an
/// IANA zone (with its daylight-saving rules, from the system's tz database).
public struct AppealTimeZone: Sendable, CustomStringConvertible {
    /// The name given (`Asia/Yekaterinburg`, `+05:00`, `UTC`).
    public let name: String
    private let fixed: Int?
    private let zone: TimeZone?

    /// `UTC`, `Z`, `+05:00`, `+0500`, `UTC+5`, or an IANA name.
    public init(_ name: String) throws(AppealAnalyticsError) {
        self.name = name
        var text = name
        if text.uppercased() == "UTC" || text == "Z" || text.uppercased() == "GMT" { fixed = 0; zone = nil; return }
        if text.uppercased().hasPrefix("UTC") { text = String(text.dropFirst(3)) }
        if let first = text.first, first == "+" || first == "-" {
            let sign = first == "-" ? -1 : 1
            let body = text.dropFirst()
            let parts = body.split(separator: ":")
            var h: Int?, m = 0
            if parts.count == 2 { h = Int(parts[0]); m = Int(parts[1]) ?? -1 }
            else if body.count == 4 { h = Int(body.prefix(2)); m = Int(body.suffix(2)) ?? -1 }
            else { h = Int(body) }
            guard let h, h <= 18, m >= 0, m < 60 else { throw .usage("--tz \(name): not a zone (try Asia/Yekaterinburg or +05:00)") }
            fixed = sign * (h * 3600 + m * 60)
            zone = nil
            return
        }
        guard let z = TimeZone(identifier: name) else { throw .usage("--tz \(name): unknown time zone (try Asia/Yekaterinburg or +05:00)") }
        fixed = nil
        zone = z
    }

    /// A fixed offset in seconds east of UTC.
    public init(offsetSeconds: Int) {
        let a = abs(offsetSeconds)
        name = (offsetSeconds < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
        fixed = offsetSeconds
        zone = nil
    }

    /// The offset east of UTC at instant `utc`.
    public func offset(atUTC utc: Double) -> Int {
        if let fixed { return fixed }
        return zone!.secondsFromGMT(for: Date(timeIntervalSince1970: utc))
    }

    /// Whether the offset never changes.
    public var isFixed: Bool { fixed != nil }

    /// The instant whose local time here is `local` (seconds as if UTC). In a gap or an
    /// overlap of daylight saving, the offset in force before the change.
    public func utc(fromLocal local: Double) -> Double {
        if let fixed { return local - Double(fixed) }
        let first = offset(atUTC: local)
        let second = offset(atUTC: local - Double(first))
        return local - Double(second)
    }

    /// Local seconds (as if UTC) for an instant.
    public func local(_ utc: Double) -> Double { utc + Double(offset(atUTC: utc)) }

    public var description: String {
        guard let fixed else { return name }
        if fixed == 0 { return "UTC" }
        let a = abs(fixed)
        return "UTC" + (fixed < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
    }
}

/// Proleptic Gregorian calendar arithmetic on seconds (no time zone).
public enum CivilTime {
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Year, month, day of a day number since 1970-01-01.
    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Seconds for a valid date and time, else nil.
    public static func seconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Double) -> Double? {
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month), hour >= 0, hour <= 24,
              minute >= 0, minute < 60, second >= 0, second < 61, hour < 24 || (minute == 0 && second == 0) else { return nil }
        return Double(days(year: year, month: month, day: day)) * 86400 + Double(hour * 3600 + minute * 60) + second
    }

    /// `2024-03-05T14:23:11+05:00` for an instant in a zone.
    public static func iso(_ utc: Double, zone: AppealTimeZone) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(25)
        appendISO(utc, zone: zone, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends ``iso(_:zone:)``'s text: fixed-width digits for years 0…9999 (millions of
    /// members in a duplicates CSV), `String(format:)` otherwise.
    public static func appendISO(_ utc: Double, zone: AppealTimeZone, to out: inout [UInt8]) {
        let offset = zone.offset(atUTC: utc)
        let local = Int((utc + Double(offset)).rounded(.down))
        let d = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let s = local - d * 86400
        let (y, m, day) = civil(days: d)
        let a = abs(offset)
        guard y >= 0, y <= 9999, a / 3600 <= 99 else {
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, m, day, s / 3600, s % 3600 / 60, s % 60)
                + (offset < 0 ? "-" : "+") + String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
            out.append(contentsOf: text.utf8)
            return
        }
        @inline(__always) func two(_ v: Int) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        two(y / 100); two(y % 100)
        out.append(0x2D); two(m); out.append(0x2D); two(day)
        out.append(0x54); two(s / 3600); out.append(0x3A); two(s % 3600 / 60); out.append(0x3A); two(s % 60)
        out.append(offset < 0 ? 0x2D : 0x2B); two(a / 3600); out.append(0x3A); two(a % 3600 / 60)
    }
}
