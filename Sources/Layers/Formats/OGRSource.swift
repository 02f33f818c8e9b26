#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GeoCore

/// A Shapefile, MapInfo TAB or MIF/MID, GeoPackage, KML or CSV file read through
/// `ogr2ogr -f GeoJSONSeq /vsistdout/`: GDAL's output streams (recoded when the text is in a
/// legacy encoding GDAL passes through) into an unlinked spool file, which the ordinary
/// streaming GeoJSON reader then reads twice, for the check pass and the write pass.
///
/// GDAL never reprojects here (`-a_srs None`): the layer's CRS is learnt from `ogrinfo -so`
/// and the importer transforms with it, or with the store's named CRS it matches (an ESRI
/// `.prj` drops the TOWGS84 shift a local system needs). Each feature's `id` is its source
/// FID (`-preserve_fid`), so errors name the source feature.
struct OGRSource {
    /// What was learnt about the source, besides the converted features.
    struct Details {
        var format: SourceFormat
        /// The GDAL layer read.
        var layer: String
        /// The layer's CRS as WKT, when the file says.
        var crsWKT: String?
        /// How attribute text was decoded, when the format has legacy encodings.
        var encoding: String?
        /// Notes for the user (an encoding guess, said out loud).
        var notes: [String] = []
    }

    /// Options for reading: `--source-layer`, `--encoding`, CSV's columns.
    struct Reading {
        var sourceLayer: String?
        var encoding: String?
        var xField: String?
        var yField: String?
        var wktField: String?
    }

    static let lonNames = ["lon", "long", "lng", "longitude", "x", "долгота"]
    static let latNames = ["lat", "latitude", "y", "широта"]
    static let wktNames = ["wkt", "geom", "geometry", "the_geom", "wkt_geom"]

    /// Converts `file` and returns the spooled features with what was learnt.
    static func open(_ file: String, format: SourceFormat, reading: Reading) throws(ImportError) -> (SourceFile, Details) {
        let base = file.contains(".") ? String(file[..<file.lastIndex(of: ".")!]) : file
        try requireCompanions(file, format: format, base: base)
        guard let ogr2ogr = GDALTools.find("ogr2ogr"), let ogrinfo = GDALTools.find("ogrinfo") else {
            throw .gdalMissing(file: file, format: format.rawValue)
        }
        var details = Details(format: format, layer: "")
        var openOptions: [String] = []
        if format == .csv { openOptions += try csvOptions(file, reading: reading) }

        // The layer, and its CRS.
        let layers = try layerNames(file, ogrinfo: ogrinfo, openOptions: openOptions)
        if let wanted = reading.sourceLayer {
            guard layers.contains(wanted) else {
                throw .unreadable(file: file, reason: "has no layer \"\(wanted)\"; its layers: \(layers.joined(separator: ", "))")
            }
            details.layer = wanted
        } else if layers.count == 1 {
            details.layer = layers[0]
        } else if layers.isEmpty {
            throw .unreadable(file: file, reason: "GDAL finds no layer in it")
        } else {
            throw .unreadable(file: file, reason: "holds \(layers.count) layers (\(layers.joined(separator: ", "))); name one with --source-layer")
        }
        details.crsWKT = try layerCRS(file, layer: details.layer, ogrinfo: ogrinfo, openOptions: openOptions)

        // The text encoding: GDAL recodes what is declared; what is not, or is overridden,
        // GDAL passes through raw and geoctl recodes the stream.
        var recoder: TextRecoder?
        if format.hasLegacyEncoding {
            let plan = try encodingPlan(file, format: format, base: base, override: reading.encoding)
            openOptions += plan.openOptions
            recoder = plan.recoder
            details.encoding = plan.summary
            if let note = plan.note { details.notes.append(note) }
        } else if let given = reading.encoding, TextEncoding(name: given) != .utf8 {
            throw .unreadable(file: file, reason: "--encoding applies to Shapefile, MapInfo and CSV files; \(format.rawValue) text is always Unicode")
        }

        var arguments = ["-f", "GeoJSONSeq", "-preserve_fid", "-a_srs", "None", "-lco", "COORDINATE_PRECISION=9"]
        for o in openOptions { arguments += ["-oo", o] }
        arguments += ["/vsistdout/", file, details.layer]
        let sha = try hash(file, format: format, base: base, reading: reading)
        let fd = try SourceFile.makeSpool(prefix: "geoctl-ogr")
        do {
            let size = try convert(ogr2ogr, arguments, file: file, into: fd, recoder: recoder)
            return (SourceFile(spooled: fd, displayName: file, sha256: sha, size: size), details)
        } catch {
            close(fd)
            throw error
        }
    }

