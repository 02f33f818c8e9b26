import Foundation
import Testing
import GeoCore
import TestSupport
@testable import Layers

@Suite("Works time windows")
struct TimeWindowTests {
    @Test("ISO 8601 date-times read as Foundation reads them, with Z, ±HH:MM, ±HHMM and fractions")
    func dateTimesAgreeWithFoundation() throws {
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SeededRandom(seed: 16)
        for _ in 0 ..< 500 {
            let y = 1990 + Int(rng.next() % 60), m = 1 + Int(rng.next() % 12), d = 1 + Int(rng.next() % 28)
            let h = Int(rng.next() % 24), mi = Int(rng.next() % 60), s = Int(rng.next() % 60)
            let oh = Int(rng.next() % 13), sign = rng.next() % 2 == 0 ? "+" : "-"
            let text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:00", y, m, d, h, mi, s, sign, oh)
            let expected = try #require(foundation.date(from: text)).timeIntervalSince1970
            #expect(try ISOTimestamp.parse(text).get() == expected, "\(text)")
            #expect(try ISOTimestamp.parse(text.replacingOccurrences(of: ":00", with: "00", options: .backwards,
                                                                     range: text.index(text.endIndex, offsetBy: -3) ..< text.endIndex)).get() == expected)
        }
        let frac = "2025-06-10T08:00:00.250Z"
        #expect(try ISOTimestamp.parse(frac).get() == (try #require(fractional.date(from: frac))).timeIntervalSince1970)
        #expect(try ISOTimestamp.parse("2025-06-10 08:00").get() == (try #require(foundation.date(from: "2025-06-10T08:00:00Z"))).timeIntervalSince1970)
        #expect(ISOTimestamp.format(try ISOTimestamp.parse("2025-06-10T08:00:00+05:00").get(), offset: 5 * 3600) == "2025-06-10T08:00:00+05:00")
    }

    @Test("every layout read at fixed positions (date, HH:MM, HH:MM:SS; none, Z, ±HH:MM) agrees with Foundation, and the edges they hand on still read")
    func fixedLayoutsAgreeWithFoundation() throws {
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime]
        var rng = SeededRandom(seed: 61)
        for _ in 0 ..< 500 {
            let y = 1900 + Int(rng.next() % 200), m = 1 + Int(rng.next() % 12), d = 1 + Int(rng.next() % UInt64(CivilTime.daysInMonth(y, m)))
            let h = Int(rng.next() % 24), mi = Int(rng.next() % 60), s = Int(rng.next() % 60)
            let oh = Int(rng.next() % 19), om = Int(rng.next() % 60), sign = rng.next() % 2 == 0 ? "+" : "-"
            let date = String(format: "%04d-%02d-%02d", y, m, d), zone = String(format: "%@%02d:%02d", sign, oh, om)
            let expected = try #require(foundation.date(from: "\(date)T\(String(format: "%02d:%02d:%02d", h, mi, s))\(zone)")).timeIntervalSince1970
            #expect(try ISOTimestamp.parse("\(date)T\(String(format: "%02d:%02d:%02d", h, mi, s))\(zone)").get() == expected)
            let minutes = try #require(foundation.date(from: "\(date)T\(String(format: "%02d:%02d", h, mi)):00Z")).timeIntervalSince1970
            #expect(try ISOTimestamp.parse("\(date)T\(String(format: "%02d:%02d", h, mi))Z").get() == minutes)
            #expect(try ISOTimestamp.parse("\(date)T\(String(format: "%02d:%02d", h, mi))", defaultOffset: 3600).get() == minutes - 3600)
            let midnight = try #require(foundation.date(from: "\(date)T00:00:00Z")).timeIntervalSince1970
            #expect(try ISOTimestamp.parse(date, defaultOffset: -7200).get() == midnight + 7200)
            #expect(try ISOTimestamp.parse(date, date: .endOfDay).get() == midnight + 86_400)
        }
        // Handed on to the general reading, which accepts them.
        #expect(try ISOTimestamp.parse("2025-06-10T24:00").get() == (try ISOTimestamp.parse("2025-06-11T00:00").get()))
        #expect(try ISOTimestamp.parse("2016-12-31T23:59:60Z").get() == 1_483_228_800)
        #expect(try ISOTimestamp.parse("2025-06-10t08:00Z").get() == (try ISOTimestamp.parse("2025-06-10T08:00Z").get()))
        #expect(try ISOTimestamp.parse("2025-06-10T08:00+0500").get() == (try ISOTimestamp.parse("2025-06-10T03:00Z").get()))
        // And refused with the general reading's reasons.
        for bad in ["2025-02-29T08:00Z", "2025-06-10T08:61", "2025-06-10T08:00+19:00", "2025-06-10T08:00:00+05:0x", "2025-06-10X08:00"] {
            guard case .failure(let e) = ISOTimestamp.parse(bad) else {
                Issue.record("\(bad) was accepted")
                continue
            }
            #expect(e.description.contains("\"\(bad)\""))
        }
    }

    @Test("a bare end date includes its whole day; times without an offset take the default one")
    func datesAndOffsets() throws {
        let start = try ISOTimestamp.parse("2025-06-30", date: .startOfDay, defaultOffset: 5 * 3600).get()
        let end = try ISOTimestamp.parse("2025-06-30", date: .endOfDay, defaultOffset: 5 * 3600).get()
        #expect(end - start == 86_400)
        #expect(end == (try ISOTimestamp.parse("2025-07-01T00:00:00+05:00").get()))
        #expect(try ISOTimestamp.parse("2025-06-30T12:00", defaultOffset: 5 * 3600).get() == (try ISOTimestamp.parse("2025-06-30T07:00:00Z").get()))
        #expect(try ISOTimestamp.parse("2024-02-29").get() == (try ISOTimestamp.parse("2024-02-28").get()) + 86_400)
        #expect(ISOTimestamp.offset("+05:00") == 18_000)
        #expect(ISOTimestamp.offset("-0330") == -12_600)
        #expect(ISOTimestamp.offset("05:00") == nil)
    }

    @Test("impossible and malformed dates are refused with the reason", arguments: [
        "2025-13-01", "2025-02-29", "2025-06-31", "2025-06-10T25:00", "2025-06-10T12:60", "10.06.2025", "2025-6-1",
        "2025-06-10T08:00:00+5", "2025-06-10T08", "2025-06-10Tnoon", "", "2025-06-10T08:00:00.Z",
    ])
    func refused(text: String) {
        guard case .failure(let e) = ISOTimestamp.parse(text) else {
            Issue.record("\(text) was accepted")
            return
        }
        #expect(e.description.contains("\"\(text)\""))
    }

    @Test("windows are half-open: one that ends exactly when another starts does not overlap it")
    func halfOpen() throws {
        let a = TimeWindow(start: 0, end: 100), b = TimeWindow(start: 100, end: 200), c = TimeWindow(start: 99.999, end: 150)
        #expect(!a.overlaps(b) && !b.overlaps(a))
        #expect(a.overlaps(c) && c.overlaps(b))
        #expect(a.intersection(c) == TimeWindow(start: 99.999, end: 100))
        #expect(a.contains(0) && !a.contains(100) && b.contains(100))
        #expect(!TimeQuery.at(100).matches(a) && TimeQuery.at(100).matches(b))
        #expect(!TimeQuery.during(b).matches(a))
    }

    @Test("missing, unreadable and reversed dates are reported per feature, naming the feature and the property")
    func problemsPerFeature() throws {
        func f(_ id: Int, _ props: JSONObject) -> Feature { Feature(id: .integer(Int64(id)), geometry: .point(Point(x: 60.73, y: 56.08)), properties: props) }
        let features = [
            f(1, ["start": .string("2025-06-01"), "end": .string("2025-06-10")]),
            f(2, ["start": .string("2025-06-01")]),
            f(3, ["start": .string("2025-06-01"), "end": .string("2025-06-31")]),
            f(4, ["start": .string("2025-06-10"), "end": .string("2025-06-01")]),
            f(5, ["start": .integer(20250601), "end": .string("2025-06-10")]),
            f(6, ["start": .string("2025-06-01"), "end": .null]),
            f(7, ["start": .string("2023-06-01"), "end": .string("2023-08-31"), "guarantee_until": .string("2027-08-31")]),
        ]
        let (windows, problems) = FeatureWindows.read(features, layer: "earthworks", fields: WindowFields(guarantee: "guarantee_until"))
        let september1 = try ISOTimestamp.parse("2027-09-01").get()
        #expect(windows[0].window != nil)
        #expect(windows[6].guaranteed?.end == september1)
        #expect(windows[1 ... 5].allSatisfy { $0.window == nil })
        // Feature 1 lacks a guarantee: a problem too, but its window stands.
        #expect(Set(problems.map { "\($0.feature) \($0.field)" }) == ["1 guarantee_until", "2 end", "3 end", "4 end", "5 start", "6 end"])
        #expect(problems.allSatisfy { $0.description.hasPrefix("earthworks: feature ") })
        #expect(problems.first { $0.feature == "3" }!.message.contains("impossible day 31"))
        #expect(problems.first { $0.feature == "2" }!.message == "missing")
        // Years after the end, when no guarantee property is given.
        let (byYears, none) = FeatureWindows.read([features[6]], layer: "repairs", fields: WindowFields(guaranteeYears: 4))
        #expect(none.isEmpty)
        #expect(byYears[0].guaranteed?.end == (try ISOTimestamp.parse("2027-09-01").get()))
    }
}
