import GRDB
public import StrideDomain
public import StrideStore

/// Prompt versions a trace used, and links to runs named before the trace is stored.
extension SQLiteTrackingStore: TraceLinkStore {
    public func linkPrompts(traceID: String, versions: [String]) async throws {
        try await pool.write { db in
            guard let pk = try Int64.fetchOne(db, sql: "SELECT trace_pk FROM traces WHERE trace_id = ?", arguments: [traceID]) else {
                throw StrideError.notFound("Trace with ID '\(traceID)' not found.")
            }
            let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO trace_prompt_links (trace_pk, prompt_version) VALUES (?, ?)")
            for version in versions { try statement.execute(arguments: [pk, version]) }
        }
    }

    public func linkUnstoredTraces(ids: [String], toRun runID: String) async throws {
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: "INSERT OR IGNORE INTO trace_early_run_links (trace_id, run_id) VALUES (?, ?)")
            for id in ids { try statement.execute(arguments: [id, runID]) }
        }
    }
}
