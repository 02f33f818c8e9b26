#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming RFC 7946 GeoJSON reader: it yields the features of a file or of standard input
/// one at a time, so memory does not grow with the input.
///
/// It reads a `FeatureCollection`, a single `Feature`, or a bare geometry (yielded as one
/// feature without id or properties). Members may come in any order; foreign members are
/// validated as JSON and skipped.
///
/// - **Z and M**: positions may have 3 or 4 numbers; the extra values are checked to be
///   numbers and dropped (geoctl is 2-D). ``sawZ`` tells whether any were present.
/// - **Legacy `crs`**: a top-level `crs` member (`EPSG:N`, `urn:ogc:def:crs:EPSG::N`, CRS84)
///   is reported through ``legacyCRS``, wherever it stands: one written after `features` is
///   found by a look-ahead before the first feature (files and memory; a pipe is read once,
///   so there ``legacyCRSAfterFeatures`` tells). Coordinates are never transformed here.
/// - **Limits**: nesting deeper than ``defaultMaxDepth`` levels, numbers that overflow a
///   Double, NaN and Infinity, coordinates beyond ±1e9, and (for WGS84 data) longitude or
///   latitude out of range are errors.
/// - **Errors** are ``GeoJSONError``s naming the source, feature index, line and column.
/// - **GeoJSON text sequences** (RFC 8142, `.geojsonl`/`.geojsons`, what `ogr2ogr -f
///   GeoJSONSeq` writes): one Feature per element, each prefixed by the record separator
///   (0x1E) or simply on its own line. Read when ``sequence`` is set at creation, or
///   recognised by a leading record separator.
///
/// A reader is not `Sendable`: use one per task.
public final class GeoJSONReader {
    /// Maximum nesting of arrays and objects accepted (a MultiPolygon's coordinates inside a
    /// FeatureCollection need 7).
    public static let defaultMaxDepth = 128
    /// The read buffer's initial size; it grows only for a single longer token.
    public static let bufferSize = 1 << 20

    /// The CRS named by a legacy top-level `crs` member, once read.
    public var legacyCRS: LegacyCRS? { parser.legacyCRS }
    /// True when the `crs` member came after features had already been yielded.
    public var legacyCRSAfterFeatures: Bool { parser.legacyCRSAfterFeatures }
    /// True once any position had a Z (or M) value, which was dropped.
    public var sawZ: Bool { parser.sawZ }
    /// The top-level `type`: `FeatureCollection`, `Feature` or a geometry type, once read.
    public var documentType: String? { parser.documentType }
    /// Number of features yielded so far.
    public var featuresRead: Int { parser.featuresRead }
    /// True when the input is read as a GeoJSON text sequence (RFC 8142).
    public var isSequence: Bool { parser.sequence }
    /// Bytes consumed so far (for progress reports).
    public var bytesRead: Int { parser.scanner.bufferBase + parser.scanner.pos }

    /// All mutable state lives in one struct, so the hot paths run on `inout` state checked
    /// statically; the class only owns it (and the buffer and descriptor).
    private var parser: GeoJSONParser
    private let ownsDescriptor: Bool

