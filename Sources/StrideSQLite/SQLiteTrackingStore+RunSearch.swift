import GRDB
import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    /// Selects one page of runs with ``RunSearchPlan`` (filters as indexed `EXISTS` subqueries,
    /// keyset paging from the cursor), then loads exactly that page (``loadRuns(_:in:)``).
    public func searchRuns(_ query: RunQuery) async throws -> RunPage {
        guard !query.experimentIDs.isEmpty else { return RunPage(runs: [], next: nil) }
        let plan = RunSearchPlan(query)
        var start: (segment: Int, values: [DatabaseValue])?
        if let cursor = query.after {
            guard query.accepts(cursor), let position = plan.position(of: cursor) else { throw StoreError.cursorMismatch }
            start = position
        }
        return try readNow { db in
            var rows: [(row: Row, segment: Int)] = []
            var segment = start?.segment ?? 0
            var after = start?.values
            // One row more than asked tells whether a next page exists.
            while segment < plan.segments.count, rows.count <= query.maxResults {
                if plan.segments[segment].canMatch {
                    let statement = plan.statement(segment: segment, after: after, limit: query.maxResults + 1 - rows.count)
                    let found = try Row.fetchAll(db, sql: statement.sql, arguments: StatementArguments(statement.arguments))
                    rows += found.map { ($0, segment) }
                }
                segment += 1
                after = nil
            }
            let page = rows.prefix(query.maxResults)
            let next = rows.count > query.maxResults ? page.last.map { plan.cursor(after: $0.row, segment: $0.segment) } : nil
            return RunPage(runs: try Self.loadRuns(page.map(\.row), in: db), next: next)
        }
    }
}
