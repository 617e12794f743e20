import StrideDomain
@testable import StridePostgres
import StrideStore
import Testing

@Suite("The SQL of a PostgreSQL run search")
struct PostgresRunSearchPlanTests {
    private func plan(filter: String, orderedBy order: RunOrder) throws -> PostgresRunSearchPlan {
        PostgresRunSearchPlan(RunQuery(
            experimentIDs: [ExperimentID(1)], filter: try RunFilterClause.parse(filter), order: [order], viewType: .activeOnly,
            maxResults: 100))
    }

    @Test("ordered by a metric, a filter on that metric compares the joined value; other metrics still probe latest_metrics")
    func filterOnTheOrderedMetric() throws {
        let search = try plan(filter: "metrics.loss < 0.5 and metrics.acc >= 0.9", orderedBy: RunOrder(key: .metric("loss"), ascending: true))
        let present = search.statement(segment: 0, after: nil, limit: 101)
        #expect(present.sql.contains("o0.value < ?"))
        #expect(present.sql.ranges(of: "FROM latest_metrics m").count == 1, "only metrics.acc probes")
        #expect(present.arguments.count == present.sql.filter { $0 == "?" }.count)
        // Runs whose loss is NaN or missing cannot pass `loss < 0.5`: those segments are never read.
        #expect(search.segments.dropFirst().allSatisfy { !$0.canMatch })
    }

    @Test("`!=` on the ordered metric compares the joined value too: it is never NaN in that segment")
    func notEqualOnTheOrderedMetric() throws {
        let search = try plan(filter: "metrics.loss != 0.5", orderedBy: RunOrder(key: .metric("loss"), ascending: false))
        #expect(search.statement(segment: 0, after: nil, limit: 10).sql.contains("o0.value != ?"))
        // A NaN loss is unequal to 0.5, so the NaN segment still runs the ordinary probe.
        let nan = search.statement(segment: 1, after: nil, limit: 10)
        #expect(search.segments[1].canMatch)
        #expect(!nan.sql.contains("o0.value != ?"))
        #expect(nan.sql.contains("FROM latest_metrics m"))
    }

    @Test("ordered by something else, a metric filter probes latest_metrics")
    func otherOrder() throws {
        let search = try plan(filter: "metrics.loss < 0.5", orderedBy: RunOrder(key: .attribute(.startTime), ascending: false))
        let statement = search.statement(segment: 0, after: nil, limit: 10)
        #expect(statement.sql.contains("FROM latest_metrics m"))
        #expect(!statement.sql.contains("o0.value <"))
    }
}
