import PostgresNIO
import StrideDomain

extension PostgresTrackingStore {
    /// Builds full runs from `runs` rows: params, tags, latest metrics, inputs and outputs for all of
    /// them, whatever the number of runs; the page's keys travel as one array.
    ///
    /// One statement answers params, tags and latest metrics, each as parallel arrays, and says whether
    /// any run of the page has dataset inputs, model inputs or outputs; only then are those read. At
    /// 100,000 runs a 100-run search page spent ~1 µs of postgres-nio's row iteration per value (3 ms
    /// of its 14 ms) and a round trip per table (seven); now it decodes a dozen arrays in one round trip.
    static func loadRuns(_ rows: [SQLRow], in db: Session) async throws -> [Run] {
        guard !rows.isEmpty else { return [] }
        let pks = SQLValue.integers(rows.map { $0.int(0) })
        let values = try await RunValues.load(pks, in: db)

        var inputs: [Int64: [DatasetInput]] = [:]
        if values.hasDatasetInputs {
            var inputTags: [Int64: [Int64: [Tag]]] = [:]
            for row in try await db.rows(SQL(
                "SELECT run_pk, dataset_pk, key, value FROM run_input_tags WHERE run_pk = ANY(?) ORDER BY key", [pks]).reused())
            {
                inputTags[row.int(0), default: [:]][row.int(1), default: []].append(Tag(key: row.text(2), value: row.text(3)))
            }
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
        }
        var modelInputs: [Int64: [ModelInput]] = [:]
        if values.hasModelInputs {
            for row in try await db.rows(SQL("SELECT run_pk, model_id FROM run_model_inputs WHERE run_pk = ANY(?) ORDER BY model_id", [pks]).reused()) {
                modelInputs[row.int(0), default: []].append(ModelInput(modelID: row.text(1)))
            }
        }
        var outputs: [Int64: [ModelOutput]] = [:]
        if values.hasModelOutputs {
            for row in try await db.rows(SQL("SELECT run_pk, model_id, step FROM run_outputs WHERE run_pk = ANY(?) ORDER BY step, model_id", [pks]).reused()) {
                outputs[row.int(0), default: []].append(ModelOutput(modelID: row.text(1), step: row.int(2)))
            }
        }
        return rows.map { row in
            let pk = row.int(0)
            return Run(
                info: runInfo(from: row), latestMetrics: values.metrics[pk] ?? [], params: values.params[pk] ?? [],
                tags: values.tags[pk] ?? [], datasetInputs: inputs[pk] ?? [], modelInputs: modelInputs[pk] ?? [],
                modelOutputs: outputs[pk] ?? [])
        }
    }
}

/// The params, tags and latest metrics of a page of runs, each run's in key order, and which of the
/// rarer tables hold anything for the page.
private struct RunValues {
    var params: [Int64: [Param]] = [:]
    var tags: [Int64: [Tag]] = [:]
    var metrics: [Int64: [Metric]] = [:]
    var hasDatasetInputs = false
    var hasModelInputs = false
    var hasModelOutputs = false

    /// Each aggregate subquery yields exactly one row, so the statement answers one row; the arrays of
    /// one subquery come from one pass over the same rows, element by element.
    private static let statement = """
        SELECT p.run_pks, p.keys, p.vals, t.run_pks, t.keys, t.vals,
            m.run_pks, m.keys, m.steps, m.timestamps, m.vals, m.nans,
            EXISTS (SELECT 1 FROM run_inputs WHERE run_pk = ANY(?)),
            EXISTS (SELECT 1 FROM run_model_inputs WHERE run_pk = ANY(?)),
            EXISTS (SELECT 1 FROM run_outputs WHERE run_pk = ANY(?))
        FROM (SELECT array_agg(run_pk) AS run_pks, array_agg(key) AS keys, array_agg(value) AS vals
              FROM params WHERE run_pk = ANY(?)) p,
            (SELECT array_agg(run_pk) AS run_pks, array_agg(key) AS keys, array_agg(value) AS vals
             FROM run_tags WHERE run_pk = ANY(?)) t,
            (SELECT array_agg(l.run_pk) AS run_pks, array_agg(k.key) AS keys, array_agg(l.step) AS steps,
                 array_agg(l.timestamp) AS timestamps, array_agg(l.value) AS vals, array_agg(l.is_nan) AS nans
             FROM latest_metrics l JOIN metric_keys k ON k.key_id = l.key_id WHERE l.run_pk = ANY(?)) m
        """

    static func load(_ pks: SQLValue, in db: Session) async throws -> RunValues {
        var values = RunValues()
        try await db.forEachRow(SQL(statement, Array(repeating: pks, count: 6)).reused()) { row in
            let cells = row.makeRandomAccess()
            guard cells.count == 15 else { throw PostgresArrayShapeMismatch() }
            let (paramRuns, paramKeys, paramValues) = try (
                BinaryArrayColumn.int64s(cells[0]), BinaryArrayColumn.strings(cells[1]), BinaryArrayColumn.strings(cells[2]))
            try requireOneElementPerRow(paramRuns.count, paramKeys.count, paramValues.count)
            for index in paramRuns.indices {
                values.params[paramRuns[index], default: []].append(Param(key: paramKeys[index], value: paramValues[index]))
            }
            let (tagRuns, tagKeys, tagValues) = try (
                BinaryArrayColumn.int64s(cells[3]), BinaryArrayColumn.strings(cells[4]), BinaryArrayColumn.strings(cells[5]))
            try requireOneElementPerRow(tagRuns.count, tagKeys.count, tagValues.count)
            for index in tagRuns.indices {
                values.tags[tagRuns[index], default: []].append(Tag(key: tagKeys[index], value: tagValues[index]))
            }
            let (metricRuns, metricKeys, steps) = try (
                BinaryArrayColumn.int64s(cells[6]), BinaryArrayColumn.strings(cells[7]), BinaryArrayColumn.int64s(cells[8]))
            let (timestamps, metricValues, nans) = try (
                BinaryArrayColumn.int64s(cells[9]), BinaryArrayColumn.doubles(cells[10]), BinaryArrayColumn.int64s(cells[11]))
            try requireOneElementPerRow(
                metricRuns.count, metricKeys.count, steps.count, timestamps.count, metricValues.count, nans.count)
            for index in metricRuns.indices {
                values.metrics[metricRuns[index], default: []].append(Metric(
                    key: metricKeys[index], value: StoredMetricValue.decode(value: metricValues[index], isNaN: nans[index]),
                    timestamp: timestamps[index], step: steps[index]))
            }
            values.hasDatasetInputs = try cells[12].decode(Bool.self)
            values.hasModelInputs = try cells[13].decode(Bool.self)
            values.hasModelOutputs = try cells[14].decode(Bool.self)
        }
        // Key order by the keys' bytes: the columns' "C" collation, as ORDER BY key gave it.
        for pk in values.params.keys { values.params[pk]?.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } }
        for pk in values.tags.keys { values.tags[pk]?.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } }
        for pk in values.metrics.keys { values.metrics[pk]?.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } }
        return values
    }
}

/// Parallel arrays from one subquery's `array_agg`s hold one element per row each.
private func requireOneElementPerRow(_ counts: Int...) throws {
    guard counts.allSatisfy({ $0 == counts.first }) else { throw PostgresArrayShapeMismatch() }
}

