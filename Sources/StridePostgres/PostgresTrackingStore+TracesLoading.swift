import StrideDomain
import StrideStore

extension PostgresTrackingStore {
    /// The columns of a trace row, in the order ``loadTraces(rows:in:)`` reads them.
    static let traceColumns = [
        "trace_pk", "trace_id", "experiment_id", "request_time", "execution_time", "state", "client_request_id", "request_preview",
        "response_preview",
    ]

    /// The traces of `rows` (``traceColumns`` first), in that order, with their tags, metadata and
    /// assessments: two statements whatever the number of traces.
    static func loadTraces(rows: [SQLRow], in db: Session) async throws -> [TraceInfo] {
        guard !rows.isEmpty else { return [] }
        var traces: [Int64: TraceInfo] = [:]
        for row in rows {
            traces[row.int(0)] = TraceInfo(
                id: row.text(1), experimentID: ExperimentID(row.int(2)), requestTime: row.int(3), executionDuration: row.optionalInt(4),
                state: TraceState(parsing: row.text(5)) ?? .unspecified, clientRequestID: row.optionalText(6),
                requestPreview: row.optionalText(7), responsePreview: row.optionalText(8))
        }
        let selected = SQLValue.integers(rows.map { $0.int(0) })
        // Keys sort bytewise (the "C" collation), as SQLite lists them.
        let pairs = try await db.rows(SQL(
            """
            SELECT trace_pk, FALSE, key, value FROM trace_tags WHERE trace_pk = ANY(?::int8[])
            UNION ALL SELECT trace_pk, TRUE, key, value FROM trace_metadata WHERE trace_pk = ANY(?::int8[])
            ORDER BY 3
            """,
            [selected, selected]))
        for row in pairs {
            let pair = KeyValue(key: row.text(2), value: row.text(3))
            if case .bool(true) = row[1] { traces[row.int(0)]?.metadata.append(pair) } else { traces[row.int(0)]?.tags.append(pair) }
        }
        let assessments = try await db.rows(SQL(
            """
            SELECT trace_pk, assessment_id, name, span_id, create_time, last_update_time, valid, overrides, details
            FROM trace_assessments WHERE trace_pk = ANY(?::int8[]) ORDER BY create_time, assessment_pk
            """,
            [selected]))
        for row in assessments {
            let pk = row.int(0)
            guard let traceID = traces[pk]?.id else { continue }
            traces[pk]?.assessments.append(Assessment(
                id: row.text(1), traceID: traceID, name: row.text(2), spanID: row.optionalText(3), createTime: row.int(4),
                lastUpdateTime: row.int(5), valid: row[6] == .bool(true), overrides: row.optionalText(7), details: row.text(8)))
        }
        return rows.compactMap { traces[$0.int(0)] }
    }
}
