import Foundation
import GeoCore
import Yams

/// Configuration files (manifests, routing rules) in YAML or JSON, read into ``JSONValue``
/// so one validator serves both. `.json` files are read as JSON, anything else as YAML.
public enum StructuredFile {
    public static func load(_ path: String) throws(ConfigurationError) -> JSONValue {
        let bytes = try readBytes(path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(file: path, reason: "not UTF-8 text")
        }
        if path.lowercased().hasSuffix(".json") {
            do { return try JSONDocument.parse(text, source: path) } catch {
                throw ConfigurationError(file: path, reason: "\(error.reason) (line \(error.line), column \(error.column))")
            }
        }
        do { return json(from: try Yams.load(yaml: text)) } catch {
            throw ConfigurationError(file: path, reason: "invalid YAML: \(error)")
        }
    }

    /// The whole file, or an I/O error saying why not in the system's words
    /// ("No such file or directory", "Permission denied", "Is a directory").
    static func readBytes(_ path: String) throws(ConfigurationError) -> [UInt8] {
        func failure() -> ConfigurationError {
            ConfigurationError(file: path, reason: "cannot read: \(String(cString: strerror(errno)))", isIOError: true)
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure() }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw failure() }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0 ..< n])
        }
        return bytes
    }

    /// YAML values as JSON values (mapping keys sorted: YAML mappings are unordered).
    static func json(from any: Any?) -> JSONValue {
        switch any {
        case nil: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .integer(Int64(i))
        case let d as Double: return .number(d)
        case let s as String: return .string(s)
        case let a as [Any]: return .array(a.map { json(from: $0) })
        case let m as [String: Any]:
            return .object(JSONObject(members: m.keys.sorted().map { JSONObject.Member(key: $0, value: json(from: m[$0])) }))
        case let m as [AnyHashable: Any]:
            let pairs = m.map { ("\($0.key)", $0.value) }.sorted { $0.0 < $1.0 }
            return .object(JSONObject(members: pairs.map { JSONObject.Member(key: $0.0, value: json(from: $0.1)) }))
        default: return .string("\(any!)")
        }
    }
}

/// A YAML or JSON configuration file that cannot be used, with where and why.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// What is wrong; several problems are one per line, each starting with the file name.
    public var reason: String
    /// True when the file could not be read at all (missing, unreadable, a folder), rather
    /// than read and found wrong.
    public var isIOError: Bool

    public init(file: String, reason: String, isIOError: Bool = false) {
        self.file = file
        self.reason = reason
        self.isIOError = isIOError
    }

    public var description: String { "\(file): \(reason)" }

    /// One error for several problems of a file: the first alone, or "N problems:" followed
    /// by each on its own line as `file: reason`.
    public static func combining(_ problems: [ConfigurationError], file: String) -> ConfigurationError {
        if problems.count == 1 { return problems[0] }
        return ConfigurationError(file: file, reason: "\(problems.count) problems:\n" + problems.map { "  \($0.description)" }.joined(separator: "\n"),
                                  isIOError: problems.contains(where: \.isIOError))
    }
}

/// Reads typed fields out of a configuration mapping, naming the place of every problem.
struct ConfigurationReader {
    let file: String
    let position: String
    let object: JSONObject

    init(_ value: JSONValue, file: String, position: String, allowed: Set<String>) throws(ConfigurationError) {
        guard case .object(let o) = value else { throw ConfigurationError(file: file, reason: "\(position) must be a mapping") }
        for key in o.keys where !allowed.contains(key) {
            throw ConfigurationError(file: file, reason: "\(position): unknown key \"\(key)\" (expected \(allowed.sorted().joined(separator: ", ")))")
        }
        self.file = file
        self.position = position
        self.object = o
    }

    func fail(_ reason: String) -> ConfigurationError {
        ConfigurationError(file: file, reason: "\(position)\(reason.hasPrefix(".") ? "" : ": ")\(reason)")
    }

    func text(_ key: String) throws(ConfigurationError) -> String? {
        guard let v = object[key], v != .null else { return nil }
        guard let s = v.plainText, !s.isEmpty else { throw fail(".\(key) must be non-empty text") }
        return s
    }

    func requiredText(_ key: String) throws(ConfigurationError) -> String {
        guard let s = try text(key) else { throw fail("\"\(key)\" is missing") }
        return s
    }

    func number(_ key: String) throws(ConfigurationError) -> Double? {
        guard let v = object[key], v != .null else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw fail(".\(key) must be a number") }
        return d
    }

    func list(_ key: String) throws(ConfigurationError) -> [JSONValue]? {
        guard let v = object[key], v != .null else { return nil }
        guard case .array(let items) = v else { throw fail(".\(key) must be a list") }
        return items
    }
}
