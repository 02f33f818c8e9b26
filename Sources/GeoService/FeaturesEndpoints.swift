import GeoCore
import HTTPTypes
import Hummingbird
import Layers

/// Stops a feature scan early (a page is full, the item was found).
private struct StopReading: Error {}

extension ServiceContext {
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

    /// OGC API – Features, Part 1 Core: landing page `/`, `/conformance`, `/collections`,
    /// `/collections/{layer}`, `/collections/{layer}/items` (`bbox`, `limit`, `offset`, with
    /// `next` links) and `/collections/{layer}/items/{id}`, as GeoJSON. Restricted layers
    /// exist only for a key that grants them; for anyone else they are 404 like a layer that
    /// was never there.
    func addFeaturesEndpoints(to router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/") { request, _ -> Response in
            let base = Self.baseURL(request)
            return JSONResponse.value(.object([
                "title": .string("geoctl"),
                "description": .string("City GIS layers and appeal routing: OGC API – Features, MapIt-compatible points, Open311 discovery."),
                "links": .array([
                    Self.link(base + "/", rel: "self", type: "application/json", title: "This document"),
                    Self.link(base + "/openapi.json", rel: "service-desc", type: "application/vnd.oai.openapi+json;version=3.1", title: "The API definition"),
                    Self.link(base + "/conformance", rel: "conformance", type: "application/json", title: "Conformance classes"),
                    Self.link(base + "/collections", rel: "data", type: "application/json", title: "The layers"),
                ]),
            ]))
        }

        router.get("/conformance") { _, _ -> Response in
            JSONResponse.value(.object(["conformsTo": .array([
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            ].map(JSONValue.string))]))
        }

        router.get("/collections") { request, _ -> Response in
            let base = Self.baseURL(request)
            let visible = try keys.access(for: request).visible(try loaded().catalog)
            return JSONResponse.value(.object([
                "links": .array([Self.link(base + "/collections", rel: "self", type: "application/json", title: "The layers")]),
                "collections": .array(visible.map { Self.collection($0, base: base) }),
            ]))
        }

        router.get("/collections/{layer}") { request, context -> Response in
            let info = try visibleLayer(request, context)
            return JSONResponse.value(Self.collection(info, base: Self.baseURL(request)))
        }

