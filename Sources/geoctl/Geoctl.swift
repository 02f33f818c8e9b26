import ArgumentParser

@main
struct Geoctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geoctl",
        abstract: "A geospatial data engine for city GIS layers (GEOS, PROJ, SpatiaLite).",
        discussion: """
        Exit codes: 0 success; 1 bad input data or a refused operation (the message names the \
        file, the feature and what is wrong); 2 a check found problems (`geoctl check`); 64 bad command line; 74 a file or the store could \
        not be read or written.
        """,
        version: "0.1.0",
        subcommands: [DemoCommand.self, ImportCommand.self, ImportDirCommand.self, CRSCommand.self, LayersCommand.self, ShowCommand.self,
                      ExportCommand.self, DropCommand.self, SetCommand.self, RegionCommand.self, CopyCommand.self, RouteCommand.self, AtCommand.self, CoverageCommand.self, AffectedCommand.self, ConflictsCommand.self, AppealsCommand.self, CheckCommand.self, InspectCommand.self, BenchCommand.self, ServeCommand.self, VersionCommand.self])
}
