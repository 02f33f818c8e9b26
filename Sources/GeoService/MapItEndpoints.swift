import GeoCore
import Hummingbird
import Layers

extension ServiceContext {
    /// MapIt-compatible `GET /point/4326/{lon},{lat}` (optionally ending `.json`, optional
    /// `?type=A,B` to keep only those area types): every polygon feature covering the point,
    /// as MapIt answers it, a JSON object keyed by area id, each area with `id`, `name`,
    /// `type`, `type_name`, `country`, `country_name`, `parent_area`, `generation_low`,
    /// `generation_high`, `codes` and `all_names`.
    ///
    /// geoctl's areas are features of polygon layers: `type` is the layer's name, `type_name`
    /// its kind, `name` the feature's `name` property (else layer and feature id), the
    /// generations the layer's catalog version, and `codes.geoctl` is `layer/feature_id`.
    /// `id` is a stable number derived from that code (FNV-1a, 53 bits), the same across
    /// reloads and replicas, as MapIt's ids are integers.
    func addMapItEndpoints(to router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/point/4326/{coordinates}") { request, context -> Response in
            var text = context.parameters.get("coordinates") ?? ""
            if text.hasSuffix(".json") { text.removeLast(5) }
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw Problem.invalid("coordinates", "expected /point/4326/LON,LAT, got \"\(text.prefix(64))\"")
            }
            guard let lon = Double(parts[0]), lon.isFinite, (-180 ... 180).contains(lon) else {
                throw Problem.outOfRange("lon", value: String(parts[0].prefix(64)), range: "-180…180")
            }
            guard let lat = Double(parts[1]), lat.isFinite, (-90 ... 90).contains(lat) else {
                throw Problem.outOfRange("lat", value: String(parts[1].prefix(64)), range: "-90…90")
            }
            let types = Query(request).string("type").map { Set($0.split(separator: ",").map(String.init)) }
            let access = try keys.access(for: request)
            let catalog = try loaded().catalog
            let report = try place(lon: lon, lat: lat, within: 0, access: access)
            var areas: [JSONObject.Member] = []
            for covering in report.coverings {
                if let types, !types.contains(covering.layer) { continue }
                let info = catalog.first { $0.name == covering.layer }
                let code = "\(covering.layer)/\(covering.featureID)"
                let id = Self.areaID(code)
                let name = covering.properties["name"]?.plainText ?? "\(covering.layer) \(covering.featureID)"
                let generation = JSONValue.integer(Int64(info?.version ?? 1))
                let area: JSONObject = [
                    "id": .integer(id), "name": .string(name), "type": .string(covering.layer),
                    "type_name": .string(covering.kind.rawValue), "country": .string(""), "country_name": .string("-"),
                    "parent_area": .null, "generation_low": generation, "generation_high": generation,
                    "codes": .object(["geoctl": .string(code)]), "all_names": .object([:]),
                ]
                areas.append(JSONObject.Member(key: String(id), value: .object(area)))
            }
            return JSONResponse.value(.object(JSONObject(members: areas)))
        }
    }

    /// A stable positive integer for an area code: FNV-1a, kept to 53 bits so JavaScript reads it exactly.
    static func areaID(_ code: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in code.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(hash & ((1 << 53) - 1))
    }
}