    /// Reads the file at `path`, or standard input when `path` is `-`.
    /// With `sequence`, the input is a GeoJSON text sequence (RFC 8142): Features one per line
    /// or after a record separator.
    public convenience init(path: String, coordinateCheck: CoordinateCheck = .automatic,
                            maxDepth: Int = GeoJSONReader.defaultMaxDepth, sequence: Bool = false) throws(GeoJSONError) {
        if path == "-" {
            self.init(fileDescriptor: 0, source: "<stdin>", closeWhenDone: false,
                      coordinateCheck: coordinateCheck, maxDepth: maxDepth)
            parser.sequence = sequence
            return
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw GeoJSONError(source: path, featureIndex: nil, line: 0, column: 0, byteOffset: 0,
                               reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.init(fileDescriptor: fd, source: path, closeWhenDone: true, coordinateCheck: coordinateCheck, maxDepth: maxDepth)
        parser.lookAhead = .file(path)
        parser.sequence = sequence
    }

    /// Reads from an open file descriptor (a file, a pipe, standard input).
    public init(fileDescriptor: Int32, source: String, closeWhenDone: Bool,
                coordinateCheck: CoordinateCheck = .automatic, maxDepth: Int = GeoJSONReader.defaultMaxDepth) {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.bufferSize)
        parser = GeoJSONParser(scanner: JSONScanner(buffer: buffer, capacity: Self.bufferSize, filled: 0, fd: fileDescriptor,
                                                    source: source, maxDepth: maxDepth), coordinateCheck: coordinateCheck)
        ownsDescriptor = closeWhenDone
        parser.lookAhead = TrailingCRS.reopenablePath(ofDescriptor: fileDescriptor).map { .file($0) }
    }

    /// Reads GeoJSON held in memory; `source` names it in errors.
    public init(bytes: some Collection<UInt8>, source: String = "<memory>",
                coordinateCheck: CoordinateCheck = .automatic, maxDepth: Int = GeoJSONReader.defaultMaxDepth) {
        let capacity = Swift.max(bytes.count, 16)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        _ = UnsafeMutableBufferPointer(start: buffer, count: capacity).initialize(from: bytes)
        parser = GeoJSONParser(scanner: JSONScanner(buffer: buffer, capacity: capacity, filled: bytes.count, fd: -1,
                                                    source: source, maxDepth: maxDepth), coordinateCheck: coordinateCheck)
        ownsDescriptor = false
        parser.lookAhead = .memory
    }

    /// Reads GeoJSON text held in a string.
    public convenience init(string: String, source: String = "<memory>", coordinateCheck: CoordinateCheck = .automatic) {
        self.init(bytes: Array(string.utf8), source: source, coordinateCheck: coordinateCheck)
    }

    deinit {
        parser.scanner.buffer.deallocate()
        if ownsDescriptor { close(parser.scanner.fd) }
    }

    /// The next feature, or nil after the last one. After an error the reader is finished.
    public func next() throws(GeoJSONError) -> Feature? {
        do {
            return try parser.step()
        } catch {
            parser.state = .done
            throw error
        }
    }

    /// From now on, features carry only the properties named in `names` (the first member of
    /// each name); the others are validated exactly as before, with the same errors, but not
    /// built. With `encodingAll`, every feature's whole properties object is also kept as the
    /// compact JSON ``JSONText/appendObject(_:to:)`` would write: see ``lastEncodedProperties``.
    /// Names starting with `flaggingPrefix` (if not empty) are noted: see ``lastPropertiesHadFlaggedName``.
    public func projectProperties(keeping names: [String], encodingAll: Bool, flaggingPrefix: String = "") {
        parser.projection = PropertyProjection(keeping: names, encodesAll: encodingAll, flaggingPrefix: flaggingPrefix)
    }

    /// From now on, each feature's properties are recorded as ``RecordedProperties`` (its
    /// compact JSON and, per member, name, kind, text or number) instead of built as a
    /// `JSONObject`: features carry only the members named in `names`. Validation and errors
    /// are those of a full read. Read the record with ``recordedProperties`` after each ``next()``.
    public func recordProperties(keeping names: [String]) {
        parser.recorder = PropertyRecorder(keeping: names)
    }

    /// The properties of the feature ``next()`` returned last, as ``recordProperties(keeping:)`` records them.
    public var recordedProperties: RecordedProperties { parser.recorder?.recorded ?? RecordedProperties() }

    /// Whether the last properties object read had a member whose name starts with the
    /// projection's `flaggingPrefix`.
    public var lastPropertiesHadFlaggedName: Bool { parser.projection?.lastHadFlaggedName ?? false }

    /// With `encodingAll` projection: where the last feature's properties are in
    /// ``takeEncodedProperties()``'s bytes; nil when it had none (or `null`), which is `{}`.
    public var lastEncodedProperties: Range<Int>? { parser.projection?.lastRange }

    /// The encoded properties of the features read since the last call, handed over.
    public func takeEncodedProperties() -> [UInt8] {
        guard parser.projection != nil else { return [] }
        var taken: [UInt8] = []
        taken.reserveCapacity(parser.projection!.encoded.capacity)
        swap(&taken, &parser.projection!.encoded)
        parser.projection!.lastRange = nil
        return taken
    }

    /// Once the `features` array has opened: the `crs` member found after it by the
    /// look-ahead (`.some(nil)`: none there, or the `crs` member came first); nil before that.
    /// Hand it to ``assumeTrailingCRS(_:)`` of another reader of the same file.
    public var trailingCRS: LegacyCRS?? {
        guard parser.lookAheadDone else { return nil }
        return .some(parser.crsFoundAhead ? parser.legacyCRS : nil)
    }

    /// Takes another reader's ``trailingCRS`` for the same, unchanged file instead of
    /// searching the file again: a `crs` member after the features (`found`) then counts as
    /// read before them, exactly as this reader's own look-ahead would have found it.
    /// Call before the first ``next()``.
    public func assumeTrailingCRS(_ found: LegacyCRS?) {
        guard parser.lookAhead != nil, parser.featuresRead == 0 else { return }
        parser.lookAhead = nil
        if let found {
            parser.legacyCRS = found
            parser.crsFoundAhead = true
        }
    }

    /// Reads every remaining feature into an array (for small inputs and tests).
    public func readAll() throws(GeoJSONError) -> [Feature] {
        var features: [Feature] = []
        while let f = try next() { features.append(f) }
        return features
    }

    /// Calls `body` with each remaining feature and its 0-based index.
    public func forEach(_ body: (Int, Feature) throws -> Void) throws {
        while let f = try next() { try body(featuresRead - 1, f) }
    }

}

/// The GeoJSON state machine over a ``JSONScanner``: which part of the document comes next,
/// and the members of the object being read.
struct GeoJSONParser {
    var scanner: JSONScanner
    let coordinateCheck: CoordinateCheck
    var legacyCRS: LegacyCRS?
    var legacyCRSAfterFeatures = false
    /// Where a `crs` member after the features can be looked for before reading them.
    var lookAhead: TrailingCRS.Source?
    var crsFoundAhead = false
    /// Set once the `features` array has opened: the look-ahead has been decided then.
    var lookAheadDone = false
    var sawZ = false
    var documentType: String?
    var featuresRead = 0
    /// Which properties are built (nil: all); see ``GeoJSONReader/projectProperties(keeping:encodingAll:)``.
    var projection: PropertyProjection?
    /// Set by ``GeoJSONReader/recordProperties(keeping:)``.
    var recorder: PropertyRecorder?
    /// Read as a GeoJSON text sequence (RFC 8142): set by the caller or by a leading 0x1E.
    var sequence = false
    var state = State.start
    private var firstInArray = true
    private var firstTopMember = true
    private var topLevel = ObjectParts()

