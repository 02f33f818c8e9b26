import Layers
import Testing

/// In a test's report, a store's SQL error names its statement as well as the reason users
/// read: a rare failure (a PostGIS "could not open relation with OID …" once in several
/// suite runs) then says which statement raised it.
extension StoreError: CustomTestStringConvertible {
    public var testDescription: String {
        if case .sql(let statement, let reason) = self {
            return "\(reason) [statement: \(statement.prefix(400))]"
        }
        return description
    }
}

@Suite("Store errors in test reports")
struct StoreErrorTestDescriptionTests {
    @Test("an SQL error names its statement for the report, and only its reason for users")
    func namesTheStatement() {
        let error = StoreError.sql(statement: "SELECT 1 FROM nowhere", reason: "no such table: nowhere")
        #expect(error.testDescription.contains("SELECT 1 FROM nowhere"))
        #expect(!error.description.contains("SELECT"))
    }
}
