import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    /// Selects one page of runs with ``PostgresRunSearchPlan`` (filters as indexed `EXISTS`
    /// subqueries, keyset paging from the cursor), then loads exactly that page, all from one
    /// snapshot: a run deleted or changed meanwhile through another instance is either in the page
    /// whole, as it was, or not at all.
    public func searchRuns(_ query: RunQuery) async throws -> RunPage {
        guard !query.experimentIDs.isEmpty else { return RunPage(runs: [], next: nil) }
        let plan = PostgresRunSearchPlan(query)
        var start: (segment: Int, values: [SQLValue])?
        if let cursor = query.after {
            guard query.accepts(cursor), let position = plan.position(of: cursor) else { throw StoreError.cursorMismatch }
            start = position
        }
        let startPosition = start
        // A filtered search is planned for its values each time (an unnamed statement). Named, it
        // was planned for its values five times and then given PostgreSQL's generic plan, which
        // guesses every filter's selectivity: at 100,000 runs the bench's filtered first page went
        // from 26-42 ms to 225-296 ms on the sixth request. An unfiltered search keeps its plan.
        let reusesStatements = query.filter == .matchAll
        return try await database.snapshot { db in
            var rows: [(row: SQLRow, segment: Int)] = []
            var segment = startPosition?.segment ?? 0
            var after = startPosition?.values
            // One row more than asked tells whether a next page exists.
            while segment < plan.segments.count, rows.count <= query.maxResults {
                if plan.segments[segment].canMatch {
                    let statement = plan.statement(segment: segment, after: after, limit: query.maxResults + 1 - rows.count)
                    let found = try await db.rows(reusesStatements ? statement.reused() : statement)
                    rows += found.map { ($0, segment) }
                }
                segment += 1
                after = nil
            }
            let page = rows.prefix(query.maxResults)
            let next = rows.count > query.maxResults ? page.last.map { plan.cursor(after: $0.row, segment: $0.segment) } : nil
            return RunPage(runs: try await Self.loadRuns(page.map(\.row), in: db), next: next)
        }
    }
}