    enum State {
        case start, topMembers, inFeatures, inSequence, done
    }

    init(scanner: JSONScanner, coordinateCheck: CoordinateCheck) {
        self.scanner = scanner
        self.coordinateCheck = coordinateCheck
    }

    /// Whether positions are checked as longitude/latitude right now.
    private var checkLonLat: Bool {
        switch coordinateCheck {
        case .wgs84: true
        case .projected: false
        case .automatic: legacyCRS?.isWGS84 ?? true
        }
    }

    mutating func step() throws(GeoJSONError) -> Feature? {
        while true {
            switch state {
            case .done:
                return nil
            case .start:
                try skipByteOrderMark()
                let first = try scanner.peek()
                if first == Self.recordSeparator { sequence = true }
                if sequence {
                    documentType = "GeoJSONSeq"
                    state = .inSequence
                    continue
                }
                guard let c = first else { throw scanner.error("empty input: no GeoJSON object") }
                guard c == UInt8(ascii: "{") else {
                    throw scanner.error("a GeoJSON document must be an object, found \(scanner.describeByte(at: scanner.pos))")
                }
                scanner.pos += 1
                try scanner.enter()
                state = .topMembers
            case .inFeatures:
                let c = try scanner.peekRequired()
                if firstInArray && c == UInt8(ascii: "]") {
                    scanner.pos += 1
                    scanner.leave()
                    scanner.featureIndex = nil
                    state = .topMembers
                    continue
                }
                if !firstInArray {
                    if try scanner.commaOrClose(UInt8(ascii: "]")) {
                        scanner.leave()
                        scanner.featureIndex = nil
                        state = .topMembers
                        continue
                    }
                }
                firstInArray = false
                scanner.featureIndex = featuresRead
                let feature = try readFeatureInCollection()
                featuresRead += 1
                return feature
            case .topMembers:
                if let feature = try readTopMembers() { return feature }
            case .inSequence:
                if let feature = try readSequenceElement() { return feature }
            }
        }
    }

