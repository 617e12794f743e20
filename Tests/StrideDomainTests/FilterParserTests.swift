import Testing
import StrideDomain

@Suite("The filter language parser")
struct FilterParserTests {
    private func comparison(_ key: String, _ value: String, at offset: Int) -> FilterTree<FilterComparison> {
        .clause(FilterComparison(entity: .param, key: key, op: .equal, value: .string(value), offset: offset))
    }

    @Test("AND binds tighter than OR")
    func precedence() throws {
        let tree = try FilterParser.parse("params.a = '1' OR params.b = '2' AND params.c = '3'")
        #expect(tree == .any([comparison("a", "1", at: 0), .all([comparison("b", "2", at: 18), comparison("c", "3", at: 37)])]))
    }

    @Test("parentheses override precedence")
    func parentheses() throws {
        let tree = try FilterParser.parse("(params.a = '1' OR params.b = '2') AND params.c = '3'")
        #expect(tree == .all([.any([comparison("a", "1", at: 1), comparison("b", "2", at: 19)]), comparison("c", "3", at: 39)]))
    }

    @Test("NOT binds tightest and nests")
    func negation() throws {
        #expect(try FilterParser.parse("NOT params.a = '1' AND params.b = '2'")
            == .all([.not(comparison("a", "1", at: 4)), comparison("b", "2", at: 23)]))
        #expect(try FilterParser.parse("not not (params.a = '1')") == .not(.not(comparison("a", "1", at: 9))))
    }

    @Test("nested conjunctions flatten; keywords are case-insensitive; a trailing AND is tolerated")
    func flattening() throws {
        let tree = try FilterParser.parse("params.a = '1' and (params.b = '2' AnD params.c = '3') and ")
        #expect(tree == .all([comparison("a", "1", at: 0), comparison("b", "2", at: 20), comparison("c", "3", at: 39)]))
    }

    @Test("an empty or blank filter matches everything")
    func empty() throws {
        #expect(try FilterParser.parse("") == .matchAll)
        #expect(try FilterParser.parse(" \t ") == .matchAll)
    }

    @Test("quoted keys keep spaces and dots; doubled quotes escape", arguments: [
        ("tags.`my key` = 'v'", "my key", "v"),
        ("tags.\"q k\" = 'v'", "q k", "v"),
        ("tags.mlflow.runName = 'it''s'", "mlflow.runName", "it's"),
        ("`tags`.`a.b` = \"x\"", "a.b", "x"),
    ])
    func quoting(filter: String, key: String, value: String) throws {
        let clause = try #require(try FilterParser.parse(filter).clauses.first)
        #expect(clause.entity == .tag && clause.key == key && clause.value == .string(value))
    }

    @Test("errors name the position of the problem", arguments: [
        ("(params.a = '1'", "Invalid filter: '(' at position 0 is never closed."),
        ("params.a = '1')", "Invalid clause(s) in filter string: ')' at position 14."),
        ("params.a = '1' OR", "Invalid filter: expected a condition after 'OR' at position 15."),
        ("params.a = '1' params.b = '2'", "Invalid clause(s) in filter string: 'params.b' at position 15."),
        ("params.a = 'open", "Invalid filter: unterminated quoted text starting at position 11."),
        ("params.a ! '1'", "Invalid filter: '!' must be followed by '=' at position 9."),
        ("NOT", "Invalid filter: expected a condition after 'NOT' at position 0."),
        ("params.a = '1' AND ()", "Invalid filter: expected an identifier at position 20."),
    ])
    func errorPositions(filter: String, message: String) {
        #expect(throws: StrideError.invalidParameter(message)) { try FilterParser.parse(filter) }
    }
}
