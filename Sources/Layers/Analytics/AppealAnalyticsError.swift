/// What stops an appeal analysis: a bad command line (`usage`) or bad data (`input`).
public enum AppealAnalyticsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A flag or its value is wrong (exit 64).
    case usage(String)
    /// The data cannot be analysed as asked (exit 1); the text names the layer, feature and field.
    case input(String)

    public var description: String {
        switch self {
        case .usage(let m), .input(let m): m
        }
    }
}
