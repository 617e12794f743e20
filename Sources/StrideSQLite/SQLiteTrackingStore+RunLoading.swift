import GRDB
import StrideDomain

extension SQLiteTrackingStore {
    /// Builds full runs from `runs` rows: params, tags, latest metrics, inputs and outputs for all of
    /// them with one query per table, whatever the number of runs.
    static func loadRuns(_ rows: [Row], in db: Database) throws -> [Run] {
        guard !rows.isEmpty else { return [] }
        // The page's run keys travel as one JSON array, so each statement has a single shape and
        // comes from the statement cache: GRDB's per-prepare authorizer cost ~15 % of a runs/get.
        let inList = "(SELECT value FROM json_each(?))"
        let arguments: StatementArguments = ["[" + rows.map { String($0[0] as Int64) }.joined(separator: ",") + "]"]

        var params: [Int64: [Param]] = [:]
        // Cursors and positional columns: copying rows and looking columns up by name cost more
        // than the queries themselves on a page of 1,000 runs. `ORDER BY run_pk, key` is the
        // primary key's order, so SQLite returns params and tags sorted without a sort step.
        let paramRows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT run_pk, key, value FROM params WHERE run_pk IN \(inList) ORDER BY run_pk, key"), arguments: arguments)
        while let row = try paramRows.next() {
            params[row[0], default: []].append(Param(key: row[1], value: row[2]))
        }
        var tags: [Int64: [Tag]] = [:]
        let tagRows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT run_pk, key, value FROM run_tags WHERE run_pk IN \(inList) ORDER BY run_pk, key"), arguments: arguments)
        while let row = try tagRows.next() {
            tags[row[0], default: []].append(Tag(key: row[1], value: row[2]))
        }
        var metrics: [Int64: [Metric]] = [:]
        let metricRows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT l.run_pk, k.key, l.step, l.timestamp, l.value, l.is_nan
                FROM latest_metrics l JOIN metric_keys k ON k.key_id = l.key_id
                WHERE l.run_pk IN \(inList)
                """),
            arguments: arguments)
        while let row = try metricRows.next() {
            metrics[row[0], default: []].append(Metric(
                key: row[1], value: StoredMetricValue.decode(value: row[4], isNaN: row[5]), timestamp: row[3], step: row[2]))
        }
        // Key ids are not in name order; sorting each run's few metrics here (bytewise, as SQLite
        // would) costs less than SQLite sorting the whole page's metrics.
        for runPK in metrics.keys {
            metrics[runPK]?.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
        var inputTags: [Int64: [Int64: [Tag]]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT run_pk, dataset_pk, key, value FROM run_input_tags WHERE run_pk IN \(inList) ORDER BY key"),
            arguments: arguments)
        {
            inputTags[row.int("run_pk"), default: [:]][row.int("dataset_pk"), default: []]
                .append(Tag(key: row.text("key"), value: row.text("value")))
        }
        // Ordered here, not by SQL: an ORDER BY over the join sorts whole rows, and a dataset row
        // carries MLflow's largest profile (16 MB), which the sorter copied three times over.
        var unorderedInputs: [Int64: [(datasetPK: Int64, input: DatasetInput)]] = [:]
        let datasetRows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT i.run_pk, d.dataset_pk, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
                FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk
                WHERE i.run_pk IN \(inList)
                """),
            arguments: arguments)
        while let row = try datasetRows.next() {
            let runPK = row.int("run_pk"), datasetPK = row.int("dataset_pk")
            unorderedInputs[runPK, default: []].append((datasetPK, DatasetInput(
                dataset: Dataset(
                    name: row.text("name"), digest: row.text("digest"), sourceType: row.text("source_type"), source: row.text("source"),
                    schema: row["schema"], profile: row["profile"]),
                tags: inputTags[runPK]?[datasetPK] ?? [])))
        }
        let inputs = unorderedInputs.mapValues { pairs in pairs.sorted { $0.datasetPK < $1.datasetPK }.map(\.input) }

        var modelInputs: [Int64: [ModelInput]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT run_pk, model_id FROM run_model_inputs WHERE run_pk IN \(inList) ORDER BY model_id"),
            arguments: arguments)
        {
            modelInputs[row.int("run_pk"), default: []].append(ModelInput(modelID: row.text("model_id")))
        }
        var outputs: [Int64: [ModelOutput]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT run_pk, model_id, step FROM run_outputs WHERE run_pk IN \(inList) ORDER BY step, model_id"),
            arguments: arguments)
        {
            outputs[row.int("run_pk"), default: []].append(ModelOutput(modelID: row.text("model_id"), step: row.int("step")))
        }
        return rows.map { row in
            let pk: Int64 = row[0]
            return Run(
                info: runInfo(from: row), latestMetrics: metrics[pk] ?? [], params: params[pk] ?? [], tags: tags[pk] ?? [],
                datasetInputs: inputs[pk] ?? [], modelInputs: modelInputs[pk] ?? [], modelOutputs: outputs[pk] ?? [])
        }
    }
}
