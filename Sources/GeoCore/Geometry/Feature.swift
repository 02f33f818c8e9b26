/// A GeoJSON feature identifier: RFC 7946 allows a string or a number.
public enum FeatureID: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case number(Double)

    public var description: String {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number(let n): JSONValue.number(n).compactText
        }
    }

    /// The identifier as a JSON value (a string or a number).
    public var jsonValue: JSONValue {
        switch self {
        case .string(let s): .string(s)
        case .integer(let i): .integer(i)
        case .number(let n): .number(n)
        }
    }
}

/// A geometry with an identifier and properties, as read from or written to GeoJSON.
public struct Feature: Sendable, Hashable {
    public var id: FeatureID?
    /// `nil` for an unlocated feature (`"geometry": null`).
    public var geometry: Geometry?
    /// The `properties` object in file order; empty when the file had `null` or none.
    public var properties: JSONObject

    public init(id: FeatureID? = nil, geometry: Geometry?, properties: JSONObject = [:]) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }
}
