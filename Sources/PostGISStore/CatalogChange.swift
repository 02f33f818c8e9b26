import GeoCore

/// One change to a PostGIS store's catalog, as sent with `NOTIFY geoctl`.
public struct CatalogChange: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case imported, replaced, updated, dropped
    }

    public var schema: String
    public var layer: String
    /// The layer's catalog version after the change (the last version for a drop).
    public var version: Int
    public var change: Kind

    public init(schema: String, layer: String, version: Int, change: Kind) {
        self.schema = schema
        self.layer = layer
        self.version = version
        self.change = change
    }

    /// The NOTIFY payload: `{"schema":…,"layer":…,"version":…,"change":…}`.
    public var payload: String {
        let object: JSONObject = ["schema": .string(schema), "layer": .string(layer),
                                  "version": .integer(Int64(version)), "change": .string(change.rawValue)]
        var out: [UInt8] = []
        JSONText.appendObject(object, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a payload; nil when it is not one of ours.
    public init?(payload: String) {
        guard case .object(let o)? = try? JSONDocument.parse(payload),
              case .string(let schema)? = o["schema"], case .string(let layer)? = o["layer"],
              case .integer(let version)? = o["version"], case .string(let c)? = o["change"],
              let change = Kind(rawValue: c) else { return nil }
        self.init(schema: schema, layer: layer, version: Int(version), change: change)
    }
}