    // MARK: Steps

    private static func requireCompanions(_ file: String, format: SourceFormat, base: String) throws(ImportError) {
        guard access(file, R_OK) == 0 else { throw .cannotRead(file: file, reason: String(cString: strerror(errno))) }
        let needed: [String]
        switch format {
        case .shapefile: needed = ["shp", "shx", "dbf"]
        case .mapInfoTAB: needed = ["dat"]
        case .mapInfoMIF: needed = ["mif"]
        default: needed = []
        }
        let missing = needed.filter { DeclaredEncoding.companion(base, $0) == nil }
        if !missing.isEmpty {
            throw .unreadable(file: file, reason: "a \(format.rawValue) needs \(missing.map { "\(base).\($0)" }.joined(separator: " and ")) beside it, which \(missing.count == 1 ? "is" : "are") missing")
        }
    }

    private static func tool(_ executable: String, _ arguments: [String], file: String) throws(ImportError) -> String {
        let result: (status: Int32, stdout: String, stderr: String)
        do { result = try GDALTools.run(executable, arguments) } catch {
            throw .cannotRead(file: file, reason: "cannot run \(executable): \(error)")
        }
        guard result.status == 0 else {
            let why = GDALTools.messages(result.stderr).joined(separator: "; ")
            throw .unreadable(file: file, reason: "GDAL cannot read it: \(why.isEmpty ? "\(executable) exited with status \(result.status)" : why)")
        }
        return result.stdout
    }