    /// RFC 8142's record separator, which may precede each element of a text sequence.
    static let recordSeparator: UInt8 = 0x1E

    /// The next Feature of a GeoJSON text sequence, or nil (state `.done`) at its end.
    private mutating func readSequenceElement() throws(GeoJSONError) -> Feature? {
        while let c = try scanner.peek() {
            if c == Self.recordSeparator {
                scanner.pos += 1
                continue
            }
            scanner.featureIndex = featuresRead
            let start = scanner.location(scanner.pos)
            projection?.lastRange = nil
            projection?.lastHadFlaggedName = false
            recorder?.recorded.reset()
            var parts = try readObject(context: .feature)
            guard let type = parts.type else {
                throw scanner.error("an element of the GeoJSON text sequence has no \"type\" member", at: start)
            }
            guard type == .feature else {
                throw scanner.error("an element of the GeoJSON text sequence has type \(type.name); expected Feature (one per line)", at: start)
            }
            parts.location = start
            featuresRead += 1
            return parts.feature
        }
        scanner.featureIndex = nil
        state = .done
        return nil
    }

    private mutating func skipByteOrderMark() throws(GeoJSONError) {
        while scanner.end - scanner.pos < 3 && !scanner.atEOF {
            guard try scanner.refill(keeping: scanner.pos) != nil else { break }
        }
        if scanner.end - scanner.pos >= 3, scanner.buffer[scanner.pos] == 0xEF,
           scanner.buffer[scanner.pos + 1] == 0xBB, scanner.buffer[scanner.pos + 2] == 0xBF {
            scanner.pos += 3
            scanner.lineStart = scanner.offset(scanner.pos)
        }
    }

    /// Reads top-level members until the `features` array opens (returns nil, state changes)
    /// or the document ends (returns the single feature of a Feature or bare geometry).
    private mutating func readTopMembers() throws(GeoJSONError) -> Feature? {
        while true {
            let c = try scanner.peekRequired()
            if firstTopMember && c == UInt8(ascii: "}") {
                scanner.pos += 1
                return try finishDocument()
            }
            if !firstTopMember {
                if try scanner.commaOrClose(UInt8(ascii: "}")) {
                    return try finishDocument()
                }
            }
            firstTopMember = false
            let keyLocation = scanner.location(scanner.pos)
            let key = try readKey()
            try scanner.expect(UInt8(ascii: ":"), "':' after a member name")
            if key == .features {
                if topLevel.seen.contains(.features) {
                    throw scanner.error("duplicate member name \"features\"", at: keyLocation)
                }
                topLevel.seen.insert(.features)
                if let type = topLevel.type, type != .featureCollection {
                    throw scanner.error("a \(type.name) cannot have \"features\"; only a FeatureCollection can", at: keyLocation)
                }
                let open = try scanner.peekRequired()
                guard open == UInt8(ascii: "[") else {
                    throw scanner.error("\"features\" must be an array, found \(scanner.describeByte(at: scanner.pos))")
                }
                if !topLevel.seen.contains(.crs), let source = lookAhead,
                   let found = TrailingCRS.find(after: scanner, source: source) {
                    legacyCRS = found
                    crsFoundAhead = true
                }
                lookAheadDone = true
                scanner.pos += 1
                try scanner.enter()
                state = .inFeatures
                firstInArray = true
                return nil
            }
            if key == .crs {
                if topLevel.seen.contains(.crs) { throw scanner.error("duplicate member name \"crs\"", at: keyLocation) }
                topLevel.seen.insert(.crs)
                if crsFoundAhead {
                    // Already read by the look-ahead before the first feature.
                    try scanner.skipValue()
                    continue
                }
                legacyCRS = try scanner.legacyCRS()
                // `"crs": null` names no CRS: the features were read as they should be.
                legacyCRSAfterFeatures = featuresRead > 0 && legacyCRS != nil
                continue
            }
            var parts = topLevel
            topLevel = ObjectParts()
            try readMember(key, keyLocation: keyLocation, into: &parts, context: .topLevel)
            topLevel = parts
        }
    }

