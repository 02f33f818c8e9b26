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

    /// Property names in order of first appearance, what their values were, and where each
    /// name stands in `order`.
    private var order: [String] = []
    /// The names' UTF-8 bytes, for records compared byte by byte (``add(_:)-recorded``).
    private var orderUTF8: [[UInt8]] = []
    private var seen: [Seen] = []
    private var position: [String: Int] = [:]

    mutating func add(_ properties: JSONObject) {
        // Features usually list their properties in the same order: each member is first
        // compared with the name after the previous one, and only looked up when it differs.
        var next = 0
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
            let k: Int
            if next < order.count && order[next] == member.key {
                k = next
            } else if let known = position[member.key] {
                k = known
            } else {
                k = order.count
                order.append(member.key)
                orderUTF8.append(Array(member.key.utf8))
                seen.append(flag)
                position[member.key] = k
                next = k + 1
                continue
            }
            if !seen[k].contains(flag) { seen[k].formUnion(flag) }
            next = k + 1
        }
    }

    /// The same as ``add(_:)`` for properties the reader recorded without building them: a
    /// name is compared byte by byte with the one expected next, and only when they differ
    /// looked up as a `String` (which compares canonically, as the `JSONObject` path does).
    mutating func add(_ properties: RecordedProperties) {
        var next = 0
        for member in properties.members {
            let flag: Seen
            switch member.kind {
            case .null: flag = []
            case .integer: flag = .integer
            case .number: flag = .number
            case .string: flag = .string
            case .bool: flag = .bool
            case .array, .object: flag = .other
            }
            let k: Int
            if next < order.count && properties.name(of: member, is: orderUTF8[next]) {
                k = next
            } else {
                let key = properties.name(of: member)
                if next < order.count && order[next] == key {
                    k = next
                } else if let known = position[key] {
                    k = known
                } else {
                    k = order.count
                    order.append(key)
                    orderUTF8.append(Array(key.utf8))
                    seen.append(flag)
                    position[key] = k
                    next = k + 1
                    continue
                }
            }
            if !seen[k].contains(flag) { seen[k].formUnion(flag) }
            next = k + 1
        }
    }

    /// Number of properties that did not get a column.
    var overflow: Int { max(0, order.count - Self.maxColumns) }

    /// The typed columns, in order of first appearance, with clash-free column names.
    func columns() -> [PropertyColumn] {
        var taken = Self.reservedColumns
        var result: [PropertyColumn] = []
        for (property, s) in zip(order, seen).prefix(Self.maxColumns) {
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
