import GeoCore
import HTTPTypes
import Hummingbird
import Layers

/// Who may read which restricted layers: `--api-keys FILE`, YAML (or JSON) mapping each key to
/// the restricted layers it may read:
///
/// ```yaml
/// "k3y-for-the-call-centre": [appeals]
/// "another-key": [appeals, outages-internal]
/// ```
///
/// Only SHA-256 digests of the keys are kept in memory; a presented key (header `X-API-Key`)
/// is hashed and compared with every digest in constant time. Keys never reach a log.
public struct APIKeys: Sendable {
    struct Entry: Sendable {
        var digest: [UInt8]
        var layers: Set<String>
    }

    let entries: [Entry]

    /// The header that carries a key.
    public static let header = HTTPField.Name("X-API-Key")!

    public init() { entries = [] }

    /// Reads the key file; every value must be a list of layer names.
    public init(path: String) throws {
        let document = try StructuredFile.load(path)
        guard case .object(let object) = document else {
            throw ServiceError.badAPIKeys(file: path, reason: "expected a mapping of API key → list of restricted layers")
        }
        var entries: [Entry] = []
        for (n, member) in object.members.enumerated() {
            guard member.key.count >= 16 else {
                throw ServiceError.badAPIKeys(file: path, reason: "key #\(n + 1) is shorter than 16 characters")
            }
            guard case .array(let items) = member.value else {
                throw ServiceError.badAPIKeys(file: path, reason: "key #\(n + 1): expected a list of layer names")
            }
            var layers: Set<String> = []
            for item in items {
                guard case .string(let name) = item else {
                    throw ServiceError.badAPIKeys(file: path, reason: "key #\(n + 1): layer names must be strings")
                }
                layers.insert(name)
            }
            entries.append(Entry(digest: Self.digest(member.key), layers: layers))
        }
        self.entries = entries
    }

    static func digest(_ key: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(Array(key.utf8))
        return Array(hasher.finalize().utf8)
    }

    /// The restricted layers a presented key may read; nil when the key is unknown.
    func layers(forKey key: String) -> Set<String>? {
        let presented = Self.digest(key)
        var found: Set<String>?
        for entry in entries {
            // Constant time over the digest: no early exit on the first differing byte.
            var difference: UInt8 = 0
            for i in 0 ..< presented.count { difference |= presented[i] ^ entry.digest[i] }
            if difference == 0 { found = entry.layers }
        }
        return found
    }

    /// What the request may read: public layers, plus those its key grants. An unknown key
    /// is refused (401) rather than quietly treated as none.
    func access(for request: Request) throws(Problem) -> LayerAccess {
        guard let key = request.headers[Self.header] else { return LayerAccess(restricted: []) }
        guard let layers = layers(forKey: key) else {
            throw Problem(.unauthorized, type: "unknown-api-key", title: "Unknown API key",
                          detail: "the \(Self.header.rawName) header holds no known key")
        }
        return LayerAccess(restricted: layers)
    }
}

/// The layers one request may see.
struct LayerAccess: Sendable {
    /// Restricted layers granted by the request's key.
    var restricted: Set<String>

    func canRead(_ info: LayerInfo) -> Bool { info.visibility == .public || restricted.contains(info.name) }

    /// The catalog as this request may see it.
    func visible(_ catalog: [LayerInfo]) -> [LayerInfo] { catalog.filter(canRead) }
}