    /// Checks that nothing but whitespace follows, and yields the single feature of a
    /// non-collection document.
    private mutating func finishDocument() throws(GeoJSONError) -> Feature? {
        scanner.leave()
        if try scanner.peek() != nil {
            throw scanner.error("unexpected \(scanner.describeByte(at: scanner.pos)) after the end of the GeoJSON object")
        }
        state = .done
        scanner.featureIndex = nil
        guard let type = topLevel.type else {
            throw scanner.error("the GeoJSON object has no \"type\" member")
        }
        documentType = type.name
        switch type {
        case .featureCollection:
            guard topLevel.seen.contains(.features) else {
                throw scanner.error("the FeatureCollection has no \"features\" member")
            }
            return nil
        case .feature:
            scanner.featureIndex = 0
            let feature = topLevel.feature
            featuresRead = 1
            return feature
        default:
            scanner.featureIndex = 0
            let geometry = try scanner.geometry(of: topLevel)
            featuresRead = 1
            projection?.lastRange = nil  // a bare geometry's "properties" member is foreign
            recorder?.recorded.reset()
            return Feature(geometry: geometry)
        }
    }

    /// Reads one element of `features`, which must be a Feature object.
    private mutating func readFeatureInCollection() throws(GeoJSONError) -> Feature {
        let start = scanner.location(scanner.pos)
        projection?.lastRange = nil
        projection?.lastHadFlaggedName = false
        recorder?.recorded.reset()
        var parts = try readObject(context: .feature)
        guard let type = parts.type else {
            throw scanner.error("a feature has no \"type\" member", at: start)
        }
        guard type == .feature else {
            if type == .featureCollection {
                throw scanner.error("a FeatureCollection inside a FeatureCollection is not allowed", at: start)
            }
            throw scanner.error("an element of \"features\" has type \(type.name); expected Feature", at: start)
        }
        parts.location = start
        return parts.feature
    }

    private enum Context { case topLevel, feature, geometry }

    /// Reads an object at `pos` into its GeoJSON parts.
    private mutating func readObject(context: Context) throws(GeoJSONError) -> ObjectParts {
        let c = try scanner.peekRequired()
        guard c == UInt8(ascii: "{") else {
            let what = context == .geometry ? "a geometry" : "a feature"
            throw scanner.error("expected \(what) object, found \(scanner.describeByte(at: scanner.pos))")
        }
        var parts = ObjectParts()
        parts.location = scanner.location(scanner.pos)
        scanner.pos += 1
        try scanner.enter()
        if try scanner.peekRequired() == UInt8(ascii: "}") {
            scanner.pos += 1
        } else {
            repeat {
                let keyLocation = scanner.location(scanner.pos)
                let key = try readKey()
                try scanner.expect(UInt8(ascii: ":"), "':' after a member name")
                try readMember(key, keyLocation: keyLocation, into: &parts, context: context)
            } while try !scanner.commaOrClose(UInt8(ascii: "}"))
        }
        scanner.leave()
        return parts
    }

