import Foundation
import GeoService
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("POST /route")
struct BatchEndpointTests {
    static let csv = "id,x,y,kind\na,60.72309,56.07966,snow\nb,abc,56,snow\nc,60.72309,56.07966,volcano\nd,200,56,snow\n,,,\ne,60.9,56.3,snow\n"

    @Test("CSV and GeoJSON: POST /route answers byte for byte what geoctl route --input writes")
    func sameAsCLI() async throws {
        let f = try ServiceFixture()
        let input = f.folder + "/in.csv"
        try Self.csv.write(toFile: input, atomically: true, encoding: .utf8)
        let csvOut = f.folder + "/out.csv"
        let cli = try f.geoctl(["route", "--rules", f.rules, "--input", input, "--output", csvOut,
                                "--lon-column", "x", "--lat-column", "y", "--category-column", "kind"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let expectedCSV = try String(contentsOfFile: csvOut, encoding: .utf8)

        let appeals = ServiceFixture.repository.path + "/fixtures/geojson/appeals.geojson"
        let geoOut = f.folder + "/out.geojson"
        let cli2 = try f.geoctl(["route", "--rules", f.rules, "--input", appeals, "--output", geoOut])
        #expect(cli2.status == 0, "\(cli2.stderr)")
        let expectedGeoJSON = try String(contentsOfFile: geoOut, encoding: .utf8)
        let appealsBody = try Data(contentsOf: URL(fileURLWithPath: appeals))

        let server = try f.server()
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/route?lon_column=x&lat_column=y&category_column=kind", method: .post,
                                     headers: [.contentType: "text/csv"], body: ByteBuffer(string: Self.csv)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(r.text == expectedCSV)
                let lines = r.text.split(separator: "\n")
                #expect(lines.count == 7)
                #expect(lines[2].contains(",error,"))
                #expect(lines[6].contains(",ok,"))
            }
            try await client.execute(uri: "/route", method: .post, headers: [.contentType: "application/geo+json"],
                                     body: ByteBuffer(bytes: appealsBody)) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/geo+json")
                #expect(r.text == expectedGeoJSON)
            }
        }
    }

    @Test("a JSON array: rows in input order, bad rows marked, the others routed")
    func jsonArray() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        let body = #"[{"id":"a","lon":60.72309,"lat":56.07966,"category":"snow"},{"id":"b","lon":"x","lat":56,"category":"snow"},"#
            + #"{"id":"c","lon":60.72309,"lat":56.07966,"category":"volcano"},{"id":"d","lon":60.9,"lat":56.3,"category":"snow"}]"#
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/route", method: .post, headers: [.contentType: "application/json", .accept: "text/csv"],
                                     body: ByteBuffer(string: body)) { r in
                #expect(r.status == .ok)
                let lines = r.text.split(separator: "\n").map(String.init)
                #expect(lines.count == 5)
                #expect(lines[1].hasPrefix("1,a,") && lines[1].contains(",ok,УК «Комфорт»,ORG-08,"))
                #expect(lines[2].hasPrefix("2,b,") && lines[2].contains(",error,"))
                #expect(lines[3].hasPrefix("3,c,") && lines[3].contains("unknown category"))
                #expect(lines[4].hasPrefix("4,d,") && lines[4].contains(",ok,"))
            }
            try await client.execute(uri: "/route", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: "{not json")) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/route", method: .post, headers: [.contentType: "application/xml"],
                                     body: ByteBuffer(string: "<a/>")) { r in
                #expect(r.status == .unsupportedMediaType)
            }
        }
    }

    @Test("a CSV quote never closed marks its row, naming the line, instead of passing silently")
    func unclosedQuote() async throws {
        let f = try ServiceFixture()
        let server = try f.server()
        // Row 2's category opens a quote that nothing closes: rows 2 and 3 run together.
        let body = "id,lon,lat,category\na,60.72309,56.07966,snow\nb,60.72309,56.07966,\"snow\nc,60.72309,56.07966,snow\n"
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/route", method: .post, headers: [.contentType: "text/csv"],
                                     body: ByteBuffer(string: body)) { r in
                #expect(r.status == .ok)
                let lines = r.text.split(separator: "\n").map(String.init)
                #expect(lines[1].hasPrefix("1,a,") && lines[1].contains(",ok,"), "\(r.text)")
                // Row 2 holds the rest of the file (quoted in the output) and says why; no row 3.
                #expect(lines[2].hasPrefix("2,b,"))
                #expect(r.text.contains(",error,") && r.text.contains("line 3: a quote opened in this row is never closed"))
                #expect(!lines.contains { $0.hasPrefix("3,") })
            }
        }
    }

    @Test("a body over the documented limit gets 413, and the server keeps serving")
    func sizeLimit() async throws {
        let f = try ServiceFixture()
        let server = try f.server { $0.maxBodyBytes = 1024 }
        let row = #"{"lon":60.72309,"lat":56.07966,"category":"snow"},"#
        let body = "[" + String(repeating: row, count: 100) + row.dropLast() + "]"
        // In-process: over a socket the server may close the connection while the client is
        // still sending, which the test client reports as an error instead of the 413.
        try await server.application.test(.router) { client in
            try await client.execute(uri: "/route", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: body)) { r in
                #expect(r.status == .contentTooLarge)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
        }
    }
}
