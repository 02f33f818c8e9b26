import ArgumentParser

/// `geoctl check`: find what would send an appeal nowhere, or to two organisations.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check layers for gaps, overlaps, invalid geometries and other problems.",
        discussion: """
        Exit codes: 0 nothing above the threshold; 2 problems found (the check ran); 1 bad input; \
        74 the store or an output file could not be read or written.
        """,
        subcommands: [CheckTerritoriesCommand.self, CheckLayerCommand.self])
}