    /// Reads the value of member `key` into `parts`.
    private mutating func readMember(_ key: Key, keyLocation: JSONScanner.Location, into parts: inout ObjectParts,
                            context: Context) throws(GeoJSONError) {
        if key != .other {
            if parts.seen.contains(key) {
                throw scanner.error("duplicate member name \"\(key.rawValue)\"", at: keyLocation)
            }
            parts.seen.insert(key)
        }
        switch key {
        case .type:
            let valueLocation = scanner.location(scanner.pos)
            guard try scanner.peekRequired() == UInt8(ascii: "\"") else {
                throw scanner.error("\"type\" must be a string, found \(scanner.describeByte(at: scanner.pos))")
            }
            let raw = try scanner.scanRawString()
            guard let type = GeoJSONType(raw, in: scanner) else {
                throw scanner.error("unknown GeoJSON type \"\(try scanner.decode(raw))\"", at: valueLocation)
            }
            if context == .geometry, type.geometryKind == nil {
                throw scanner.error("\(type.name) is not a geometry type; \"geometry\" must hold a geometry", at: valueLocation)
            }
            parts.type = type
        case .id where context != .geometry:
            let c = try scanner.peekRequired()
            if c == UInt8(ascii: "\"") {
                parts.id = .string(try scanner.scanString())
            } else if c == UInt8(ascii: "-") || c &- 48 < 10 {
                let n = try scanner.scanNumber()
                parts.id = n.integer.map { FeatureID.integer($0) } ?? .number(n.value)
            } else if c == UInt8(ascii: "n") {
                _ = try scanner.scanLiteral()   // "id": null is tolerated as no id.
            } else {
                throw scanner.error("a feature \"id\" must be a string or a number, found \(scanner.describeByte(at: scanner.pos))")
            }
        case .geometry where context != .geometry:
            let c = try scanner.peekRequired()
            if c == UInt8(ascii: "n") {
                let literal = try scanner.scanLiteral()
                guard literal == .null else { throw scanner.error("\"geometry\" must be an object or null", at: keyLocation) }
                parts.geometryIsNull = true
            } else {
                var g = try readObject(context: .geometry)
                guard g.type != nil else { throw scanner.error("the geometry has no \"type\" member", at: g.location) }
                parts.geometry = try scanner.geometry(of: g)
                g = ObjectParts()
            }
        case .properties where context != .geometry:
            let c = try scanner.peekRequired()
            if c == UInt8(ascii: "{") {
                if recorder != nil {
                    parts.properties = try scanner.parseObject(recording: &recorder!)
                } else if projection != nil {
                    parts.properties = try scanner.parseObject(projecting: &projection!)
                } else {
                    parts.properties = try scanner.parseObject()
                }
            } else if c == UInt8(ascii: "n") {
                guard try scanner.scanLiteral() == .null else {
                    throw scanner.error("\"properties\" must be an object or null", at: keyLocation)
                }
            } else {
                throw scanner.error("\"properties\" must be an object or null, found \(scanner.describeByte(at: scanner.pos))")
            }
        case .coordinates where context != .feature:
            try scanner.parseCoordinates(checkLonLat: checkLonLat)
            parts.hasCoordinates = true
            if scanner.coordinates.hasZ { sawZ = true }
        case .geometries where context != .feature:
            let c = try scanner.peekRequired()
            guard c == UInt8(ascii: "[") else {
                throw scanner.error("\"geometries\" must be an array, found \(scanner.describeByte(at: scanner.pos))")
            }
            scanner.pos += 1
            try scanner.enter()
            var geometries: [Geometry] = []
            if try scanner.peekRequired() == UInt8(ascii: "]") {
                scanner.pos += 1
            } else {
                repeat {
                    var g = try readObject(context: .geometry)
                    guard g.type != nil else { throw scanner.error("a member of \"geometries\" has no \"type\"", at: g.location) }
                    geometries.append(try scanner.geometry(of: g))
                    g = ObjectParts()
                } while try !scanner.commaOrClose(UInt8(ascii: "]"))
            }
            scanner.leave()
            parts.geometries = geometries
        case .bbox:
            guard try scanner.peekRequired() == UInt8(ascii: "[") else {
                throw scanner.error("\"bbox\" must be an array of numbers")
            }
            try scanner.skipValue()
        default:
            // Foreign members, and members that mean nothing in this context (RFC 7946 §6.1).
            try scanner.skipValue()
        }
    }

    /// Reads a member name, recognising the GeoJSON ones without allocating.
    private mutating func readKey() throws(GeoJSONError) -> Key {
        let c = try scanner.peekRequired()
        guard c == UInt8(ascii: "\"") else {
            throw scanner.error("expected a member name, found \(scanner.describeByte(at: scanner.pos))")
        }
        let raw = try scanner.scanRawString()
        if raw.hasEscapes {
            return Key(rawValue: try scanner.decode(raw)) ?? .other
        }
        switch raw.end - raw.start {
        case 2: if scanner.rawEquals(raw, "id") { return .id }
        case 3: if scanner.rawEquals(raw, "crs") { return .crs }
        case 4:
            if scanner.rawEquals(raw, "type") { return .type }
            if scanner.rawEquals(raw, "bbox") { return .bbox }
        case 8:
            if scanner.rawEquals(raw, "features") { return .features }
            if scanner.rawEquals(raw, "geometry") { return .geometry }
        case 10:
            if scanner.rawEquals(raw, "properties") { return .properties }
            if scanner.rawEquals(raw, "geometries") { return .geometries }
        case 11: if scanner.rawEquals(raw, "coordinates") { return .coordinates }
        default: break
        }
        return .other
    }
}

/// GeoJSON member names the reader acts on.
enum Key: String {
    case type, features, geometry, properties, id, coordinates, geometries, crs, bbox, other

