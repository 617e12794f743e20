import GRDB
import Testing
import StrideDomain
import StrideStore
@testable import StrideSQLite

@Suite("The run search SQL compiler")
struct RunSearchPlanTests {
    private func plan(_ filter: String, order: [String] = []) throws -> RunSearchPlan {
        RunSearchPlan(RunQuery(
            experimentIDs: [ExperimentID(7)], filter: try RunFilterClause.parse(filter), order: try RunOrder.parse(order),
            viewType: .activeOnly, maxResults: 10))
    }

    private static let hostile = "x'); DROP TABLE runs; --"
    /// The hostile text as a filter string literal (a doubled quote stands for one).
    private static let literal = "'x''); DROP TABLE runs; --'"

    @Test("user input reaches SQLite only as bound values", arguments: [
        "params.`\(hostile)` = \(literal)", "tags.t LIKE \(literal)", "metrics.`\(hostile)` > 1",
        "run_id IN (\(literal), 'b')", "dataset.context = \(literal)", "NOT (params.a IN (\(literal)) OR run_name ILIKE \(literal))",
    ])
    func boundParameters(filter: String) throws {
        let plan = try plan(filter, order: ["params.`\(Self.hostile)` DESC", "metrics.`\(Self.hostile)`"])
        for segment in plan.segments.indices {
            let statement = plan.statement(segment: segment, after: nil, limit: 5)
            #expect(!statement.sql.contains("DROP"))
            #expect(statement.sql.filter { $0 == "?" }.count == statement.arguments.count)
            #expect(statement.arguments.contains { String.fromDatabaseValue($0)?.contains("DROP TABLE") == true })
        }
    }

    @Test("OR, NOT and parentheses compile to the same boolean structure")
    func booleanStructure() throws {
        let sql = try plan("params.a = '1' OR NOT (params.b = '2' AND start_time > 3)").statement(segment: 0, after: nil, limit: 1).sql
        #expect(sql.contains("(EXISTS (SELECT 1 FROM params kv WHERE kv.run_pk = r.run_pk AND kv.key = ? AND kv.value = ?) OR (((EXISTS"))
        #expect(sql.contains("AND r.start_time > ?)) IS NOT 1))"))
    }

    @Test("ordering by a metric reads present, NaN and missing values as three segments")
    func metricSegments() throws {
        let plan = try plan("", order: ["metrics.loss DESC"])
        #expect(plan.segments.count == 3)
        #expect(plan.segments.map(\.canMatch) == [true, true, true])
        let first = plan.statement(segment: 0, after: nil, limit: 5).sql
        #expect(first.contains("JOIN latest_metrics o0 ON") && !first.contains("LEFT JOIN"))
        #expect(first.contains("ORDER BY o0.value DESC, r.start_time DESC, r.run_uuid ASC"))
    }

    @Test("a filter on the leading order key rules out the segments it cannot match")
    func prunedSegments() throws {
        #expect(try plan("metrics.loss < 0.5", order: ["metrics.loss"]).segments.map(\.canMatch) == [true, false, false])
        #expect(try plan("params.lr IS NULL", order: ["params.lr"]).segments.map(\.canMatch) == [false, true])
        #expect(try plan("params.lr = 'a' OR start_time > 1", order: ["params.lr"]).segments.map(\.canMatch) == [true, true])
    }

    @Test("the default order is newest first, then run id, in one segment an index can serve")
    func defaultOrder() throws {
        let plan = try plan("")
        #expect(plan.segments.count == 1)
        let sql = plan.statement(segment: 0, after: nil, limit: 5).sql
        #expect(sql.hasSuffix("ORDER BY r.start_time DESC, r.run_uuid ASC LIMIT ?"))
    }

    @Test("a cursor continues strictly after the last row, seeking on the leading term")
    func keysetCondition() throws {
        let plan = try plan("", order: ["params.lr"])
        let statement = plan.statement(segment: 0, after: ["0.1".databaseValue, 5.databaseValue, "abc".databaseValue], limit: 5)
        #expect(statement.sql.contains(
            "o0.value >= ? AND (o0.value > ? OR o0.value IS ? AND r.start_time < ? OR o0.value IS ? AND r.start_time IS ? AND r.run_uuid > ?)"))
    }

    @Test("a cursor's values map to the leading key's segment and the sort columns of that segment")
    func cursorPosition() throws {
        let byParam = try plan("", order: ["params.lr"])
        let present = try #require(byParam.position(of: RunSearchCursor(values: [.text("0.1"), .time(5), .text("abc")])))
        #expect(present.segment == 0)
        #expect(present.values == ["0.1".databaseValue, 5.databaseValue, "abc".databaseValue])
        let missing = try #require(byParam.position(of: RunSearchCursor(values: [.missing, .time(5), .text("abc")])))
        #expect(missing.segment == 1)
        #expect(missing.values == [5.databaseValue, "abc".databaseValue])
        #expect(byParam.position(of: RunSearchCursor(values: [.time(5), .text("abc")])) == nil)
        #expect(byParam.position(of: RunSearchCursor(values: [.number(0.1), .time(5), .text("abc")])) == nil)

        // A later metric key contributes its presence case (0 value, 1 NaN, 2 missing) and its value.
        let byNameThenLoss = try plan("", order: ["attributes.run_name", "metrics.loss DESC"])
        let nan = try #require(byNameThenLoss.position(of: RunSearchCursor(values: [.text("a"), .nan, .time(5), .text("abc")])))
        #expect(nan.segment == 0)
        #expect(nan.values == ["a".databaseValue, 1.databaseValue, 0.0.databaseValue, 5.databaseValue, "abc".databaseValue])
    }
}
