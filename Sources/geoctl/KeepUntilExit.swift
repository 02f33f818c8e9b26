/// Values a command keeps until the process exits instead of freeing them.
///
/// Releasing 200,000 features object by object takes a tenth of a second at the end of
/// `geoctl coverage`; the kernel reclaims the whole heap at exit at once. Only for commands
/// that end the process; the library never does this.
enum KeepUntilExit {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) {
        kept.append(value)
    }
}
