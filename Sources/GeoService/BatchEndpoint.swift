import GeoCore
import Hummingbird
import Layers
import NIOCore

extension ServiceContext {
    /// `POST /route` for batches: a JSON array of `{"lon", "lat", "category", "id"?}` objects
    /// (Content-Type `application/json`). The answer is a JSON array with one row per input
    /// element, in input order; a bad element gets `"status": "error"` and a message, and
    /// never fails the others. Bodies over ``ServiceConfiguration/maxBodyBytes`` get 413, more
    /// than ``ServiceConfiguration/maxBatchRows`` rows 413 too.
    func addBatchEndpoint(to router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/route") { request, _ -> Response in
            let contentType = request.headers[.contentType]?.lowercased() ?? "application/json"
            guard contentType.hasPrefix("application/json") else {
                throw Problem(.unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type",
                              detail: "POST /route takes application/json (an array of {lon, lat, category, id})")
            }
            let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            let loaded = try loaded()
            let document: JSONValue
            do {
                document = try body.withUnsafeReadableBytes { try JSONDocument.parse($0, source: "request body") }
            } catch let error as GeoJSONError {
                throw Problem(.badRequest, type: "invalid-body", title: "Invalid body",
                              detail: "the body is not JSON: \(error.reason) (line \(error.line), column \(error.column))")
            }
            guard case .array(let items) = document else {
                throw Problem(.badRequest, type: "invalid-body", title: "Invalid body", detail: "the body must be a JSON array of appeals")
            }
            guard items.count <= configuration.maxBatchRows else {
                throw Problem(.contentTooLarge, type: "too-many-rows", title: "Too many rows",
                              detail: "\(items.count) rows; at most \(configuration.maxBatchRows) per request")
            }
            let out = BatchRows.route(items, router: loaded.router)
            return JSONResponse.bytes(out)
        }
    }
}

/// Routes a JSON batch and writes the answer rows.
enum BatchRows {
    struct Row {
        var id: JSONValue = .null
        var lon = Double.nan
        var lat = Double.nan
        var category = ""
        var categoryIndex = -1
        var error: String?
    }

    static func route(_ items: [JSONValue], router: Layers.Router) -> [UInt8] {
        var rows: [Row] = []
        rows.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            var row = Row()
            guard case .object(let o) = item else {
                row.error = "element \(i) is not an object"
                rows.append(row)
                continue
            }
            row.id = o["id"] ?? .null
            if case .string(let c)? = o["category"] { row.category = c }
            if let x = o["lon"]?.doubleValue, let y = o["lat"]?.doubleValue, x.isFinite, y.isFinite {
                row.lon = x
                row.lat = y
                if !(-180 ... 180).contains(x) || !(-90 ... 90).contains(y) {
                    row.error = "invalid coordinates lon \(x), lat \(y): need -180…180 and -90…90"
                }
            } else {
                row.error = "element \(i): lon and lat must be numbers"
            }
            if row.error == nil {
                if let c = router.categoryIndex(of: row.category) {
                    row.categoryIndex = c
                } else {
                    row.error = "unknown category \"\(row.category)\""
                }
            }
            rows.append(row)
        }
        let results = router.route(x: rows.map { $0.error == nil ? $0.lon : 0 }, y: rows.map { $0.error == nil ? $0.lat : 0 },
                                   categories: rows.map { $0.error == nil ? $0.categoryIndex : -1 }, threads: 2)
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 200 + 2)
        out.append(UInt8(ascii: "["))
        for (i, row) in rows.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let r = results[i]
            out.append(contentsOf: #"{"row":"#.utf8)
            JSONText.appendInteger(Int64(i + 1), to: &out)
            out.append(contentsOf: #","id":"#.utf8)
            JSONText.append(row.id, to: &out)
            out.append(contentsOf: #","category":"#.utf8)
            JSONText.appendString(row.category, to: &out)
            if let error = row.error ?? (r.flags.contains(.invalidInput) ? "category \"\(row.category)\" cannot be routed now" : nil) {
                out.append(contentsOf: #","status":"error","error":"#.utf8)
                JSONText.appendString(error, to: &out)
                out.append(UInt8(ascii: "}"))
                continue
            }
            out.append(contentsOf: #","lon":"#.utf8)
            JSONText.append(.number(row.lon), to: &out)
            out.append(contentsOf: #","lat":"#.utf8)
            JSONText.append(.number(row.lat), to: &out)
            guard r.organisation >= 0 else {
                out.append(contentsOf: #","status":"unrouted","flags":"#.utf8)
                JSONText.append(.array(r.flags.names.map(JSONValue.string)), to: &out)
                out.append(UInt8(ascii: "}"))
                continue
            }
            let org = router.organisations[Int(r.organisation)]
            let category = router.rules.categories[row.categoryIndex]
            out.append(contentsOf: #","status":"ok","organisation":"#.utf8)
            JSONText.appendString(org.name, to: &out)
            out.append(contentsOf: #","organisation_id":"#.utf8)
            JSONText.append(org.id.map(JSONValue.string) ?? .null, to: &out)
            out.append(contentsOf: #","deadline_days":"#.utf8)
            JSONText.appendInteger(Int64(category.deadlineDays), to: &out)
            out.append(contentsOf: #","rule":"#.utf8)
            JSONText.append(r.strategy >= 0 ? .string(category.strategies[Int(r.strategy)].description) : .null, to: &out)
            out.append(contentsOf: #","layer":"#.utf8)
            JSONText.append(router.layerName(of: r).map(JSONValue.string) ?? .null, to: &out)
            out.append(contentsOf: #","feature_id":"#.utf8)
            JSONText.append(router.featureID(of: r).map(JSONValue.string) ?? .null, to: &out)
            out.append(contentsOf: #","distance_m":"#.utf8)
            JSONText.append(r.metres.map { .number(($0 * 100).rounded() / 100) } ?? .null, to: &out)
            out.append(contentsOf: #","flags":"#.utf8)
            JSONText.append(.array(r.flags.names.map(JSONValue.string)), to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