    /// The layer names `ogrinfo -q` lists (`1: roads (Line String)`).
    private static func layerNames(_ file: String, ogrinfo: String, openOptions: [String]) throws(ImportError) -> [String] {
        let text = try tool(ogrinfo, ["-ro", "-q"] + openOptions.flatMap { ["-oo", $0] } + [file], file: file)
        var names: [String] = []
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), Int(line[..<colon]) != nil else { continue }
            var name = line[line.index(after: colon)...].drop { $0 == " " }
            if name.hasSuffix(")"), let open = name.range(of: " (", options: .backwards) { name = name[..<open.lowerBound] }
            names.append(String(name))
        }
        return names
    }

    /// The layer's CRS as WKT from `ogrinfo -so`, or nil when it has none.
    private static func layerCRS(_ file: String, layer: String, ogrinfo: String, openOptions: [String]) throws(ImportError) -> String? {
        let text = try tool(ogrinfo, ["-ro", "-so", "-nocount", "-noextent"] + openOptions.flatMap { ["-oo", $0] } + [file, layer], file: file)
        var lines: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Layer SRS WKT:") { inside = true; continue }
            guard inside else { continue }
            if line.hasPrefix("Data axis to CRS axis mapping") || line.isEmpty { break }
            if !(line.first?.isWhitespace ?? true) && !lines.isEmpty && line.contains(": ") && !line.contains("[") { break }
            lines.append(line)
        }
        let wkt = lines.joined(separator: "\n").trimming(" \n")
        return wkt.isEmpty || wkt == "(unknown)" ? nil : wkt
    }

    /// The CSV driver's options for the coordinate or WKT columns, after checking the header.
    private static func csvOptions(_ file: String, reading: Reading) throws(ImportError) -> [String] {
        let headerBytes = DeclaredEncoding.readBytes(file, count: 64 * 1024) ?? []
        let firstLine = headerBytes.prefix { $0 != 0x0A && $0 != 0x0D }
        let header = String(decoding: firstLine, as: UTF8.self)
        let separator: Character = header.filter { $0 == ";" }.count > header.filter { $0 == "," }.count ? ";" : ","
        let columns = header.split(separator: separator, omittingEmptySubsequences: false)
            .map { String($0).trimming(" \"\u{FEFF}").lowercased() }
        var options = ["AUTODETECT_TYPE=YES", "KEEP_GEOM_COLUMNS=NO"]
        if separator == ";" { options.append("SEPARATOR=SEMICOLON") }
        func has(_ name: String) -> Bool { columns.contains(name.lowercased()) }
        if let wkt = reading.wktField {
            guard has(wkt) else { throw .unreadable(file: file, reason: "has no column \"\(wkt)\" (--wkt-field); its columns: \(columns.joined(separator: ", "))") }
            return options + ["GEOM_POSSIBLE_NAMES=\(wkt)"]
        }
        if reading.xField != nil || reading.yField != nil {
            guard let x = reading.xField, let y = reading.yField else {
                throw .unreadable(file: file, reason: "--x-field and --y-field go together")
            }
            for name in [x, y] where !has(name) {
                throw .unreadable(file: file, reason: "has no column \"\(name)\"; its columns: \(columns.joined(separator: ", "))")
            }
            return options + ["X_POSSIBLE_NAMES=\(x)", "Y_POSSIBLE_NAMES=\(y)"]
        }
        if let x = lonNames.first(where: has), let y = latNames.first(where: has) {
            return options + ["X_POSSIBLE_NAMES=\(x)", "Y_POSSIBLE_NAMES=\(y)"]
        }
        if let wkt = wktNames.first(where: has) { return options + ["GEOM_POSSIBLE_NAMES=\(wkt)"] }
        throw .unreadable(file: file, reason: "a CSV needs lon/lat columns (\(lonNames.joined(separator: "/")), \(latNames.joined(separator: "/"))) or a WKT column (\(wktNames.joined(separator: "/"))); name others with --x-field and --y-field or --wkt-field; its columns: \(columns.joined(separator: ", "))")
    }

    private struct EncodingPlan {
        var openOptions: [String] = []
        var recoder: TextRecoder?
        var summary: String
        var note: String?
    }

    private static func encodingPlan(_ file: String, format: SourceFormat, base: String, override: String?) throws(ImportError) -> EncodingPlan {
        let declared = DeclaredEncoding.declared(format: format, path: file, base: base)
        let isMapInfo = format == .mapInfoTAB || format == .mapInfoMIF
        if let override {
            guard let wanted = TextEncoding(name: override) else {
                throw .unreadable(file: file, reason: "unknown --encoding \"\(override)\"; known: \(TextEncoding.accepted)")
            }
            if isMapInfo, let declaredName = declared.declaredName {
                // GDAL's MapInfo driver always recodes a declared charset and has no open option
                // against it: undo its recoding, then decode as asked.
                guard let gdalEncoding = declared.encoding else {
                    throw .unreadable(file: file, reason: "declares charset \"\(declaredName)\", which geoctl cannot undo to apply --encoding")
                }
                if gdalEncoding == wanted { return EncodingPlan(summary: "\(wanted) (--encoding)") }
                return EncodingPlan(recoder: try ChainedRecoder.make(gdalEncoding, wanted), summary: "\(wanted) (--encoding, over \(declared.declaredBy ?? declaredName))")
            }
            var plan = EncodingPlan(summary: "\(wanted) (--encoding)")
            plan.openOptions = format == .shapefile ? ["ENCODING="] : []
            if wanted != .utf8 { plan.recoder = try TextRecoder(from: wanted, to: .utf8) }
            return plan
        }
        if let by = declared.declaredBy {
            if format == .shapefile, by.hasPrefix("the DBF"), let encoding = declared.encoding {
                // GDAL's own table of language bytes differs from ours: decode it here.
                var plan = EncodingPlan(summary: "\(encoding) (declared by \(by))")
                plan.openOptions = ["ENCODING="]
                if encoding != .utf8 { plan.recoder = try TextRecoder(from: encoding, to: .utf8) }
                return plan
            }
            // GDAL knows how to decode what is declared (.cpg, MapInfo Charset).
            return EncodingPlan(summary: "\(declared.encoding?.rawValue ?? declared.declaredName ?? "?") (declared by \(by))")
        }
        let guess = EncodingGuess.guess(DeclaredEncoding.textSample(format: format, path: file, base: base))
        var plan = EncodingPlan(summary: "\(guess.encoding) (guessed)")
        plan.openOptions = format == .shapefile ? ["ENCODING="] : []
        if guess.encoding != .utf8 { plan.recoder = try TextRecoder(from: guess.encoding, to: .utf8) }
        // Valid UTF-8 is no guess worth a word (other encodings almost never are); anything
        // else is said out loud.
        if guess.encoding != .utf8 || declared.ansiOnly {
            let what = declared.ansiOnly ? "says only \"Windows ANSI\" (DBF language byte 0x57) for its text encoding" : "does not declare its text encoding"
            plan.note = "\(file) \(what); reading it as \(guess.encoding): \(guess.reason) (--encoding to override)"
        }
        return plan
    }

    /// SHA-256 over the layer's files in a fixed order, and the reading options that change
    /// the features (so importing again with another --encoding or --source-layer is a change).
    private static func hash(_ file: String, format: SourceFormat, base: String, reading: Reading) throws(ImportError) -> String {
        let parts: [String]
        switch format {
        case .shapefile: parts = ["shp", "shx", "dbf", "prj", "cpg"].compactMap { DeclaredEncoding.companion(base, $0) }
        case .mapInfoTAB: parts = ["tab", "dat", "map", "id"].compactMap { DeclaredEncoding.companion(base, $0) }
        case .mapInfoMIF: parts = ["mif", "mid"].compactMap { DeclaredEncoding.companion(base, $0) }
        default: parts = [file]
        }
        var hasher = GeoCore.SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        for part in parts {
            let fd = openReadOnly(part)
            guard fd >= 0 else { throw .cannotRead(file: part, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            while true {
                let n = read(fd, buffer, chunk)
                if n < 0 { if errno == EINTR { continue }; throw .cannotRead(file: part, reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
            }
        }
        let extra = [reading.sourceLayer.map { "layer=\($0)" }, reading.encoding.map { "encoding=\($0)" },
                     reading.xField.map { "x=\($0)" }, reading.yField.map { "y=\($0)" }, reading.wktField.map { "wkt=\($0)" }]
            .compactMap { $0 }.joined(separator: "\n")
        if !extra.isEmpty { Array(extra.utf8).withUnsafeBytes { hasher.update($0) } }
        return hasher.finalize()
    }

    /// Runs ogr2ogr, streaming its output (recoded if asked) into `fd`; returns the bytes written.
    private static func convert(_ ogr2ogr: String, _ arguments: [String], file: String, into fd: Int32,
                                recoder: TextRecoder?) throws(ImportError) -> Int {
        let tool: GDALTools.RunningTool
        do { tool = try GDALTools.RunningTool(ogr2ogr, arguments) } catch { throw .cannotRead(file: file, reason: "cannot run \(ogr2ogr): \(error)") }
        let input = tool.output.fileDescriptor
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var recoded: [UInt8] = []
        var total = 0
        var writeError: String?
        while true {
            let n = read(input, buffer, chunk)
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            if writeError != nil { continue }   // drain, so GDAL can finish
            let bytes: UnsafeRawBufferPointer
            if let recoder {
                recoded.removeAll(keepingCapacity: true)
                recoder.recode(UnsafeRawBufferPointer(start: buffer, count: n), into: &recoded)
                bytes = recoded.withUnsafeBytes { $0 }
            } else {
                bytes = UnsafeRawBufferPointer(start: buffer, count: n)
            }
            var written = 0
            while written < bytes.count {
                let w = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if w < 0 { if errno == EINTR { continue }; writeError = String(cString: strerror(errno)); break }
                written += w
            }
            total += written
        }
        let (status, stderr) = tool.finish()
        if let writeError { throw .cannotWrite(file: "$TMPDIR spool for \(file)", reason: writeError) }
        let messages = GDALTools.messages(stderr)
        guard status == 0 else {
            let why = messages.joined(separator: "; ")
            throw .unreadable(file: file, reason: "GDAL cannot read it: \(why.isEmpty ? "ogr2ogr exited with status \(status)" : why)")
        }
        return total
    }
}

/// Undoes GDAL's recoding of a declared MapInfo charset (UTF-8 back to its bytes) and
/// decodes those bytes as the encoding `--encoding` names.
enum ChainedRecoder {
    static func make(_ declared: TextEncoding, _ wanted: TextEncoding) throws(ImportError) -> TextRecoder {
        try TextRecoder(chain: [(.utf8, declared), (wanted, .utf8)])
    }
}

/// `open(2)` for reading (the name `open` is taken inside ``OGRSource``).
private func openReadOnly(_ path: String) -> Int32 { open(path, O_RDONLY) }
