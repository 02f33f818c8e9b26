/// Routing rules name a restricted layer, and the ``Router`` was not allowed to read one.
///
/// Restricted layers (residents' appeals, officers' details…) are read only when the caller
/// opts in with `Router(store:rules:includeRestricted: true)`; the CLI does so for
/// `--include-restricted`.
public struct RestrictedLayerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rules file (or the rules' `source`).
    public var rulesFile: String
    /// The restricted layer the rules read.
    public var layer: String

    public init(rulesFile: String, layer: String) {
        self.rulesFile = rulesFile
        self.layer = layer
    }

    public var description: String {
        "\(rulesFile): the rules read layer \"\(layer)\", which is restricted; a router reads restricted layers only when built with includeRestricted: true"
    }
}
