import Foundation
import Testing
@testable import Layers

@Suite("Appeal timestamps and periods")
struct AppealTimeTests {
    static var iso: ISO8601DateFormatter { ISO8601DateFormatter() }

    @Test("ISO 8601 with offsets and Z agrees with Foundation's ISO8601DateFormatter; naive ones take the zone")
    func isoTimestamps() throws {
        let utc = try AppealTimestampParser(layout: nil, zone: AppealTimeZone("UTC"))
        for text in ["2024-03-05T14:23:11+05:00", "2024-03-05T09:23:11Z", "2024-12-31T23:59:59-03:30", "2024-02-29T00:00:00+0000",
                     "1999-12-31T23:00:00+14:00"] {
            let expected = try #require(Self.iso.date(from: text.replacingOccurrences(of: "+0000", with: "+00:00")))
            #expect(utc.parse(text) == expected.timeIntervalSince1970, "\(text)")
        }
        #expect(utc.parse("2024-03-05 14:23") == Self.iso.date(from: "2024-03-05T14:23:00Z")!.timeIntervalSince1970)
        #expect(utc.parse("2024-03-05T14:23:11.250Z") == Self.iso.date(from: "2024-03-05T14:23:11Z")!.timeIntervalSince1970 + 0.25)
        #expect(utc.parse("2024-03-05") == Self.iso.date(from: "2024-03-05T00:00:00Z")!.timeIntervalSince1970)
        let yekaterinburg = try AppealTimestampParser(layout: nil, zone: AppealTimeZone("Asia/Yekaterinburg"))
        #expect(yekaterinburg.parse("2024-03-05T14:23:11") == utc.parse("2024-03-05T09:23:11Z"))
        // An offset in the text wins over the zone.
        #expect(yekaterinburg.parse("2024-03-05T14:23:11+03:00") == utc.parse("2024-03-05T11:23:11Z"))
        for bad in ["2024-02-30T10:00:00Z", "2023-02-29", "2024-13-01", "2024-03-05T25:00", "05.03.2024", "2024-03-05T14:23:11+05:00 x", ""] {
            #expect(utc.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("a naive time in a zone with daylight saving matches Foundation's calendar in that zone, every hour of 2024")
    func daylightSaving() throws {
        for name in ["America/New_York", "Europe/Berlin", "Asia/Yekaterinburg"] {
            let zone = try AppealTimeZone(name)
            let parser = try AppealTimestampParser(layout: nil, zone: zone)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: name)!
            let start = Self.iso.date(from: "2024-01-01T00:30:00Z")!
            for h in stride(from: 0, to: 366 * 24, by: 1) {
                let instant = start.addingTimeInterval(Double(h) * 3600)
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
                let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
                let parsed = try #require(parser.parse(text))
                // In the repeated hour of autumn the earlier offset is taken: one hour off the second pass.
                #expect(parsed == instant.timeIntervalSince1970 || abs(parsed - instant.timeIntervalSince1970) == 3600, "\(name) \(text)")
                #expect(CivilTime.iso(instant.timeIntervalSince1970, zone: zone).hasPrefix(text), "\(name) \(text)")
            }
        }
    }

    @Test("strftime-like layouts: US 311 exports, two-digit years, month names, %z")
    func layouts() throws {
        let utc = try AppealTimestampParser(layout: nil, zone: AppealTimeZone("UTC"))
        let us = try AppealTimestampParser(layout: "%m/%d/%Y %I:%M:%S %p", zone: AppealTimeZone("UTC"))
        #expect(us.parse("03/05/2024 02:23:11 PM") == utc.parse("2024-03-05T14:23:11Z"))
        #expect(us.parse("03/05/2024 12:05:00 AM") == utc.parse("2024-03-05T00:05:00Z"))
        #expect(us.parse("03/05/2024 12:05:00 PM") == utc.parse("2024-03-05T12:05:00Z"))
        #expect(us.parse("3/5/2024 2:23:11 pm") == utc.parse("2024-03-05T14:23:11Z"))
        #expect(us.parse("2024-03-05T14:23:11Z") == nil)
        #expect(us.parse("03/05/2024 13:23:11 PM") == nil)
        let ru = try AppealTimestampParser(layout: "%d.%m.%y %H:%M %z", zone: AppealTimeZone("UTC"))
        #expect(ru.parse("05.03.24 14:23 +0500") == utc.parse("2024-03-05T09:23:00Z"))
        let named = try AppealTimestampParser(layout: "%d %b %Y", zone: AppealTimeZone("+05:00"))
        #expect(named.parse("05 March 2024") == utc.parse("2024-03-04T19:00:00Z"))
        #expect(throws: AppealAnalyticsError.self) { _ = try AppealTimestampParser(layout: "%Q", zone: AppealTimeZone("UTC")) }
        #expect(throws: AppealAnalyticsError.self) { _ = try AppealTimeZone("Mars/Olympus") }
    }

    @Test("period labels: ISO weeks, months, quarters and days agree with Foundation's ISO 8601 calendar for 2015-2030")
    func periods() throws {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let first = CivilTime.days(year: 2015, month: 1, day: 1), last = CivilTime.days(year: 2030, month: 12, day: 31)
        var previous: [AppealPeriod: Int] = [:]
        for d in first ... last {
            let local = Double(d) * 86400 + 43200
            let date = Date(timeIntervalSince1970: local)
            let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear, .year, .month, .day], from: date)
            #expect(AppealPeriod.week.label(local: local) == String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!))
            #expect(AppealPeriod.day.label(local: local) == String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!))
            #expect(AppealPeriod.month.label(local: local) == String(format: "%04d-%02d", c.year!, c.month!))
            #expect(AppealPeriod.quarter.label(local: local) == "\(c.year!)-Q\((c.month! - 1) / 3 + 1)")
            // Keys step by one from period to period.
            for p in AppealPeriod.allCases {
                let k = p.key(local: local)
                if let before = previous[p] { #expect(k == before || k == before + 1) }
                previous[p] = k
            }
        }
    }
}
