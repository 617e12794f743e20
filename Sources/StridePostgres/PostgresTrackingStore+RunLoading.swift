import StrideDomain

extension PostgresTrackingStore {
    /// Builds full runs from `runs` rows: params, tags, latest metrics, inputs and outputs for all of
    /// them with one query per table, whatever the number of runs; the page's keys travel as one array.
    static func loadRuns(_ rows: [SQLRow], in db: Session) async throws -> [Run] {
        guard !rows.isEmpty else { return [] }
        let pks = SQLValue.integers(rows.map { $0.int(0) })

        var params: [Int64: [Param]] = [:]
        for row in try await db.rows(SQL("SELECT run_pk, key, value FROM params WHERE run_pk = ANY(?) ORDER BY run_pk, key", [pks]).reused()) {
            params[row.int(0), default: []].append(Param(key: row.text(1), value: row.text(2)))
        }
        var tags: [Int64: [Tag]] = [:]
        for row in try await db.rows(SQL("SELECT run_pk, key, value FROM run_tags WHERE run_pk = ANY(?) ORDER BY run_pk, key", [pks]).reused()) {
            tags[row.int(0), default: []].append(Tag(key: row.text(1), value: row.text(2)))
        }
        var metrics: [Int64: [Metric]] = [:]
        for row in try await db.rows(SQL(
            """
            SELECT l.run_pk, k.key, l.step, l.timestamp, l.value, l.is_nan
            FROM latest_metrics l JOIN metric_keys k ON k.key_id = l.key_id
            WHERE l.run_pk = ANY(?) ORDER BY l.run_pk, k.key
            """, [pks]).reused())
        {
            metrics[row.int(0), default: []].append(Metric(
                key: row.text(1), value: StoredMetricValue.decode(value: row.double(4), isNaN: row.int(5)), timestamp: row.int(3),
                step: row.int(2)))
        }
        var inputTags: [Int64: [Int64: [Tag]]] = [:]
        for row in try await db.rows(SQL(
            "SELECT run_pk, dataset_pk, key, value FROM run_input_tags WHERE run_pk = ANY(?) ORDER BY key", [pks]).reused())
        {
            inputTags[row.int(0), default: [:]][row.int(1), default: []].append(Tag(key: row.text(2), value: row.text(3)))
        }
        var inputs: [Int64: [DatasetInput]] = [:]
        for row in try await db.rows(SQL(
            """
            SELECT i.run_pk, d.dataset_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk
            WHERE i.run_pk = ANY(?) ORDER BY d.dataset_pk
            """, [pks]).reused())
        {
            let runPK = row.int(0)
            inputs[runPK, default: []].append(DatasetInput(
                dataset: Dataset(
                    name: row.text(2), digest: row.text(3), sourceType: row.text(4), source: row.text(5),
                    schema: row.optionalText(6), profile: row.optionalText(7)),
                tags: inputTags[runPK]?[row.int(1)] ?? []))
        }
        var modelInputs: [Int64: [ModelInput]] = [:]
        for row in try await db.rows(SQL("SELECT run_pk, model_id FROM run_model_inputs WHERE run_pk = ANY(?) ORDER BY model_id", [pks]).reused()) {
            modelInputs[row.int(0), default: []].append(ModelInput(modelID: row.text(1)))
        }
        var outputs: [Int64: [ModelOutput]] = [:]
        for row in try await db.rows(SQL("SELECT run_pk, model_id, step FROM run_outputs WHERE run_pk = ANY(?) ORDER BY step, model_id", [pks]).reused()) {
            outputs[row.int(0), default: []].append(ModelOutput(modelID: row.text(1), step: row.int(2)))
        }
        return rows.map { row in
            let pk = row.int(0)
            return Run(
                info: runInfo(from: row), latestMetrics: metrics[pk] ?? [], params: params[pk] ?? [], tags: tags[pk] ?? [],
                datasetInputs: inputs[pk] ?? [], modelInputs: modelInputs[pk] ?? [], modelOutputs: outputs[pk] ?? [])
        }
    }
}
