import Foundation
import Testing
@testable import GeoService

/// The fast path's reading of `/route?…` targets, piece by piece (the whole answers are
/// compared with Hummingbird's in `RouteFastPathTests`).
@Suite("Route query reader")
struct RouteQueryTests {
    @Test("the query-byte masks hold exactly RFC 3986's query characters less +")
    func queryBytes() {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*,;=:@/?".utf8)
        for b in 0 ... 255 {
            #expect(RouteQuery.queryByteBit(UInt8(b)) == (allowed.contains(UInt8(b)) ? 1 : 0), "byte \(b)")
        }
    }

    @Test("short decimals read exactly as Double(String) reads them; anything else is left to it")
    func shortDecimals() {
        var generator = SystemRandomNumberGenerator()
        func read(_ text: String) -> Double? {
            Array(text.utf8).withUnsafeBufferPointer { RouteQuery.shortDecimal($0) }
        }
        for _ in 0 ..< 200_000 {
            let digits = Int.random(in: 1 ... 15, using: &generator)
            var text = String((0 ..< digits).map { _ in Character(String(Int.random(in: 0 ... 9, using: &generator))) })
            let point = Int.random(in: 0 ... digits, using: &generator)
            if point > 0 && point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
            if Bool.random(using: &generator) { text = "-" + text }
            let fast = read(text)
            #expect(fast != nil, "\(text)")
            #expect(fast?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for text in ["60.72309", "-0", "-0.0", "0060.7230900", "56.079660000001", "0.0000000000001"] {
            #expect(read(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        // Sixteen digits or more, exponents, a bare or leading point, signs alone: not read here.
        for text in ["60.72309000000001", "6.072309e1", "60.", ".5", "-", "+1", "1-2", "0x1p3", "inf", "nan", "1..2"] {
            #expect(read(text) == nil, "\(text)")
        }
    }

    @Test("the three parameters read; duplicates, a missing one or a bad escape refuse")
    func targets() {
        var query = RouteQuery()
        func read(_ target: String) -> Bool { query.read(target: target) }
        #expect(read("/route?x=1&lat=56.5&category=%D0%A1%D0%BD%D0%B5%D0%B3&lon=60.25"))
        #expect(query.lon == 60.25 && query.lat == 56.5)
        #expect(String(decoding: query.category, as: UTF8.self) == "Снег")
        #expect(read("/route?lon=6%30.5&lat=56&category=a"))
        #expect(query.lon == 60.5)
        #expect(read("/route?lon=60.723090000000001&lat=56&category=a"))
        #expect(query.lon == Double("60.723090000000001"))
        for bad in ["/route?lon=1&lat=2", "/route?lon=1&lat=2&category=a&lat=3", "/route?lon=1&lat=2&category=%zz",
                    "/route?lon=1&lat=2&category=a+b", "/route?lon=1&lat=2&category=a%", "/routes?lon=1&lat=2&category=a",
                    "/route?lon&lat=2&category=a", "/route?lon=x&lat=2&category=a", "/route?lon=1&lat=2&category=\u{7F}"] {
            #expect(!read(bad), "\(bad)")
        }
    }
}
