public import StrideDomain
public import StrideStore

/// Prompt versions a trace used, and links to runs named before the trace is stored.
extension PostgresTrackingStore: TraceLinkStore {
    public func linkPrompts(traceID: String, versions: [String]) async throws {
        // One statement: the trace's key and every version, with the unknown trace told apart by the count.
        let row = try await database.writeOneStatement { db in
            try await db.row(SQL(
                """
                WITH trace AS (SELECT trace_pk FROM traces WHERE trace_id = ?),
                     linked AS (INSERT INTO trace_prompt_links (trace_pk, prompt_version)
                                SELECT trace.trace_pk, version FROM trace, unnest(?::text[]) AS version
                                ON CONFLICT DO NOTHING RETURNING 1)
                SELECT (SELECT count(*) FROM trace), (SELECT count(*) FROM linked)
                """,
                [.text(traceID), .texts(versions)]))
        }
        guard let row, row.int(0) > 0 else { throw Self.missingTrace(traceID) }
    }

    public func linkUnstoredTraces(ids: [String], toRun runID: String) async throws {
        guard !ids.isEmpty else { return }
        try await database.writeOneStatement { db in
            try await db.execute(SQL(
                "INSERT INTO trace_early_run_links (trace_id, run_id) SELECT id, ? FROM unnest(?::text[]) AS id ON CONFLICT DO NOTHING",
                [.text(runID), .texts(ids)]))
        }
    }
}
