import GeoCore

/// A coordinate reference system kept in the store under a name of the office's choosing
/// (`msk74-1`): the local systems (МСК) that EPSG does not list.
public struct NamedCRS: Sendable, Equatable {
    /// Letters, digits, `_`, `-` and `.`, starting with a letter.
    public var name: String
    /// A PROJ string, WKT, or a PROJ pipeline from local x/y to WGS84 lon/lat (`crs fit`).
    public var definition: String
    /// Where the definition comes from (a document, "fitted to 12 control points, RMS 0.02 m").
    public var note: String?
    public var createdAt: String

    /// `createdAt` defaults to now.
    public init(name: String, definition: String, note: String?, createdAt: String? = nil) {
        self.name = name
        self.definition = definition
        self.note = note
        self.createdAt = createdAt ?? utcTimestamp()
    }

    /// Checks a name: not an EPSG code or other authority name, so the two can never be confused.
    public static func validate(name: String) throws(NamedCRSError) {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic,
              name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0) }),
              name.count <= 63 else {
            throw .badName(name)
        }
        if name.contains(":") { throw .badName(name) }
    }
}

/// A store that keeps named coordinate reference systems (SpatiaLite table `geoctl_crs`,
/// PostGIS `<schema>.geoctl_crs`), created the first time one is added.
public protocol NamedCRSStore: AnyObject {
    /// Every named CRS, by name.
    func namedCRSs() throws -> [NamedCRS]
    /// Adds a CRS; with `replace`, an existing one of that name is replaced.
    func saveNamedCRS(_ crs: NamedCRS, replace: Bool) throws
    /// Removes a named CRS; false when there was none.
    func dropNamedCRS(_ name: String) throws -> Bool
}

extension NamedCRSStore {
    /// The named CRS `name` (compared without regard to case), or nil.
    public func namedCRS(_ name: String) throws -> NamedCRS? {
        try namedCRSs().first { $0.name.lowercased() == name.lowercased() }
    }
}

/// A named CRS that cannot be added or found.
public enum NamedCRSError: Error, Sendable, Equatable, CustomStringConvertible {
    case badName(String)
    case exists(String)
    case unknown(String, known: [String])
    case invalidDefinition(String, reason: String)
    case unsupportedStore

    public var description: String {
        switch self {
        case .badName(let n):
            "\"\(n)\" cannot name a CRS: use letters, digits, _, - and ., starting with a letter (no \":\", which EPSG names use)"
        case .exists(let n): "a CRS named \"\(n)\" is already in the store"
        case .unknown(let n, let known):
            "no CRS named \"\(n)\" in the store" + (known.isEmpty ? " (it holds none yet: geoctl crs add or crs fit)" : "; it holds: \(known.joined(separator: ", "))")
        case .invalidDefinition(let n, let reason): "the definition of \"\(n)\" is not a CRS PROJ can use: \(reason)"
        case .unsupportedStore: "this store cannot keep named CRSs"
        }
    }
}
