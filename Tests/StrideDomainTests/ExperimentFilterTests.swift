import Testing
import StrideDomain

@Suite("The experiment search filter")
struct ExperimentFilterTests {
    @Test("name and tag comparisons joined by AND")
    func conjunction() throws {
        let clauses = try ExperimentFilterClause.parse("name LIKE 'exp%' and tags.team = \"ml\" AND tags.`my key` IS NOT NULL")
        #expect(clauses == [.name(.like, "exp%"), .tag(key: "team", .equal, "ml"), .tag(key: "my key", .isNotNull, nil)])
    }

    @Test("attribute prefixes, ILIKE, numeric times and id lists")
    func attributes() throws {
        let clauses = try ExperimentFilterClause.parse(
            "attributes.name ILIKE '%X%' AND creation_time >= 1700000000000 AND experiment_id IN ('1', '2')")
        #expect(clauses == [
            .name(.iLike, "%X%"), .time(column: .creationTime, .greaterOrEqual, 1_700_000_000_000), .experimentIDs(.in, ["1", "2"]),
        ])
    }

    @Test("an empty filter matches everything")
    func empty() throws {
        #expect(try ExperimentFilterClause.parse("").isEmpty)
        #expect(try ExperimentFilterClause.parse("   ").isEmpty)
    }

    @Test("keys after the first dot belong to the key")
    func dottedKeys() throws {
        #expect(try ExperimentFilterClause.parse("tags.mlflow.note = 'x'") == [.tag(key: "mlflow.note", .equal, "x")])
    }

    @Test("OR is refused with MLflow's message and the position", arguments: [
        ("name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: 'OR' at position 11."),
    ])
    func refusesOr(filter: String, message: String) {
        #expect(throws: StrideError.invalidParameter(message)) { try ExperimentFilterClause.parse(filter) }
    }

    @Test("malformed filters are INVALID_PARAMETER_VALUE", arguments: [
        "name = ", "name 'a'", "metrics.x > 1", "name = unquoted", "name = 'open", "unknown_attr = 'x'", "creation_time > 'x'",
        "name IN 'a'", "tags.k > 'a'",
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
