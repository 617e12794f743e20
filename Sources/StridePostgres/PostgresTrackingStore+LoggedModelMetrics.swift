import StrideDomain
import StrideStore

extension PostgresTrackingStore {
    /// Records points logged against logged models of the run's project, in the batch's transaction;
    /// an unknown (or deleted, or foreign) model fails the whole batch.
    static func insertModelMetrics(_ metrics: [ModelMetric], runID: String, in db: Session) async throws {
        var pks: [String: Int64] = [:]
        for row in try await db.rows(SQL(
            """
            SELECT m.model_id, m.model_pk FROM logged_models m JOIN experiments e USING (experiment_id)
            WHERE m.model_id = ANY(?::text[]) AND m.deleted = 0
              AND e.project_id = (SELECT re.project_id FROM runs r JOIN experiments re USING (experiment_id) WHERE r.run_uuid = ?)
            """,
            [.texts(Array(Set(metrics.map(\.modelID)))), .text(runID)]))
        {
            pks[row.text(0)] = row.int(1)
        }
        let rows = try metrics.map { point in
            guard let pk = pks[point.modelID] else { throw StoreError.notFound(.loggedModel(id: point.modelID)) }
            return (modelPK: pk, point: point)
        }
        try await insertModelMetricRows(rows, in: db)
    }

    /// Inserts points of logged models in one statement, each row's columns bound as arrays;
    /// points already stored are left as they are.
    static func insertModelMetricRows(_ rows: [(modelPK: Int64, point: ModelMetric)], in db: Session) async throws {
        guard !rows.isEmpty else { return }
        var models: [Int64] = [], keys: [String] = [], timestamps: [Int64] = [], steps: [Int64] = [], runIDs: [String] = []
        var datasetNames: [String] = [], datasetDigests: [String] = [], values: [Double] = [], nans: [Int64] = []
        for (pk, point) in rows {
            let stored = StoredMetricValue.encode(point.metric.value)
            models.append(pk)
            keys.append(point.metric.key)
            timestamps.append(point.metric.timestamp)
            steps.append(point.metric.step)
            runIDs.append(point.runID)
            datasetNames.append(point.datasetName ?? "")
            datasetDigests.append(point.datasetDigest ?? "")
            values.append(stored.value)
            nans.append(stored.isNaN)
        }
        try await db.execute(SQL(
            """
            INSERT INTO logged_model_metrics (model_pk, key, timestamp, step, run_id, dataset_name, dataset_digest, value, is_nan)
            SELECT * FROM UNNEST(?::int8[], ?::text[], ?::int8[], ?::int8[], ?::text[], ?::text[], ?::text[], ?::float8[], ?::int8[])
            ON CONFLICT DO NOTHING
            """,
            [.integers(models), .texts(keys), .integers(timestamps), .integers(steps), .texts(runIDs), .texts(datasetNames), .texts(datasetDigests),
             .reals(values), .integers(nans)]))
    }
}
