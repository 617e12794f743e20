import GraphQL
import Testing

@testable import StrideGraphQL

@Suite("MLflow's limits on a GraphQL document")
struct GraphQLDocumentLimitsTests {
    private func violation(_ query: String) throws -> String? {
        GraphQLDocumentLimits.violation(in: try parse(source: query))
    }

    @Test func aQueryTheWebUISendsPasses() throws {
        #expect(try violation(#"query q @component(name: "X") { mlflowGetRun(input: {runId: "r"}) { run { info { status } } } }"#) == nil)
    }

    @Test func elevenNestedSelectionSetsExceedTheDepth() throws {
        var inner = "name"
        for _ in 0..<8 { inner = "name { \(inner) }" }
        #expect(try violation("{ a { \(inner) } }") == nil)  // 10 levels
        #expect(try violation("{ a { b { \(inner) } } }") == "Query exceeds maximum depth of 10")
    }

    @Test func moreThanAThousandSelectionsAreRefused() throws {
        let fields = (0..<1001).map { "f\($0)" }.joined(separator: " ")
        #expect(try violation("{ a { \(fields) } }") == "Query exceeds maximum total selections of 1000")
    }

    @Test func elevenRootFieldsExceedTheBatchLimit() throws {
        let fields = (0..<11).map { "k\($0): test { output }" }.joined(separator: " ")
        #expect(try violation("{ \(fields) }") == "GraphQL queries should have at most 10 root fields, got 11 root fields.")
    }

    @Test func aliasesSpreadOverSiblingFragmentsCountTogether() throws {
        let query = """
            { a { ...One ...Two } }
            fragment One on X { \((0..<6).map { "a\($0): name" }.joined(separator: " ")) }
            fragment Two on X { \((0..<6).map { "b\($0): name" }.joined(separator: " ")) }
            """
        #expect(try violation(query) == "GraphQL queries should have at most 10 aliases, got 12 aliases.")
    }

    @Test func unusedFragmentsStillCountTowardsSelections() throws {
        let fields = (0..<1001).map { "f\($0)" }.joined(separator: " ")
        #expect(try violation("{ a } fragment Unused on X { \(fields) }") == "Query exceeds maximum total selections of 1000")
    }

    @Test func deepBracketNestingIsRefusedBeforeParsing() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(GraphQLDocumentLimits.nestingViolation(in: "{ a(x: \(deep)) }") == "Query exceeds maximum nesting of 64 brackets")
        #expect(GraphQLDocumentLimits.nestingViolation(in: #"{ a(x: "\#(String(repeating: "{", count: 100))") }"#) == nil)
        #expect(GraphQLDocumentLimits.nestingViolation(in: "{ a # \(String(repeating: "(", count: 100))\n }") == nil)
    }
}
