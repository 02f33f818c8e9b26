/// What a stream of features holds: counts per geometry kind, extent, property names and
/// types. Built incrementally, so it summarises a file of any size in constant memory.
public struct FeatureSummary: Sendable, Equatable {
    public private(set) var featureCount = 0
    public private(set) var nullGeometryCount = 0
    public private(set) var pointCount = 0
    public private(set) var kinds: [GeometryKind: Int] = [:]
    public private(set) var extent = BoundingBox.empty
    /// Property names in order of first appearance, with the JSON types seen for each.
    public private(set) var properties: [PropertySummary] = []
    private var propertyIndex: [String: Int] = [:]

    public init() {}

    /// The types a property's values had across the features.
    public struct PropertySummary: Sendable, Equatable {
        public var name: String
        public var types: Set<String>
        public var nonNullCount: Int
        /// A few distinct example values as text, for `show` and `inspect`.
        public var samples: [String]
        /// The same examples as the values they were (long strings cut to 60 characters).
        public var sampleValues: [JSONValue] = []
    }

    public mutating func add(_ feature: Feature) {
        featureCount += 1
        if let g = feature.geometry {
            kinds[g.kind, default: 0] += 1
            pointCount += g.pointCount
            if let box = g.boundingBox { extent.extend(box) }
        } else {
            nullGeometryCount += 1
        }
        for member in feature.properties {
            let i: Int
            if let known = propertyIndex[member.key] {
                i = known
            } else {
                i = properties.count
                propertyIndex[member.key] = i
                properties.append(PropertySummary(name: member.key, types: [], nonNullCount: 0, samples: []))
            }
            let type = Self.typeName(member.value)
            properties[i].types.insert(type)
            if member.value != .null {
                properties[i].nonNullCount += 1
                if properties[i].samples.count < 3, let text = member.value.plainText, !properties[i].samples.contains(text) {
                    properties[i].samples.append(String(text.prefix(60)))
                    if case .string(let string) = member.value {
                        properties[i].sampleValues.append(.string(String(string.prefix(60))))
                    } else {
                        properties[i].sampleValues.append(member.value)
                    }
                }
            }
        }
    }

    /// The geometry kinds present, most frequent first, e.g. `Polygon, MultiPolygon`.
    public var kindList: [GeometryKind] {
        kinds.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.rawValue < $1.key.rawValue }.map(\.key)
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
