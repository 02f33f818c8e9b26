import ArgumentParser
import GeoCore
import Layers

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Show the versions of geoctl and the libraries it links.")

    func run() throws {
        let versions = try SpatiaLiteConnection(path: ":memory:").libraryVersions()
        print("geoctl \(Geoctl.configuration.version)")
        print("GEOS \(GEOSContext.version)")
        print("PROJ \(ProjContext.version)")
        print("SpatiaLite \(versions["spatialite"] ?? "?") (SQLite \(versions["sqlite"] ?? "?"))")
    }
}
