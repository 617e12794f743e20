public import StrideDomain
import StrideStore

/// Which project owns an id, for the service's project check on every id-based call.
extension PostgresTrackingStore {
    public func projectOfExperiment(id: ExperimentID) async throws -> String? {
        try await database.read { db in
            try await db.row(SQL(
                "SELECT p.name FROM experiments e JOIN projects p USING (project_id) WHERE e.experiment_id = ?", id.value))?.text(0)
        }
    }

    public func projectOfRun(id: String) async throws -> String? {
        try await database.read { db in
            try await db.row(SQL(
                """
                SELECT p.name FROM runs r JOIN experiments e USING (experiment_id) JOIN projects p USING (project_id)
                WHERE r.run_uuid = ?
                """, id))?.text(0)
        }
    }

    public func datasetSummaries(experimentIDs: [ExperimentID], limit: Int) async throws -> [DatasetSummary] {
        guard !experimentIDs.isEmpty else { return [] }
        return try await database.read { db in
            // An input without a context tag still counts, with no context: hence the left join.
            try await db.rows(SQL(
                """
                SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value
                FROM datasets d
                JOIN run_inputs i ON i.dataset_pk = d.dataset_pk
                LEFT JOIN run_input_tags t ON t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk AND t.key = ?
                WHERE d.experiment_id = ANY(?)
                LIMIT ?
                """,
                [.text(ReservedTag.datasetContext), .integers(experimentIDs.map(\.value)), .integer(Int64(limit))])
            ).map { DatasetSummary(experimentID: ExperimentID($0.int(0)), name: $0.text(1), digest: $0.text(2), context: $0.optionalText(3)) }
        }
    }
}
