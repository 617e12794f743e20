public import StrideDomain
import StrideStore

extension PostgresTrackingStore {
    /// Span ingest in one transaction of four statements, whatever the number of traces and spans:
    /// the trace locks with the experiment check, the stored traces' state, and one statement that
    /// upserts the traces and, through their keys, inserts the spans, tags and metadata (`UNNEST`ed
    /// arrays). What each trace becomes is worked out in between, by the rule every store applies
    /// (``SpanTraceUpdate``); the locks keep another instance from changing it meanwhile.
    public func logSpans(_ groups: [TraceSpanGroup], experimentID: ExperimentID) async throws {
        var ids: [String] = []
        var seen = Set<String>()
        for group in groups where seen.insert(group.traceID).inserted { ids.append(group.traceID) }
        try await database.write { [ids] db in
            try await Self.lockTraces(ids, requiringExperiment: experimentID, in: db)
            guard !ids.isEmpty else { return }
            var rows = SpanIngestRows(stored: try await Self.storedProgress(of: ids, in: db))
            for group in groups { rows.add(group) }
            try await db.execute(rows.statement(experimentID: experimentID))
        }
    }

    /// What more spans can change of each stored trace among `ids`.
    private static func storedProgress(of ids: [String], in db: Session) async throws -> [String: StoredTraceProgress] {
        let rows = try await db.rows(SQL(
            """
            SELECT t.trace_id, t.request_time, t.execution_time, t.state,
                EXISTS (SELECT 1 FROM trace_metadata m WHERE m.trace_pk = t.trace_pk AND m.key = ?),
                (SELECT value FROM trace_metadata m WHERE m.trace_pk = t.trace_pk AND m.key = ?)
            FROM traces t WHERE t.trace_id = ANY(?::text[])
            """,
            [.text(TraceKeys.infoFinalized), .text(TraceKeys.tokenUsage), .texts(ids)]))
        var stored: [String: StoredTraceProgress] = [:]
        for row in rows {
            stored[row.text(0)] = StoredTraceProgress(
                requestTime: row.int(1), executionTime: row.optionalInt(2), state: TraceState(parsing: row.text(3)) ?? .unspecified,
                finalized: row[4] == .bool(true), tokenUsage: row.optionalText(5).flatMap(TokenUsage.init(jsonText:)))
        }
        return stored
    }
}

/// The rows one span ingest writes: each trace once, as the groups leave it when applied one after
/// the other to what is stored, and the spans, tags and metadata with the last of each key kept
/// (what SQLite's `INSERT OR REPLACE`, row by row, leaves).
struct SpanIngestRows {
    /// A trace's row as it will be written.
    struct TraceRow {
        var progress: StoredTraceProgress
        var requestPreview: String?
        var responsePreview: String?
    }

    private var known: [String: StoredTraceProgress]
    private(set) var traceOrder: [String] = []
    private(set) var traces: [String: TraceRow] = [:]
    private var spans = KeyedRows<TraceSpan>()
    private var tags = KeyedRows<KeyValue>()
    private var metadata = KeyedRows<KeyValue>()

    init(stored: [String: StoredTraceProgress]) {
        known = stored
    }

    /// Applies one group: a new trace takes its time, duration and state from the spans, a known one
    /// is brought up to date (``SpanTraceUpdate``); missing previews are filled.
    mutating func add(_ group: TraceSpanGroup) {
        let id = group.traceID
        let previous = traces[id]
        if previous == nil { traceOrder.append(id) }
        let progress: StoredTraceProgress
        if let stored = known[id] {
            let update = SpanTraceUpdate(group: group, stored: stored)
            progress = update.applied(to: stored)
            if let usage = update.tokenUsage { setTokenUsage(usage, of: id) }
        } else {
            progress = StoredTraceProgress(
                requestTime: group.startTime, executionTime: group.endTime.map { $0 - group.startTime }, state: group.rootState ?? .inProgress,
                finalized: false, tokenUsage: group.tokenUsage)
            if let location = group.artifactLocation {
                tags.put(id, Tag(key: TraceKeys.artifactLocation, value: location), key: TraceKeys.artifactLocation)
            }
            if let usage = group.tokenUsage { setTokenUsage(usage, of: id) }
        }
        known[id] = progress
        traces[id] = TraceRow(
            progress: progress, requestPreview: previous?.requestPreview ?? group.requestPreview,
            responsePreview: previous?.responsePreview ?? group.responsePreview)
        for span in group.spans { spans.put(id, span, key: span.spanID) }
        for tag in group.tags { tags.put(id, tag, key: tag.key) }
    }

    private mutating func setTokenUsage(_ usage: TokenUsage, of id: String) {
        metadata.put(id, KeyValue(key: TraceKeys.tokenUsage, value: usage.jsonText), key: TraceKeys.tokenUsage)
    }

