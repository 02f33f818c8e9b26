import GeoCore

/// Learns, from the features of a layer, which properties get a typed column and which type.
///
/// A property whose non-null values are all integers gets an INTEGER column; integers mixed
/// with other numbers, REAL; all strings, TEXT; all booleans, BOOLEAN (1/0). Anything mixed,
/// or arrays and objects, gets a TEXT column with the value's text. The full JSON of every
/// feature is kept beside the columns, so nothing is lost either way.
struct PropertySchema {
    /// The store's own columns: properties of these names get a suffixed column.
    static let reservedColumns: Set<String> = ["fid", "feature_id", "geoctl_kind", "properties", "geom"]
    /// Beyond this many properties, the rest live only in the JSON column.
    static let maxColumns = 500

    private struct Seen: OptionSet {
        let rawValue: UInt8
        static let integer = Seen(rawValue: 1)
        static let number = Seen(rawValue: 2)
        static let string = Seen(rawValue: 4)
        static let bool = Seen(rawValue: 8)
        static let other = Seen(rawValue: 16)
    }

    private var order: [String] = []
    private var seen: [String: Seen] = [:]

    mutating func add(_ properties: JSONObject) {
        for member in properties {
            let flag: Seen
            switch member.value {
            case .null: flag = []
            case .integer: flag = .integer
            case .number: flag = .number
            case .string: flag = .string
            case .bool: flag = .bool
            case .array, .object: flag = .other
            }
            if let current = seen[member.key] {
                if !current.contains(flag) { seen[member.key] = current.union(flag) }
            } else {
                order.append(member.key)
                seen[member.key] = flag
            }
        }
    }

    /// Number of properties that did not get a column.
    var overflow: Int { max(0, order.count - Self.maxColumns) }

    /// The typed columns, in order of first appearance, with clash-free column names.
    func columns() -> [PropertyColumn] {
        var taken = Self.reservedColumns
        var result: [PropertyColumn] = []
        for property in order.prefix(Self.maxColumns) {
            let s = seen[property] ?? []
            let type: ColumnType
            switch s {
            case .integer: type = .integer
            case .number, [.integer, .number]: type = .real
            case .bool: type = .boolean
            default: type = .text
            }
            var base = property.isEmpty ? "field" : property
            if base.count > 120 { base = String(base.prefix(120)) }
            var name = base
            var n = 2
            while taken.contains(name.lowercased()) {
                name = "\(base)_\(n)"
                n += 1
            }
            taken.insert(name.lowercased())
            result.append(PropertyColumn(property: property, column: name, type: type))
        }
        return result
    }
}
