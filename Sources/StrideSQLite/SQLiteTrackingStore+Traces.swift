import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore: TraceStore {
    public func startTrace(_ trace: TraceInfo) async throws -> TraceInfo {
        try await pool.write { db in
            _ = try Self.requireExperiment(trace.experimentID, in: db)
            let pk = try Self.insertTrace(trace, in: db)
            for assessment in trace.assessments { try Self.saveAssessment(assessment, tracePK: pk, in: db) }
            return try Self.loadTraces(pks: [pk], in: db)[0]
        }
    }

    public func traceExperiments(ids: [String]) async throws -> [String: ExperimentID] {
        try readNow { db in
            var owners: [String: ExperimentID] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT trace_id, experiment_id FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))",
                arguments: [JSONText.array(ids)])
            while let row = try rows.next() { owners[row.text("trace_id")] = ExperimentID(row.int("experiment_id")) }
            return owners
        }
    }

    public func traceInfos(ids: [String]) async throws -> [TraceInfo] {
        try readNow { db in
            let pks = try Int64.fetchAll(
                db, sql: "SELECT trace_pk FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))", arguments: [JSONText.array(ids)])
            let byID = Dictionary(try Self.loadTraces(pks: pks, in: db).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return ids.compactMap { byID[$0] }
        }
    }

    public func searchTraces(_ query: TraceQuery) async throws -> (traces: [TraceInfo], next: RunSearchCursor?) {
        try readNow { db in
            let plan = TraceSearchSQL(query: query)
            let rows = try Row.fetchAll(db, sql: plan.sql.sql, arguments: StatementArguments(plan.sql.arguments))
            let hasMore = rows.count > query.maxResults
            let page = rows.prefix(query.maxResults)
            let traces = try Self.loadTraces(pks: page.map { $0.int("trace_pk") }, in: db)
            let next = hasMore ? page.last.map { plan.cursor(of: $0) } : nil
            return (traces, next)
        }
    }

    public func deleteTraces(ids: [String]) async throws -> Int {
        try await pool.write { db in
            let pks = try Int64.fetchAll(
                db, sql: "SELECT trace_pk FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))", arguments: [JSONText.array(ids)])
            try Self.deleteTraceRows(pks, in: db)
            return pks.count
        }
    }

    public func deleteTraces(experimentID: ExperimentID, before: Int64, limit: Int) async throws -> Int {
        try await pool.write { db in
            let pks = try Int64.fetchAll(
                db,
                sql: "SELECT trace_pk FROM traces WHERE experiment_id = ? AND request_time <= ? ORDER BY request_time, trace_id LIMIT ?",
                arguments: [experimentID.value, before, limit])
            try Self.deleteTraceRows(pks, in: db)
            return pks.count
        }
    }

    public func setTraceTag(id: String, tag: Tag) async throws {
        try await pool.write { db in
            let pk = try Self.requireTrace(id, in: db)
            try Self.upsertKeyValues([tag], table: "trace_tags", tracePK: pk, in: db)
        }
    }

    public func deleteTraceTag(id: String, key: String) async throws {
        try await pool.write { db in
            let pk = try Self.requireTrace(id, in: db)
            try db.execute(sql: "DELETE FROM trace_tags WHERE trace_pk = ? AND key = ?", arguments: [pk, key])
            guard db.changesCount > 0 else { throw StrideError.notFound("No trace tag with key '\(key)' for trace with ID '\(id)'") }
        }
    }

    public func linkTraces(ids: [String], toRun runID: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO trace_runs (trace_pk, run_id) SELECT trace_pk, ? FROM traces WHERE trace_id IN (SELECT value FROM json_each(?))",
                arguments: [runID, JSONText.array(ids)])
        }
    }

    public func saveAssessment(_ assessment: Assessment) async throws {
        try await pool.write { db in
            let pk = try Self.requireTrace(assessment.traceID, in: db)
            let count = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM trace_assessments WHERE trace_pk = ? AND assessment_id != ?", arguments: [pk, assessment.id]) ?? 0
            guard count < Limits.maxAssessmentsPerTrace else {
                throw StrideError.invalidParameter(
                    "Trace '\(assessment.traceID)' already has \(Limits.maxAssessmentsPerTrace) assessments (the limit of assessments per trace).")
            }
            try Self.saveAssessment(assessment, tracePK: pk, in: db)
        }
    }

    public func deleteAssessment(traceID: String, id: String) async throws {
        try await pool.write { db in
            let pk = try Self.requireTrace(traceID, in: db)
            let overrides = try String?.fetchOne(
                db, sql: "SELECT overrides FROM trace_assessments WHERE trace_pk = ? AND assessment_id = ?", arguments: [pk, id])
            try db.execute(sql: "DELETE FROM trace_assessments WHERE trace_pk = ? AND assessment_id = ?", arguments: [pk, id])
            guard db.changesCount > 0 else {
                throw StrideError.notFound("Assessment with ID '\(id)' not found for trace '\(traceID)'")
            }
            if let overrides {
                try db.execute(
                    sql: "UPDATE trace_assessments SET valid = 1 WHERE trace_pk = ? AND assessment_id = ?", arguments: [pk, overrides])
            }
        }
    }

    public func spans(traceID: String) async throws -> [TraceSpan] {
        try readNow { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.* FROM trace_spans s JOIN traces t USING (trace_pk) WHERE t.trace_id = ?
                    ORDER BY s.start_time_ns, s.span_id
                    """,
                arguments: [traceID]
            ).map { row in
                TraceSpan(
                    traceID: traceID, spanID: row.text("span_id"), parentSpanID: row["parent_span_id"], name: row.text("name"),
                    startTimeNanos: row.int("start_time_ns"), endTimeNanos: row["end_time_ns"], statusCode: Int(row.int("status_code")),
                    spanType: row["span_type"], content: row.text("content"))
            }
        }
    }

    // MARK: Rows

    /// Writes the trace row with its tags and metadata; answers its key.
    private static func insertTrace(_ trace: TraceInfo, in db: Database) throws -> Int64 {
        let pk = try upsertTraceRow(trace, in: db)
        try upsertKeyValues(trace.tags, table: "trace_tags", tracePK: pk, in: db)
        try upsertKeyValues(trace.metadata, table: "trace_metadata", tracePK: pk, in: db)
        return pk
    }

    /// Inserts the trace row, or overwrites the top-level fields of the stored one; answers its key.
    private static func upsertTraceRow(_ trace: TraceInfo, in db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO traces (trace_id, experiment_id, request_time, execution_time, state, client_request_id, request_preview, response_preview)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (trace_id) DO UPDATE SET
                    request_time = excluded.request_time, execution_time = excluded.execution_time, state = excluded.state,
                    client_request_id = IFNULL(excluded.client_request_id, client_request_id),
                    request_preview = IFNULL(excluded.request_preview, request_preview),
                    response_preview = IFNULL(excluded.response_preview, response_preview)
                """,
            arguments: [
                trace.id, trace.experimentID.value, trace.requestTime, trace.executionDuration, trace.state.name, trace.clientRequestID,
                trace.requestPreview, trace.responsePreview,
            ])
        return try Int64.fetchOne(db, sql: "SELECT trace_pk FROM traces WHERE trace_id = ?", arguments: [trace.id]) ?? 0
    }

    static func upsertKeyValues(_ pairs: [KeyValue], table: String, tracePK: Int64, in db: Database) throws {
        guard !pairs.isEmpty else { return }
        let statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(table) (trace_pk, key, value) VALUES (?, ?, ?)")
        for pair in pairs { try statement.execute(arguments: [tracePK, pair.key, pair.value]) }
    }

    private static func saveAssessment(_ assessment: Assessment, tracePK: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO trace_assessments
                    (assessment_id, trace_pk, name, span_id, create_time, last_update_time, valid, overrides, details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                assessment.id, tracePK, assessment.name, assessment.spanID, assessment.createTime, assessment.lastUpdateTime,
                assessment.valid, assessment.overrides, assessment.details,
            ])
        if let overrides = assessment.overrides {
            try db.execute(
                sql: "UPDATE trace_assessments SET valid = 0 WHERE trace_pk = ? AND assessment_id = ?", arguments: [tracePK, overrides])
        }
    }

    private static func requireTrace(_ id: String, in db: Database) throws -> Int64 {
        guard let pk = try Int64.fetchOne(db, sql: "SELECT trace_pk FROM traces WHERE trace_id = ?", arguments: [id]) else {
            throw StrideError.notFound("Trace with ID '\(id)' not found.")
        }
        return pk
    }

    /// Deletes the traces with keys `pks` and all they hold.
    static func deleteTraceRows(_ pks: [Int64], in db: Database) throws {
        guard !pks.isEmpty else { return }
        let list = JSONText.array(pks.map(String.init))
        try db.execute(
            sql: "DELETE FROM trace_early_run_links WHERE trace_id IN (SELECT trace_id FROM traces WHERE trace_pk IN (SELECT CAST(value AS INTEGER) FROM json_each(?)))",
            arguments: [list])
        for table in ["trace_tags", "trace_metadata", "trace_runs", "trace_prompt_links", "trace_assessments", "trace_spans", "traces"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE trace_pk IN (SELECT CAST(value AS INTEGER) FROM json_each(?))", arguments: [list])
        }
    }

    /// The traces with keys `pks`, in that order, with their tags, metadata and assessments: four statements.
    static func loadTraces(pks: [Int64], in db: Database) throws -> [TraceInfo] {
        guard !pks.isEmpty else { return [] }
        let list = JSONText.array(pks.map(String.init))
        let selected = "trace_pk IN (SELECT CAST(value AS INTEGER) FROM json_each(?))"
        var traces: [Int64: TraceInfo] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM traces WHERE \(selected)", arguments: [list]) {
            traces[row.int("trace_pk")] = TraceInfo(
                id: row.text("trace_id"), experimentID: ExperimentID(row.int("experiment_id")), requestTime: row.int("request_time"),
                executionDuration: row["execution_time"], state: TraceState(parsing: row.text("state")) ?? .unspecified,
                clientRequestID: row["client_request_id"], requestPreview: row["request_preview"], responsePreview: row["response_preview"])
        }
        for (table, isTag) in [("trace_tags", true), ("trace_metadata", false)] {
            for row in try Row.fetchAll(db, sql: "SELECT trace_pk, key, value FROM \(table) WHERE \(selected) ORDER BY key", arguments: [list]) {
                let pair = KeyValue(key: row.text("key"), value: row.text("value"))
                if isTag { traces[row.int("trace_pk")]?.tags.append(pair) } else { traces[row.int("trace_pk")]?.metadata.append(pair) }
            }
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT * FROM trace_assessments WHERE \(selected) ORDER BY create_time, assessment_pk", arguments: [list]
        ) {
            let pk = row.int("trace_pk")
            guard let traceID = traces[pk]?.id else { continue }
            traces[pk]?.assessments.append(Assessment(
                id: row.text("assessment_id"), traceID: traceID, name: row.text("name"), spanID: row["span_id"],
                createTime: row.int("create_time"), lastUpdateTime: row.int("last_update_time"), valid: row.int("valid") != 0,
                overrides: row["overrides"], details: row.text("details")))
        }
        return pks.compactMap { traces[$0] }
    }
}
