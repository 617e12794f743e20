public import StrideDomain
public import StrideStore

/// MLflow 3 traces on PostgreSQL, as the SQLite store keeps them. Each call is one transaction, or
/// one statement where a single statement does the whole job (PostgreSQL applies it atomically).
/// Writes that read a trace before they change it (`start_trace`, span ingest) first take a
/// transaction-scoped advisory lock per trace id, so exports of one trace through several instances
/// are applied one after the other, as SQLite's single writer applies them.
extension PostgresTrackingStore: TraceStore {
    public func startTrace(_ trace: TraceInfo) async throws -> TraceInfo {
        let tags = UniqueKeyed.lastWins(trace.tags, key: \.key)
        let metadata = UniqueKeyed.lastWins(trace.metadata, key: \.key)
        return try await database.write { db in
            try await Self.lockTraces([trace.id], requiringExperiment: trace.experimentID, in: db)
            // The given fields replace the stored ones; a missing client request id or preview keeps the stored one.
            let rows = try await db.rows(SQL(
                """
                WITH written AS (
                    INSERT INTO traces AS t
                        (trace_id, experiment_id, request_time, execution_time, state, client_request_id, request_preview, response_preview)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (trace_id) DO UPDATE SET
                        request_time = excluded.request_time, execution_time = excluded.execution_time, state = excluded.state,
                        client_request_id = COALESCE(excluded.client_request_id, t.client_request_id),
                        request_preview = COALESCE(excluded.request_preview, t.request_preview),
                        response_preview = COALESCE(excluded.response_preview, t.response_preview)
                    RETURNING \(Self.traceColumns.joined(separator: ", "))
                ),
                tags AS (
                    INSERT INTO trace_tags (trace_pk, key, value) SELECT written.trace_pk, u.* FROM written, UNNEST(?::text[], ?::text[]) AS u
                    ON CONFLICT (trace_pk, key) DO UPDATE SET value = excluded.value
                ),
                metadata AS (
                    INSERT INTO trace_metadata (trace_pk, key, value) SELECT written.trace_pk, u.* FROM written, UNNEST(?::text[], ?::text[]) AS u
                    ON CONFLICT (trace_pk, key) DO UPDATE SET value = excluded.value
                )
                SELECT * FROM written
                """,
                [.text(trace.id), .integer(trace.experimentID.value), .integer(trace.requestTime), trace.executionDuration.sqlValue,
                 .text(trace.state.name), trace.clientRequestID.sqlValue, trace.requestPreview.sqlValue, trace.responsePreview.sqlValue,
                 .texts(tags.map(\.key)), .texts(tags.map(\.value)), .texts(metadata.map(\.key)), .texts(metadata.map(\.value))]))
            guard let row = rows.first else { throw Self.missingTrace(trace.id) }
            for assessment in trace.assessments { try await Self.saveAssessment(assessment, tracePK: row.int(0), in: db) }
            guard let stored = try await Self.loadTraces(rows: [row], in: db).first else { throw Self.missingTrace(trace.id) }
            return stored
        }
    }

