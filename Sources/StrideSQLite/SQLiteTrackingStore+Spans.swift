import GRDB
public import StrideDomain
import StrideStore

extension SQLiteTrackingStore {
    public func logSpans(_ groups: [TraceSpanGroup], experimentID: ExperimentID) async throws {
        try await pool.write { db in
            _ = try Self.requireExperiment(experimentID, in: db)
            let insertSpan = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO trace_spans
                        (trace_pk, span_id, parent_span_id, name, start_time_ns, end_time_ns, status_code, span_type, content)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for group in groups {
                let pk = try Self.traceRow(for: group, experimentID: experimentID, in: db)
                for span in group.spans {
                    try insertSpan.execute(arguments: [
                        pk, span.spanID, span.parentSpanID, span.name, span.startTimeNanos, span.endTimeNanos, span.statusCode, span.spanType,
                        span.content,
                    ])
                }
                try Self.upsertKeyValues(group.tags, table: "trace_tags", tracePK: pk, in: db)
            }
        }
    }

    /// Creates the group's trace, or brings the stored one up to date with the spans; answers its key.
    private static func traceRow(for group: TraceSpanGroup, experimentID: ExperimentID, in db: Database) throws -> Int64 {
        let stored = try Row.fetchOne(
            db,
            sql: """
                SELECT trace_pk, request_time, execution_time, state,
                    EXISTS (SELECT 1 FROM trace_metadata m WHERE m.trace_pk = t.trace_pk AND m.key = ?) AS finalized,
                    (SELECT value FROM trace_metadata m WHERE m.trace_pk = t.trace_pk AND m.key = ?) AS token_usage
                FROM traces t WHERE trace_id = ?
                """,
            arguments: [TraceKeys.infoFinalized, TraceKeys.tokenUsage, group.traceID])
        guard let stored else {
            try db.execute(
                sql: """
                    INSERT INTO traces (trace_id, experiment_id, request_time, execution_time, state, request_preview, response_preview)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    group.traceID, experimentID.value, group.startTime, group.endTime.map { $0 - group.startTime },
                    (group.rootState ?? .inProgress).name, group.requestPreview, group.responsePreview,
                ])
            let pk = db.lastInsertedRowID
            if let location = group.artifactLocation {
                try upsertKeyValues([Tag(key: TraceKeys.artifactLocation, value: location)], table: "trace_tags", tracePK: pk, in: db)
            }
            if let usage = group.tokenUsage {
                try upsertKeyValues([KeyValue(key: TraceKeys.tokenUsage, value: usage.jsonText)], table: "trace_metadata", tracePK: pk, in: db)
            }
            return pk
        }
        let pk: Int64 = stored.int("trace_pk")
        let update = SpanTraceUpdate(group: group, stored: stored)
        try db.execute(
            sql: """
                UPDATE traces SET request_time = ?, execution_time = ?, state = ?,
                    request_preview = IFNULL(request_preview, ?), response_preview = IFNULL(response_preview, ?)
                WHERE trace_pk = ?
                """,
            arguments: [update.requestTime, update.executionTime, update.state.name, group.requestPreview, group.responsePreview, pk])
        if let usage = update.tokenUsage {
            try upsertKeyValues([KeyValue(key: TraceKeys.tokenUsage, value: usage.jsonText)], table: "trace_metadata", tracePK: pk, in: db)
        }
        return pk
    }
}

extension SpanTraceUpdate {
    /// The update of the trace `stored` reads (``SQLiteTrackingStore/logSpans(_:experimentID:)``'s query).
    init(group: TraceSpanGroup, stored: Row) {
        self.init(group: group, stored: StoredTraceProgress(
            requestTime: stored.int("request_time"), executionTime: stored["execution_time"],
            state: TraceState(parsing: stored.text("state")) ?? .unspecified, finalized: stored.int("finalized") != 0,
            tokenUsage: (stored["token_usage"] as String?).flatMap(TokenUsage.init(jsonText:))))
    }
}
