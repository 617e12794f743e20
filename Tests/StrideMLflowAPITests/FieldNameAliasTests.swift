import Testing
@testable import StrideMLflowAPI

@Suite("A field's lowerCamelCase alias is recognised without building it")
struct FieldNameAliasTests {
    @Test("the in-place comparison agrees with the spelled-out alias", arguments: [
        "run_id", "run_uuid", "metric_key", "max_results", "a__b", "trailing_", "_leading", "step", "x_1", "dataset_digest",
    ])
    func agrees(_ snakeName: String) {
        let alias = RequestFields.lowerCamelCase(snakeName)
        #expect(RequestFields.isLowerCamelCase(alias, of: snakeName))
        for other in ["", alias + "x", String(alias.dropLast()), snakeName.uppercased(), "runID"] where other != alias {
            #expect(!RequestFields.isLowerCamelCase(other, of: snakeName), "\(other) is not the alias of \(snakeName)")
        }
    }
}
