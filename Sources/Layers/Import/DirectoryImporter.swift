import Foundation
import GeoCore

/// Imports a folder of layer files (GeoJSON, GeoJSONSeq, Shapefile, MapInfo TAB/MIF,
/// GeoPackage, KML, CSV), one layer each (the 211-layer case). One failing
/// file does not stop the others; each file's import is its own transaction.
public struct DirectoryImporter {
    public let importer: LayerImporter

    public init(importer: LayerImporter) { self.importer = importer }

    /// How one file went.
    public struct Outcome: Sendable {
        public var file: String
        public var layer: String
        public var report: ImportReport?
        /// The error, when the file failed.
        public var failure: String?
    }

    /// Imports every layer file in `directory` (sorted by name; ``SourceFormat/layerExtensions``,
    /// so a Shapefile's `.dbf` or a MIF's `.mid` is no layer of its own) plus any other file
    /// the manifest names; `progress` is told after each file.
    public func importDirectory(_ directory: String, manifest: Manifest, replace: Bool, onInvalid: InvalidGeometryPolicy?,
                                progress: ((Int, Int, Outcome) -> Void)? = nil) throws -> [Outcome] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ImportError.cannotRead(file: directory, reason: error.localizedDescription)
        }
        var files = names.filter { name in
            guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
            return SourceFormat.layerExtensions.contains(name[name.index(after: dot)...].lowercased())
        }
        for e in manifest.entries where !files.contains(e.file) { files.append(e.file) }
        files.sort()
        var outcomes: [Outcome] = []
        for (i, file) in files.enumerated() {
            let options = manifest.options(for: file, replace: replace, onInvalid: onInvalid)
            var outcome = Outcome(file: file, layer: options.layer)
            do {
                outcome.report = try importer.importFile("\(directory)/\(file)", options: options)
            } catch {
                outcome.failure = "\(error)"
            }
            outcomes.append(outcome)
            progress?(i + 1, files.count, outcome)
        }
        return outcomes
    }
}
