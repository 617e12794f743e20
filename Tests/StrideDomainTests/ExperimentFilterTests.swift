import Testing
import StrideDomain

@Suite("The experiment search filter")
struct ExperimentFilterTests {
    @Test("name and tag comparisons joined by AND")
    func conjunction() throws {
        let clauses = try ExperimentFilterClause.parse("name LIKE 'exp%' and tags.team = \"ml\" AND tags.`my key` IS NOT NULL").clauses
        #expect(clauses == [.name(.like, "exp%"), .tag(key: "team", .equal, ["ml"]), .tag(key: "my key", .isNotNull, [])])
    }

    @Test("attribute prefixes, ILIKE, numeric times and id lists")
    func attributes() throws {
        let clauses = try ExperimentFilterClause.parse(
            "attributes.name ILIKE '%X%' AND creation_time >= 1700000000000 AND experiment_id IN ('1', '2')").clauses
        #expect(clauses == [
            .name(.iLike, "%X%"), .time(column: .creationTime, .greaterOrEqual, 1_700_000_000_000), .experimentIDs(.in, ["1", "2"]),
        ])
    }

    @Test("an empty filter matches everything")
    func empty() throws {
        #expect(try ExperimentFilterClause.parse("") == .matchAll)
        #expect(try ExperimentFilterClause.parse("   ") == .matchAll)
    }

    @Test("keys after the first dot belong to the key")
    func dottedKeys() throws {
        #expect(try ExperimentFilterClause.parse("tags.mlflow.note = 'x'").clauses == [.tag(key: "mlflow.note", .equal, ["x"])])
    }

    @Test("OR, NOT and parentheses combine clauses (a Stride extension)")
    func booleanCombinations() throws {
        let tree = try ExperimentFilterClause.parse("name = 'a' OR NOT (tags.k IN ('x', 'y') AND creation_time > 5)")
        #expect(tree == .any([
            .clause(.name(.equal, "a")),
            .not(.all([.clause(.tag(key: "k", .in, ["x", "y"])), .clause(.time(column: .creationTime, .greater, 5))])),
        ]))
    }

    @Test("malformed filters are INVALID_PARAMETER_VALUE", arguments: [
        "name = ", "name 'a'", "metrics.x > 1", "name = unquoted", "name = 'open", "unknown_attr = 'x'", "creation_time > 'x'",
        "name IN 'a'", "tags.k > 'a'", "(name = 'a'", "name = 'a' OR", "NOT",
    ])
    func rejectsMalformed(filter: String) {
        #expect {
            try ExperimentFilterClause.parse(filter)
        } throws: { error in
            (error as? StrideError)?.code == .invalidParameterValue
        }
    }

    @Test("order_by takes attributes with an optional direction")
    func ordering() throws {
        let orders = try ExperimentOrder.parse(["name DESC", "creation_time"])
        #expect(orders == [ExperimentOrder(column: .name, ascending: false), ExperimentOrder(column: .creationTime, ascending: true)])
        #expect(throws: StrideError.self) { try ExperimentOrder.parse(["tags.x"]) }
        #expect(throws: StrideError.self) { try ExperimentOrder.parse(["name", "name DESC"]) }
        #expect(throws: StrideError.self) { try ExperimentOrder.parse(["name SIDEWAYS"]) }
    }
}