    /// The one statement that writes every row. A stored trace keeps its experiment and its previews
    /// (``add(_:)`` sends the group's for a stored trace only to fill those it lacks).
    func statement(experimentID: ExperimentID) -> SQL {
        let rows = traceOrder.compactMap { traces[$0] }
        let spanRows = spans.values
        return SQL(
            """
            WITH written AS (
                INSERT INTO traces AS t (trace_id, experiment_id, request_time, execution_time, state, request_preview, response_preview)
                SELECT u.id, ?, u.request_time, CASE WHEN u.has_execution = 1 THEN u.execution_time END, u.state,
                       CASE WHEN u.has_request = 1 THEN u.request_preview END, CASE WHEN u.has_response = 1 THEN u.response_preview END
                FROM UNNEST(?::text[], ?::int8[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::int8[], ?::text[], ?::int8[])
                    AS u (id, request_time, execution_time, has_execution, state, request_preview, has_request, response_preview, has_response)
                ON CONFLICT (trace_id) DO UPDATE SET
                    request_time = excluded.request_time, execution_time = excluded.execution_time, state = excluded.state,
                    request_preview = COALESCE(t.request_preview, excluded.request_preview),
                    response_preview = COALESCE(t.response_preview, excluded.response_preview)
                RETURNING trace_id, trace_pk
            ),
            spans AS (
                INSERT INTO trace_spans (trace_pk, span_id, parent_span_id, name, start_time_ns, end_time_ns, status_code, span_type, content)
                SELECT w.trace_pk, s.span_id, CASE WHEN s.has_parent = 1 THEN s.parent_span_id END, s.name, s.start_time_ns,
                       CASE WHEN s.has_end = 1 THEN s.end_time_ns END, s.status_code, CASE WHEN s.has_type = 1 THEN s.span_type END, s.content
                FROM UNNEST(?::text[], ?::text[], ?::text[], ?::int8[], ?::text[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::text[],
                            ?::int8[], ?::text[])
                    AS s (trace_id, span_id, parent_span_id, has_parent, name, start_time_ns, end_time_ns, has_end, status_code, span_type,
                          has_type, content),
                    written w
                WHERE w.trace_id = s.trace_id
                ON CONFLICT (trace_pk, span_id) DO UPDATE SET
                    parent_span_id = excluded.parent_span_id, name = excluded.name, start_time_ns = excluded.start_time_ns,
                    end_time_ns = excluded.end_time_ns, status_code = excluded.status_code, span_type = excluded.span_type,
                    content = excluded.content
            ),
            tags AS (
                INSERT INTO trace_tags (trace_pk, key, value)
                SELECT w.trace_pk, u.key, u.value FROM UNNEST(?::text[], ?::text[], ?::text[]) AS u (trace_id, key, value), written w
                WHERE w.trace_id = u.trace_id
                ON CONFLICT (trace_pk, key) DO UPDATE SET value = excluded.value
            ),
            metadata AS (
                INSERT INTO trace_metadata (trace_pk, key, value)
                SELECT w.trace_pk, u.key, u.value FROM UNNEST(?::text[], ?::text[], ?::text[]) AS u (trace_id, key, value), written w
                WHERE w.trace_id = u.trace_id
                ON CONFLICT (trace_pk, key) DO UPDATE SET value = excluded.value
            )
            SELECT count(*) FROM written
            """,
            [.integer(experimentID.value), .texts(traceOrder), .integers(rows.map(\.progress.requestTime))]
                + nullable(rows.map(\.progress.executionTime)) + [.texts(rows.map(\.progress.state.name))]
                + nullable(rows.map(\.requestPreview)) + nullable(rows.map(\.responsePreview))
                + [.texts(spans.owners), .texts(spanRows.map(\.spanID))] + nullable(spanRows.map(\.parentSpanID))
                + [.texts(spanRows.map(\.name)), .integers(spanRows.map(\.startTimeNanos))] + nullable(spanRows.map(\.endTimeNanos))
                + [.integers(spanRows.map { Int64($0.statusCode) })] + nullable(spanRows.map(\.spanType))
                + [.texts(spanRows.map(\.content))]
                + [.texts(tags.owners), .texts(tags.values.map(\.key)), .texts(tags.values.map(\.value))]
                + [.texts(metadata.owners), .texts(metadata.values.map(\.key)), .texts(metadata.values.map(\.value))])
    }

    /// An optional column as `UNNEST` arrays, which cannot carry NULL here: its values, and 1 where one is present.
    private func nullable(_ values: [String?]) -> [SQLValue] {
        [.texts(values.map { $0 ?? "" }), .integers(values.map { $0 == nil ? 0 : 1 })]
    }

    private func nullable(_ values: [Int64?]) -> [SQLValue] {
        [.integers(values.map { $0 ?? 0 }), .integers(values.map { $0 == nil ? 0 : 1 })]
    }
}

/// Rows that each belong to a trace, the last put under a (trace, key) pair replacing the earlier one in its place.
private struct KeyedRows<Value> {
    private(set) var owners: [String] = []
    private(set) var values: [Value] = []
    private var positions: [String: [String: Int]] = [:]

    mutating func put(_ owner: String, _ value: Value, key: String) {
        if let index = positions[owner]?[key] {
            values[index] = value
        } else {
            positions[owner, default: [:]][key] = values.count
            owners.append(owner)
            values.append(value)
        }
    }
}