    public func traceExperiments(ids: [String]) async throws -> [String: ExperimentID] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.read { db in
            try await db.rows(SQL("SELECT trace_id, experiment_id FROM traces WHERE trace_id = ANY(?::text[])", [.texts(ids)]))
        }
        var owners: [String: ExperimentID] = [:]
        for row in rows { owners[row.text(0)] = ExperimentID(row.int(1)) }
        return owners
    }

    public func traceInfos(ids: [String]) async throws -> [TraceInfo] {
        guard !ids.isEmpty else { return [] }
        let traces = try await database.snapshot { db in
            let rows = try await db.rows(SQL(
                "SELECT \(Self.traceColumns.joined(separator: ", ")) FROM traces WHERE trace_id = ANY(?::text[])", [.texts(ids)]))
            return try await Self.loadTraces(rows: rows, in: db)
        }
        let byID = Dictionary(traces.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    public func searchTraces(_ query: TraceQuery) async throws -> (traces: [TraceInfo], next: RunSearchCursor?) {
        let plan = try PostgresTraceSearchSQL(query: query)
        return try await database.snapshot { db in
            let rows = try await db.rows(plan.statement)
            let page = Array(rows.prefix(query.maxResults))
            let next = rows.count > query.maxResults ? page.last.map(plan.cursor(of:)) : nil
            return (try await Self.loadTraces(rows: page, in: db), next)
        }
    }

    public func deleteTraces(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await deleteTraces(selected: SQL("SELECT trace_pk FROM traces WHERE trace_id = ANY(?::text[])", [.texts(ids)]))
    }

    public func deleteTraces(experimentID: ExperimentID, before: Int64, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await deleteTraces(selected: SQL(
            "SELECT trace_pk FROM traces WHERE experiment_id = ? AND request_time <= ? ORDER BY request_time, trace_id LIMIT ?",
            experimentID.value, before, Int64(limit)))
    }

    /// Deletes the traces `selection` names (a query of their keys) with all they hold, in one
    /// statement; answers how many there were.
    private func deleteTraces(selected selection: SQL) async throws -> Int {
        let statement = Self.deleteTracesStatement(selected: selection)
        return try await database.writeOneStatement { db in try await db.execute(statement) }
    }

    /// One statement deleting the traces `selection` names (a query of their keys) with all they
    /// hold; a row for each trace.
    static func deleteTracesStatement(selected selection: SQL) -> SQL {
        let owned = Self.traceOwnedTables.enumerated().map { index, table in
            "d\(index) AS (DELETE FROM \(table) WHERE trace_pk IN (SELECT trace_pk FROM doomed))"
        }
        // Links to runs named before the trace arrived are kept by trace id, and go with it.
        let early = "early AS (DELETE FROM trace_early_run_links WHERE trace_id IN (SELECT trace_id FROM traces WHERE trace_pk IN (SELECT trace_pk FROM doomed)))"
        return SQL("WITH doomed AS (\(selection.sql)), \(owned.joined(separator: ", ")), \(early) ", selection.arguments)
            + SQL("DELETE FROM traces WHERE trace_pk IN (SELECT trace_pk FROM doomed) RETURNING 1")
    }

    public func setTraceTag(id: String, tag: Tag) async throws {
        let written = try await database.writeOneStatement { db in
            try await db.execute(SQL(
                """
                INSERT INTO trace_tags (trace_pk, key, value) SELECT trace_pk, ?, ? FROM traces WHERE trace_id = ?
                ON CONFLICT (trace_pk, key) DO UPDATE SET value = excluded.value RETURNING 1
                """,
                tag.key, tag.value, id))
        }
        guard written > 0 else { throw Self.missingTrace(id) }
    }

    public func deleteTraceTag(id: String, key: String) async throws {
        let row = try await database.writeOneStatement { db in
            try await db.row(SQL(
                """
                WITH trace AS (SELECT trace_pk FROM traces WHERE trace_id = ?),
                     removed AS (DELETE FROM trace_tags WHERE trace_pk IN (SELECT trace_pk FROM trace) AND key = ? RETURNING 1)
                SELECT (SELECT count(*) FROM trace), (SELECT count(*) FROM removed)
                """,
                id, key))
        }
        guard let row, row.int(0) > 0 else { throw Self.missingTrace(id) }
        guard row.int(1) > 0 else { throw StrideError.notFound("No trace tag with key '\(key)' for trace with ID '\(id)'") }
    }

    public func linkTraces(ids: [String], toRun runID: String) async throws {
        guard !ids.isEmpty else { return }
        try await database.writeOneStatement { db in
            try await db.execute(SQL(
                "INSERT INTO trace_runs (trace_pk, run_id) SELECT trace_pk, ? FROM traces WHERE trace_id = ANY(?::text[]) ON CONFLICT DO NOTHING",
                [.text(runID), .texts(ids)]))
        }
    }

    public func saveAssessment(_ assessment: Assessment) async throws {
        try await database.write { db in
            // The trace's row lock makes concurrent saves count one after the other.
            guard let pk = try await db.row(SQL("SELECT trace_pk FROM traces WHERE trace_id = ? FOR UPDATE", assessment.traceID))?.int(0) else {
                throw Self.missingTrace(assessment.traceID)
            }
            let count = try await db.row(SQL(
                "SELECT count(*) FROM trace_assessments WHERE trace_pk = ? AND assessment_id != ?", pk, assessment.id))?.int(0) ?? 0
            guard count < Limits.maxAssessmentsPerTrace else {
                throw StrideError.invalidParameter(
                    "Trace '\(assessment.traceID)' already has \(Limits.maxAssessmentsPerTrace) assessments (the limit of assessments per trace).")
            }
            try await Self.saveAssessment(assessment, tracePK: pk, in: db)
        }
    }

    public func deleteAssessment(traceID: String, id: String) async throws {
        // The assessment it had overridden becomes valid again, in the same statement.
        let row = try await database.writeOneStatement { db in
            try await db.row(SQL(
                """
                WITH trace AS (SELECT trace_pk FROM traces WHERE trace_id = ?),
                     removed AS (
                         DELETE FROM trace_assessments WHERE trace_pk IN (SELECT trace_pk FROM trace) AND assessment_id = ? RETURNING overrides
                     ),
                     restored AS (
                         UPDATE trace_assessments SET valid = TRUE
                         WHERE trace_pk IN (SELECT trace_pk FROM trace) AND assessment_id IN (SELECT overrides FROM removed) AND assessment_id != ?
                     )
                SELECT (SELECT count(*) FROM trace), (SELECT count(*) FROM removed)
                """,
                traceID, id, id))
        }
        guard let row, row.int(0) > 0 else { throw Self.missingTrace(traceID) }
        guard row.int(1) > 0 else { throw StrideError.notFound("Assessment with ID '\(id)' not found for trace '\(traceID)'") }
    }

    public func spans(traceID: String) async throws -> [TraceSpan] {
        let rows = try await database.read { db in
            try await db.rows(SQL(
                """
                SELECT s.span_id, s.parent_span_id, s.name, s.start_time_ns, s.end_time_ns, s.status_code, s.span_type, s.content
                FROM trace_spans s JOIN traces t ON t.trace_pk = s.trace_pk WHERE t.trace_id = ?
                ORDER BY s.start_time_ns, s.span_id
                """,
                traceID))
        }
        return rows.map { row in
            TraceSpan(
                traceID: traceID, spanID: row.text(0), parentSpanID: row.optionalText(1), name: row.text(2), startTimeNanos: row.int(3),
                endTimeNanos: row.optionalInt(4), statusCode: Int(truncatingIfNeeded: row.int(5)), spanType: row.optionalText(6),
                content: row.text(7))
        }
    }

    // MARK: Rows

    /// Every table with rows of one trace, besides `traces` itself.
    static let traceOwnedTables = ["trace_tags", "trace_metadata", "trace_runs", "trace_prompt_links", "trace_assessments", "trace_spans"]

    /// Takes, until the transaction ends, the lock of each trace id (in one order, so two writers
    /// never wait for each other) and refuses an unknown experiment.
    static func lockTraces(_ ids: [String], requiringExperiment experimentID: ExperimentID, in db: Session) async throws {
        let row = try await db.row(SQL(
            """
            SELECT EXISTS (SELECT 1 FROM experiments WHERE experiment_id = ?),
                   (SELECT count(pg_advisory_xact_lock(\(traceLockClass), k))
                    FROM (SELECT DISTINCT hashtext(id) AS k FROM UNNEST(?::text[]) AS u (id) ORDER BY k) AS keys)
            """,
            [.integer(experimentID.value), .texts(ids)]))
        guard case .bool(true) = row?[0] else { throw StoreError.notFound(.experiment(experimentID)) }
    }

    /// The first key of the trace locks' two-key advisory lock space ("Tr"); the one-key space holds the migration lock.
    private static let traceLockClass: Int32 = 0x5472

    /// Inserts the assessment, or replaces the one with its id; with `overrides`, marks that one invalid.
    private static func saveAssessment(_ assessment: Assessment, tracePK: Int64, in db: Session) async throws {
        // A replaced assessment takes a new key, as SQLite's `INSERT OR REPLACE` gives it one, so it
        // lists after assessments of the same creation time there too.
        try await db.execute(SQL(
            """
            INSERT INTO trace_assessments
                (assessment_id, trace_pk, name, span_id, create_time, last_update_time, valid, overrides, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (assessment_id) DO UPDATE SET
                assessment_pk = DEFAULT, trace_pk = excluded.trace_pk, name = excluded.name, span_id = excluded.span_id,
                create_time = excluded.create_time, last_update_time = excluded.last_update_time, valid = excluded.valid,
                overrides = excluded.overrides, details = excluded.details
            """,
            [.text(assessment.id), .integer(tracePK), .text(assessment.name), assessment.spanID.sqlValue, .integer(assessment.createTime),
             .integer(assessment.lastUpdateTime), .bool(assessment.valid), assessment.overrides.sqlValue, .text(assessment.details)]))
        if let overrides = assessment.overrides {
            try await db.execute(SQL(
                "UPDATE trace_assessments SET valid = FALSE WHERE trace_pk = ? AND assessment_id = ?", tracePK, overrides))
        }
    }

    static func missingTrace(_ id: String) -> StrideError {
        .notFound("Trace with ID '\(id)' not found.")
    }
}