    var bit: UInt16 {
        switch self {
        case .type: 1
        case .features: 2
        case .geometry: 4
        case .properties: 8
        case .id: 16
        case .coordinates: 32
        case .geometries: 64
        case .crs: 128
        case .bbox: 256
        case .other: 512
        }
    }
}

/// The member names seen in one object, as bits (no allocation per feature).
struct KeySet {
    private var bits: UInt16 = 0

    func contains(_ key: Key) -> Bool { bits & key.bit != 0 }
    mutating func insert(_ key: Key) { bits |= key.bit }
}

/// The GeoJSON members of one object as read, in whatever order they came.
struct ObjectParts {
    var type: GeoJSONType?
    var id: FeatureID?
    var geometry: Geometry?
    var geometryIsNull = false
    var properties = JSONObject()
    /// Whether the object had `coordinates`; they are in the scanner's ``JSONScanner/coordinates``
    /// until the next geometry is read.
    var hasCoordinates = false
    var geometries: [Geometry]?
    var seen = KeySet()
    var location = JSONScanner.Location(line: 0, column: 0, offset: 0)

    /// The feature these parts make; a missing `geometry` reads as null.
    var feature: Feature {
        Feature(id: id, geometry: geometry, properties: properties)
    }
}

/// The value of a `type` member.
enum GeoJSONType: Equatable {
    case featureCollection
    case feature
    case geometry(GeometryKind)

    /// Recognises a scanned type name without allocating; nil for unknown names.
    init?(_ raw: JSONScanner.RawString, in scanner: JSONScanner) {
        guard !raw.hasEscapes else { return nil }
        switch raw.end - raw.start {
        case 5 where scanner.rawEquals(raw, "Point"): self = .geometry(.point)
        case 7 where scanner.rawEquals(raw, "Feature"): self = .feature
        case 7 where scanner.rawEquals(raw, "Polygon"): self = .geometry(.polygon)
        case 10 where scanner.rawEquals(raw, "LineString"): self = .geometry(.lineString)
        case 10 where scanner.rawEquals(raw, "MultiPoint"): self = .geometry(.multiPoint)
        case 12 where scanner.rawEquals(raw, "MultiPolygon"): self = .geometry(.multiPolygon)
        case 15 where scanner.rawEquals(raw, "MultiLineString"): self = .geometry(.multiLineString)
        case 17 where scanner.rawEquals(raw, "FeatureCollection"): self = .featureCollection
        case 18 where scanner.rawEquals(raw, "GeometryCollection"): self = .geometry(.geometryCollection)
        default: return nil
        }
    }

    var geometryKind: GeometryKind? {
        if case .geometry(let kind) = self { return kind }
        return nil
    }

    var name: String {
        switch self {
        case .featureCollection: "FeatureCollection"
        case .feature: "Feature"
        case .geometry(let kind): kind.rawValue
        }
    }
}

extension JSONScanner {
    /// The geometry an object's parts make, checked against its type. A scanner method so
    /// that the scanner is borrowed, never copied, on this per-feature path.
    func geometry(of parts: ObjectParts) throws(GeoJSONError) -> Geometry {
        guard let type = parts.type, let kind = type.geometryKind else {
            throw error("\(parts.type?.name ?? "an object without type") is not a geometry", at: parts.location)
        }
        if kind == .geometryCollection {
            guard let geometries = parts.geometries else {
                throw error("a GeometryCollection needs a \"geometries\" array", at: parts.location)
            }
            return .geometryCollection(geometries)
        }
        guard parts.hasCoordinates else {
            throw error("a \(type.name) needs a \"coordinates\" member", at: parts.location)
        }
        return try coordinates.geometry(kind, scanner: self)
    }
}
