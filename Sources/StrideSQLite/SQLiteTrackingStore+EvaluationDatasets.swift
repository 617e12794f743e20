import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createEvaluationDataset(_ dataset: NewEvaluationDataset) async throws -> EvaluationDataset {
        try await pool.write { db in
            let projectID = try Self.projectID(named: dataset.project, in: db)
            try db.execute(
                sql: """
                    INSERT INTO evaluation_datasets (dataset_id, project_id, name, digest, created_time, last_update_time, created_by, last_updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    dataset.id, projectID, dataset.name, dataset.digest, dataset.creationTime, dataset.creationTime, dataset.createdBy,
                    dataset.createdBy,
                ])
            let pk = db.lastInsertedRowID
            try Self.setDatasetTags(dataset.tags, datasetPK: pk, in: db)
            try Self.linkDatasetExperiments(dataset.experimentIDs, datasetPK: pk, in: db)
            return try Self.loadEvaluationDataset(pk: pk, id: dataset.id, in: db)
        }
    }

    public func evaluationDataset(id: String, project: String) async throws -> EvaluationDataset? {
        try readNow { db in
            guard let pk = try Self.datasetPK(id: id, project: project, in: db) else { return nil }
            return try Self.loadEvaluationDatasets(pks: [pk], in: db).first
        }
    }

    public func deleteEvaluationDataset(id: String, project: String) async throws {
        try await pool.write { db in
            guard let pk = try Self.datasetPK(id: id, project: project, in: db) else { return }
            try Self.deleteEvaluationDatasets(pks: [pk], in: db)
        }
    }

    public func searchEvaluationDatasets(_ query: EvaluationDatasetQuery) async throws -> ResultPage<EvaluationDataset> {
        var conditions = [SQLFragment("d.project_id = (SELECT project_id FROM projects WHERE name = ?)", [query.project.databaseValue])]
        if !query.experimentIDs.isEmpty {
            conditions.append(SQLFragment(
                """
                EXISTS (SELECT 1 FROM evaluation_dataset_experiments x
                        WHERE x.dataset_pk = d.dataset_pk AND x.experiment_id IN (SELECT value FROM json_each(?)))
                """,
                [Self.jsonArray(query.experimentIDs.map(\.value)).databaseValue]))
        }
        conditions.append(FilterSQL.condition(query.filter, clause: Self.sql(for:)))
        let condition = SQLFragment.joined(conditions, separator: " AND ")
        let order = (query.order.map { "d.\($0.column.rawValue) \($0.ascending ? "ASC" : "DESC")" } + ["d.dataset_id DESC"]).joined(separator: ", ")
        return try readNow { db in
            let pks = try Int64.fetchAll(
                db, sql: "SELECT d.dataset_pk FROM evaluation_datasets d WHERE \(condition.sql) ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments: StatementArguments(condition.arguments + [(query.maxResults + 1).databaseValue, query.offset.databaseValue]))
            let datasets = try Self.loadEvaluationDatasets(pks: Array(pks.prefix(query.maxResults)), in: db)
            return ResultPage(items: datasets, nextOffset: pks.count > query.maxResults ? query.offset + query.maxResults : nil)
        }
    }

    public func setEvaluationDatasetTags(id: String, project: String, tags: [Tag]) async throws {
        try await pool.write { db in
            try Self.setDatasetTags(tags, datasetPK: try Self.requireDatasetPK(id: id, project: project, in: db), in: db)
        }
    }

    public func deleteEvaluationDatasetTag(id: String, project: String, key: String) async throws {
        try await pool.write { db in
            guard let pk = try Self.datasetPK(id: id, project: project, in: db) else { return }
            try db.execute(sql: "DELETE FROM evaluation_dataset_tags WHERE dataset_pk = ? AND key = ?", arguments: [pk, key])
        }
    }

    public func addEvaluationDatasetExperiments(id: String, project: String, experimentIDs: [ExperimentID], at time: Int64) async throws
        -> EvaluationDataset
    {
        try await pool.write { db in
            let pk = try Self.requireDatasetPK(id: id, project: project, in: db)
            try Self.linkDatasetExperiments(experimentIDs, datasetPK: pk, in: db)
            try db.execute(sql: "UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_pk = ?", arguments: [time, pk])
            return try Self.loadEvaluationDataset(pk: pk, id: id, in: db)
        }
    }

    public func removeEvaluationDatasetExperiments(id: String, project: String, experimentIDs: [ExperimentID], at time: Int64) async throws
        -> EvaluationDataset
    {
        try await pool.write { db in
            let pk = try Self.requireDatasetPK(id: id, project: project, in: db)
            try db.execute(
                sql: "DELETE FROM evaluation_dataset_experiments WHERE dataset_pk = ? AND experiment_id IN (SELECT value FROM json_each(?))",
                arguments: [pk, Self.jsonArray(experimentIDs.map(\.value))])
            if db.changesCount > 0 {
                try db.execute(sql: "UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_pk = ?", arguments: [time, pk])
            }
            return try Self.loadEvaluationDataset(pk: pk, id: id, in: db)
        }
    }

    public func upsertEvaluationDatasetRecords(id: String, project: String, _ upsert: DatasetRecordsUpsert) async throws
        -> (inserted: Int, updated: Int)
    {
        try await pool.write { db in
            let pk = try Self.requireDatasetPK(id: id, project: project, in: db)
            var existing: [String: DatasetRecord] = [:]
            let cursor = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT \(Self.recordColumns) FROM evaluation_dataset_records WHERE dataset_pk = ? AND input_hash IN (SELECT value FROM json_each(?))"),
                arguments: [pk, JSONText.array(upsert.items.map(\.inputHash))])
            while let row = try cursor.next() {
                let record = Self.datasetRecord(row, datasetID: id)
                existing[record.inputHash] = record
            }
            var merge = DatasetRecordMerge(existing: existing)
            try merge.apply(upsert, datasetID: id)
            for record in merge.written {
                try db.execute(
                    sql: """
                        INSERT INTO evaluation_dataset_records (record_id, dataset_pk, input_hash, inputs, outputs, expectations, tags, source,
                                                                source_id, source_type, created_time, last_update_time, created_by, last_updated_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (record_id) DO UPDATE SET outputs = excluded.outputs, expectations = excluded.expectations,
                            tags = excluded.tags, last_update_time = excluded.last_update_time, last_updated_by = excluded.last_updated_by
                        """,
                    arguments: [
                        record.id, pk, record.inputHash, record.inputs, record.outputs, record.expectations, record.tags, record.source?.json,
                        record.source?.sourceID, record.source?.type, record.creationTime, record.lastUpdateTime, record.createdBy,
                        record.lastUpdatedBy,
                    ])
            }
            let storedSchema: String? = try Row.fetchOne(db, sql: "SELECT schema FROM evaluation_datasets WHERE dataset_pk = ?", arguments: [pk])
                .flatMap { $0["schema"] }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM evaluation_dataset_records WHERE dataset_pk = ?", arguments: [pk]) ?? 0
            try db.execute(
                sql: """
                    UPDATE evaluation_datasets SET schema = ?, profile = coalesce(?, profile), digest = ?, last_update_time = ?, last_updated_by = ?
                    WHERE dataset_pk = ?
                    """,
                arguments: [
                    DatasetSchema.updated(storedSchema, with: upsert.items.map(\.change)), EvaluationDataset.profile(recordCount: count),
                    upsert.digest, upsert.time, merge.lastWriter, pk,
                ])
            return (merge.inserted, merge.updated)
        }
    }

    public func evaluationDatasetRecords(id: String, project: String, limit: Int, after cursor: DatasetRecordCursor?) async throws
        -> (records: [DatasetRecord], next: DatasetRecordCursor?)
    {
        try readNow { db in
            let pk = try Self.requireDatasetPK(id: id, project: project, in: db)
            var condition = "dataset_pk = ?"
            var arguments: [any DatabaseValueConvertible] = [pk]
            if let cursor {
                condition += " AND (created_time > ? OR (created_time = ? AND record_id > ?))"
                arguments += [cursor.creationTime, cursor.creationTime, cursor.recordID]
            }
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.recordColumns) FROM evaluation_dataset_records WHERE \(condition) ORDER BY created_time, record_id LIMIT ?",
                arguments: StatementArguments(arguments + [limit + 1]))
            let records = rows.prefix(limit).map { Self.datasetRecord($0, datasetID: id) }
            let next = rows.count > limit ? records.last.map { DatasetRecordCursor(creationTime: $0.creationTime, recordID: $0.id) } : nil
            return (records, next)
        }
    }

    public func deleteEvaluationDatasetRecords(id: String, project: String, recordIDs: [String]) async throws -> Int {
        try await pool.write { db in
            let pk = try Self.requireDatasetPK(id: id, project: project, in: db)
            try db.execute(
                sql: "DELETE FROM evaluation_dataset_records WHERE dataset_pk = ? AND record_id IN (SELECT value FROM json_each(?))",
                arguments: [pk, JSONText.array(recordIDs)])
            let deleted = db.changesCount
            if deleted > 0 {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM evaluation_dataset_records WHERE dataset_pk = ?", arguments: [pk]) ?? 0
                try db.execute(
                    sql: "UPDATE evaluation_datasets SET profile = ? WHERE dataset_pk = ?", arguments: [EvaluationDataset.profile(recordCount: count), pk])
            }
            return deleted
        }
    }

    /// Deletes the project's datasets with everything they hold (the project is being deleted).
    static func deleteEvaluationDatasets(projectID: Int64, in db: Database) throws {
        let pks = try Int64.fetchAll(db, sql: "SELECT dataset_pk FROM evaluation_datasets WHERE project_id = ?", arguments: [projectID])
        try deleteEvaluationDatasets(pks: pks, in: db)
    }

    // MARK: Helpers

    private static func deleteEvaluationDatasets(pks: [Int64], in db: Database) throws {
        guard !pks.isEmpty else { return }
        let keys = jsonArray(pks)
        for table in ["evaluation_dataset_tags", "evaluation_dataset_experiments", "evaluation_dataset_records", "evaluation_datasets"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE dataset_pk IN (SELECT value FROM json_each(?))", arguments: [keys])
        }
    }

    private static func datasetPK(id: String, project: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(sql: """
                SELECT d.dataset_pk FROM evaluation_datasets d JOIN projects p USING (project_id) WHERE d.dataset_id = ? AND p.name = ?
                """),
            arguments: [id, project])
    }

    private static func requireDatasetPK(id: String, project: String, in db: Database) throws -> Int64 {
        guard let pk = try datasetPK(id: id, project: project, in: db) else { throw StoreError.notFound(.evaluationDataset(id: id)) }
        return pk
    }

    private static func setDatasetTags(_ tags: [Tag], datasetPK: Int64, in db: Database) throws {
        for tag in tags {
            try db.execute(
                sql: "INSERT INTO evaluation_dataset_tags (dataset_pk, key, value) VALUES (?, ?, ?) ON CONFLICT (dataset_pk, key) DO UPDATE SET value = excluded.value",
                arguments: [datasetPK, tag.key, tag.value])
        }
    }

    private static func linkDatasetExperiments(_ ids: [ExperimentID], datasetPK: Int64, in db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO evaluation_dataset_experiments (dataset_pk, experiment_id) SELECT ?, value FROM json_each(?)",
            arguments: [datasetPK, jsonArray(ids.map(\.value))])
    }

    private static func loadEvaluationDataset(pk: Int64, id: String, in db: Database) throws -> EvaluationDataset {
        guard let dataset = try loadEvaluationDatasets(pks: [pk], in: db).first else { throw StoreError.notFound(.evaluationDataset(id: id)) }
        return dataset
    }

    /// Loads datasets with their tags and live experiments, in the order of `pks`: one query per table.
    private static func loadEvaluationDatasets(pks: [Int64], in db: Database) throws -> [EvaluationDataset] {
        guard !pks.isEmpty else { return [] }
        let keys = jsonArray(pks)
        var tags: [Int64: [Tag]] = [:], experiments: [Int64: [ExperimentID]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT dataset_pk, key, value FROM evaluation_dataset_tags WHERE dataset_pk IN (SELECT value FROM json_each(?)) ORDER BY dataset_pk, key"),
            arguments: [keys])
        {
            tags[row[0], default: []].append(Tag(key: row[1], value: row[2]))
        }
        for row in try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT x.dataset_pk, x.experiment_id FROM evaluation_dataset_experiments x JOIN experiments e USING (experiment_id)
                WHERE x.dataset_pk IN (SELECT value FROM json_each(?)) ORDER BY x.dataset_pk, x.experiment_id
                """),
            arguments: [keys])
        {
            experiments[row[0], default: []].append(ExperimentID(row[1]))
        }
        var byPK: [Int64: EvaluationDataset] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT dataset_pk, dataset_id, name, schema, profile, digest, created_time, last_update_time, created_by, last_updated_by
                FROM evaluation_datasets WHERE dataset_pk IN (SELECT value FROM json_each(?))
                """),
            arguments: [keys])
        {
            let pk: Int64 = row[0]
            byPK[pk] = EvaluationDataset(
                id: row[1], name: row[2], tags: tags[pk] ?? [], schema: row[3], profile: row[4], digest: row[5], creationTime: row[6],
                lastUpdateTime: row[7], createdBy: row[8], lastUpdatedBy: row[9], experimentIDs: experiments[pk] ?? [])
        }
        return pks.compactMap { byPK[$0] }
    }

    /// SQL for one dataset filter clause, with its values bound.
    private static func sql(for clause: EvaluationDatasetFilter.Clause) -> SQLFragment {
        switch clause {
        case .text(let column, let op, let values):
            return FilterSQL.stringComparison("d.\(column.rawValue)", op, values)
        case .time(let column, let op, let value):
            return SQLFragment("d.\(column.rawValue) \(op.rawValue) ?", [value.databaseValue])
        case .tag(let key, let op, let value):
            return FilterSQL.keyValueCondition(
                table: "evaluation_dataset_tags", ownerColumn: "dataset_pk", owner: "d.dataset_pk", key: key, op: op, values: [value])
        }
    }

    private static let recordColumns = """
        record_id, input_hash, inputs, outputs, expectations, tags, source, source_id, source_type, created_time, last_update_time,
        created_by, last_updated_by
        """

    private static func datasetRecord(_ row: Row, datasetID: String) -> DatasetRecord {
        let source: String? = row[6]
        return DatasetRecord(
            id: row[0], datasetID: datasetID, inputHash: row[1], inputs: row[2], outputs: row[3], expectations: row[4], tags: row[5],
            source: source.map { DatasetRecordSource(type: row[8] ?? "UNSPECIFIED", json: $0, sourceID: row[7]) },
            creationTime: row[9], lastUpdateTime: row[10], createdBy: row[11], lastUpdatedBy: row[12])
    }
}
