/// A GeoJSON input that cannot be read, with where and why.
///
/// `description` reads like a compiler diagnostic, so editors can jump to it:
/// `roads.geojson:12:7: feature 3: polygon ring 0 is not closed …`. The feature index is
/// 0-based, as in `.features[3]`; line and column are 1-based, the column counted in bytes.
public struct GeoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file name as given, or `<stdin>`.
    public var source: String
    /// The 0-based index of the feature being read, or nil outside any feature.
    public var featureIndex: Int?
    public var line: Int
    public var column: Int
    /// The 0-based byte offset from the start of the input.
    public var byteOffset: Int
    public var reason: String
    /// True when a coordinate lies outside lon/lat ranges: the file is likely in a projected
    /// CRS that was not named (a command line can then say how to name it).
    public var outsideLonLat = false
    /// With ``outsideLonLat``, filled by an importer that could look: what the coordinates look
    /// like (a local system, МСК) and which named CRSs of its store would place them inside the
    /// store's region. Not part of ``description``; a command line shows it with its flag.
    public var localSystemHint: String?
    /// The named CRSs ``localSystemHint`` found fitting, best first.
    public var fittingCRSNames: [String] = []

    public init(source: String, featureIndex: Int?, line: Int, column: Int, byteOffset: Int, reason: String) {
        self.source = source
        self.featureIndex = featureIndex
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.reason = reason
    }

    public var description: String {
        let feature = featureIndex.map { "feature \($0): " } ?? ""
        return "\(source):\(line):\(column): \(feature)\(reason)"
    }
}