        router.get("/collections/{layer}/items") { request, context -> Response in
            let info = try visibleLayer(request, context)
            let query = Query(request)
            let limit = try query.integer("limit", in: 1 ... configuration.maxItemsPerPage) ?? 10
            let offset = try query.integer("offset", in: 0 ... Int(Int32.max)) ?? 0
            var filter = FeatureFilter()
            if let text = query.string("bbox") { filter.bbox = try Self.bbox(text) }
            let page = try store.read { store -> [Feature] in
                var skipped = 0
                var features: [Feature] = []
                do {
                    try store.forEachFeature(of: info.name, filter: filter) { feature in
                        if skipped < offset { skipped += 1; return }
                        features.append(feature)
                        if features.count > limit { throw StopReading() }
                    }
                } catch is StopReading {}
                return features
            }
            let more = page.count > limit
            let features = page.prefix(limit)
            let base = Self.baseURL(request)
            var selfQuery = "limit=\(limit)&offset=\(offset)"
            var nextQuery = "limit=\(limit)&offset=\(offset + limit)"
            if let text = query.string("bbox"), let box = filter.bbox {
                _ = text
                let b = "bbox=\(box.minX),\(box.minY),\(box.maxX),\(box.maxY)"
                selfQuery += "&" + b
                nextQuery += "&" + b
            }
            let itemsURL = base + "/collections/\(Self.escape(info.name))/items"
            var out: [UInt8] = []
            out.reserveCapacity(features.count * 512 + 256)
            out.append(contentsOf: #"{"type":"FeatureCollection","numberReturned":"#.utf8)
            JSONText.appendInteger(Int64(features.count), to: &out)
            out.append(contentsOf: #","links":"#.utf8)
            var links: [JSONValue] = [Self.link(itemsURL + "?" + selfQuery, rel: "self", type: "application/geo+json", title: "This page")]
            if more { links.append(Self.link(itemsURL + "?" + nextQuery, rel: "next", type: "application/geo+json", title: "The next page")) }
            JSONText.append(.array(links), to: &out)
            out.append(contentsOf: #","features":["#.utf8)
            for (i, feature) in features.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendFeature(feature, to: &out)
            }
            out.append(contentsOf: "]}".utf8)
            return JSONResponse.bytes(out, contentType: "application/geo+json")
        }

        router.get("/collections/{layer}/items/{id}") { request, context -> Response in
            let info = try visibleLayer(request, context)
            let id = context.parameters.get("id") ?? ""
            let found = try store.read { store -> Feature? in
                var found: Feature?
                do {
                    try store.forEachFeature(of: info.name, filter: .all) { feature in
                        if feature.id?.description == id { found = feature; throw StopReading() }
                    }
                } catch is StopReading {}
                return found
            }
            guard let found else { throw Problem.notFound("no feature \"\(id.prefix(64))\" in collection \"\(info.name)\"") }
            var out: [UInt8] = []
            Self.appendFeature(found, to: &out, links: [
                Self.link(Self.baseURL(request) + "/collections/\(Self.escape(info.name))/items/\(Self.escape(id))", rel: "self", type: "application/geo+json", title: "This feature"),
                Self.link(Self.baseURL(request) + "/collections/\(Self.escape(info.name))", rel: "collection", type: "application/json", title: "The layer"),
            ])
            return JSONResponse.bytes(out, contentType: "application/geo+json")
        }
    }

    /// The layer named in the path when this request may read it; else 404, the same answer
    /// as for a layer that does not exist.
    func visibleLayer(_ request: Request, _ context: BasicRequestContext) throws -> LayerInfo {
        let name = context.parameters.get("layer") ?? ""
        let access = try keys.access(for: request)
        guard let info = try loaded().catalog.first(where: { $0.name == name }), access.canRead(info) else {
            throw Problem.notFound("no collection \"\(name.prefix(64))\"; see /collections")
        }
        return info
    }

    static func collection(_ info: LayerInfo, base: String) -> JSONValue {
        var o: JSONObject = [
            "id": .string(info.name), "title": .string(info.name),
            "description": .string("\(info.kind.rawValue) layer, \(info.featureCount) features, version \(info.version)"
                + (info.owner.map { "; owner: \($0)" } ?? "")),
            "itemType": .string("feature"),
            "crs": .array([.string(crs84)]),
        ]
        if let e = info.extent {
            o["extent"] = .object(["spatial": .object([
                "bbox": .array([.array([.number(e.minX), .number(e.minY), .number(e.maxX), .number(e.maxY)])]),
                "crs": .string(crs84),
            ])])
        }
        let url = base + "/collections/" + escape(info.name)
        o["links"] = .array([
            link(url, rel: "self", type: "application/json", title: "This layer"),
            link(url + "/items", rel: "items", type: "application/geo+json", title: "Its features"),
        ])
        return .object(o)
    }

    static func appendFeature(_ feature: Feature, to out: inout [UInt8], links: [JSONValue] = []) {
        out.append(contentsOf: #"{"type":"Feature""#.utf8)
        if let id = feature.id {
            out.append(contentsOf: #","id":"#.utf8)
            JSONText.append(id.jsonValue, to: &out)
        }
        out.append(contentsOf: #","geometry":"#.utf8)
        if let g = feature.geometry {
            GeoJSONWriter.appendGeometry(g, options: geometryOptions, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","properties":"#.utf8)
        JSONText.appendObject(feature.properties, to: &out)
        if !links.isEmpty {
            out.append(contentsOf: #","links":"#.utf8)
            JSONText.append(.array(links), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// As `geoctl export` writes geometries: 7 decimals, RFC 7946 winding.
    static let geometryOptions = GeoJSONWriteOptions(precision: 7, rightHandRule: true, featurePerLine: false)

    static func bbox(_ text: String) throws(Problem) -> BoundingBox {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 4, let w = parts[0], let s = parts[1], let e = parts[2], let n = parts[3],
              (-180 ... 180).contains(w), (-180 ... 180).contains(e), (-90 ... 90).contains(s), (-90 ... 90).contains(n),
              s <= n else {
            throw Problem.invalid("bbox", "bbox must be W,S,E,N in degrees (S ≤ N), got \"\(text.prefix(64))\"")
        }
        // A box across the antimeridian (W > E) is read as the whole longitude range.
        return w <= e ? BoundingBox(minX: w, minY: s, maxX: e, maxY: n) : BoundingBox(minX: -180, minY: s, maxX: 180, maxY: n)
    }

    static func link(_ href: String, rel: String, type: String, title: String) -> JSONValue {
        .object(["href": .string(href), "rel": .string(rel), "type": .string(type), "title": .string(title)])
    }

    /// `scheme://host` as the client sees it (the `Host` header; `X-Forwarded-Proto` behind a proxy).
    static func baseURL(_ request: Request) -> String {
        let host = request.head.authority ?? "127.0.0.1"
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https" ? "https" : "http"
        return "\(scheme)://\(host)"
    }

    static func escape(_ segment: String) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded()
            }
        }
        return out
    }
}

private extension String {
    func leftPadded() -> String { count == 1 ? "0" + self : self }
}
