public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createEvaluationDataset(_ dataset: NewEvaluationDataset) async throws -> EvaluationDataset {
        try await database.write { db in
            guard let projectID = try await db.row(SQL("SELECT project_id FROM projects WHERE name = ?", dataset.project))?.int(0) else {
                throw StoreError.notFound(.project(name: dataset.project))
            }
            let inserted = try await db.row(SQL(
                """
                INSERT INTO evaluation_datasets (dataset_id, project_id, name, digest, created_time, last_update_time, created_by, last_updated_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING dataset_pk
                """,
                dataset.id, projectID, dataset.name, dataset.digest, dataset.creationTime, dataset.creationTime, dataset.createdBy,
                dataset.createdBy))
            let pk = inserted?.int(0) ?? 0
            try await Self.setDatasetTags(dataset.tags, datasetPK: pk, in: db)
            try await Self.linkDatasetExperiments(dataset.experimentIDs, datasetPK: pk, in: db)
            return try await Self.loadEvaluationDataset(pk: pk, id: dataset.id, in: db)
        }
    }

    public func evaluationDataset(id: String, project: String) async throws -> EvaluationDataset? {
        try await database.read { db in
            guard let pk = try await Self.datasetPK(id: id, project: project, in: db) else { return nil }
            return try await Self.loadEvaluationDatasets(pks: [pk], in: db).first
        }
    }

    public func deleteEvaluationDataset(id: String, project: String) async throws {
        try await database.write { db in
            guard let pk = try await Self.datasetPK(id: id, project: project, in: db) else { return }
            try await Self.deleteEvaluationDatasets(pks: [pk], in: db)
        }
    }

    public func searchEvaluationDatasets(_ query: EvaluationDatasetQuery) async throws -> ResultPage<EvaluationDataset> {
        var conditions = [SQL("d.project_id = (SELECT project_id FROM projects WHERE name = ?)", query.project)]
        if !query.experimentIDs.isEmpty {
            conditions.append(SQL(
                "EXISTS (SELECT 1 FROM evaluation_dataset_experiments x WHERE x.dataset_pk = d.dataset_pk AND x.experiment_id = ANY(?))",
                query.experimentIDs.map(\.value)))
        }
        conditions.append(PostgresFilterSQL.condition(query.filter, clause: Self.sql(for:)))
        let condition = SQL.joined(conditions, separator: " AND ")
        let order = (query.order.map { "d.\($0.column.rawValue) \($0.ascending ? "ASC" : "DESC")" } + ["d.dataset_id DESC"]).joined(separator: ", ")
        let statement = SQL("SELECT d.dataset_pk FROM evaluation_datasets d WHERE ") + condition
            + SQL(" ORDER BY \(order) LIMIT ? OFFSET ?", query.maxResults + 1, query.offset)
        return try await database.read { db in
            let pks = try await db.rows(statement).map { $0.int(0) }
            let datasets = try await Self.loadEvaluationDatasets(pks: Array(pks.prefix(query.maxResults)), in: db)
            return ResultPage(items: datasets, nextOffset: pks.count > query.maxResults ? query.offset + query.maxResults : nil)
        }
    }

    public func setEvaluationDatasetTags(id: String, project: String, tags: [Tag]) async throws {
        try await database.write { db in
            try await Self.setDatasetTags(tags, datasetPK: try await Self.requireDatasetPK(id: id, project: project, in: db), in: db)
        }
    }

    public func deleteEvaluationDatasetTag(id: String, project: String, key: String) async throws {
        try await database.write { db in
            guard let pk = try await Self.datasetPK(id: id, project: project, in: db) else { return }
            try await db.execute(SQL("DELETE FROM evaluation_dataset_tags WHERE dataset_pk = ? AND key = ?", pk, key))
        }
    }

    public func addEvaluationDatasetExperiments(id: String, project: String, experimentIDs: [ExperimentID], at time: Int64) async throws
        -> EvaluationDataset
    {
        try await database.write { db in
            let pk = try await Self.requireDatasetPK(id: id, project: project, in: db)
            try await Self.linkDatasetExperiments(experimentIDs, datasetPK: pk, in: db)
            try await db.execute(SQL("UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_pk = ?", time, pk))
            return try await Self.loadEvaluationDataset(pk: pk, id: id, in: db)
        }
    }

    public func removeEvaluationDatasetExperiments(id: String, project: String, experimentIDs: [ExperimentID], at time: Int64) async throws
        -> EvaluationDataset
    {
        try await database.write { db in
            let pk = try await Self.requireDatasetPK(id: id, project: project, in: db)
            let removed = try await db.execute(SQL(
                "DELETE FROM evaluation_dataset_experiments WHERE dataset_pk = ? AND experiment_id = ANY(?) RETURNING 1", pk, experimentIDs.map(\.value)))
            if removed > 0 {
                try await db.execute(SQL("UPDATE evaluation_datasets SET last_update_time = ? WHERE dataset_pk = ?", time, pk))
            }
            return try await Self.loadEvaluationDataset(pk: pk, id: id, in: db)
        }
    }

    public func upsertEvaluationDatasetRecords(id: String, project: String, _ upsert: DatasetRecordsUpsert) async throws
        -> (inserted: Int, updated: Int)
    {
        try await database.write { db in
            // The row lock orders concurrent upserts of one dataset, so neither inserts inputs the other just added.
            guard let row = try await db.row(SQL(
                """
                SELECT d.dataset_pk, d.schema FROM evaluation_datasets d JOIN projects p USING (project_id)
                WHERE d.dataset_id = ? AND p.name = ? FOR UPDATE OF d
                """, id, project))
            else {
                throw StoreError.notFound(.evaluationDataset(id: id))
            }
            let pk = row.int(0), storedSchema = row.optionalText(1)
            var existing: [String: DatasetRecord] = [:]
            for row in try await db.rows(SQL(
                "SELECT \(Self.recordColumns) FROM evaluation_dataset_records WHERE dataset_pk = ? AND input_hash = ANY(?::text[])",
                [.integer(pk), .texts(upsert.items.map(\.inputHash))]))
            {
                let record = Self.datasetRecord(row, datasetID: id)
                existing[record.inputHash] = record
            }
            var merge = DatasetRecordMerge(existing: existing)
            try merge.apply(upsert, datasetID: id)
            for record in merge.written {
                try await db.execute(SQL(
                    """
                    INSERT INTO evaluation_dataset_records (record_id, dataset_pk, input_hash, inputs, outputs, expectations, tags, source,
                                                            source_id, source_type, created_time, last_update_time, created_by, last_updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (record_id) DO UPDATE SET outputs = excluded.outputs, expectations = excluded.expectations,
                        tags = excluded.tags, last_update_time = excluded.last_update_time, last_updated_by = excluded.last_updated_by
                    """,
                    record.id, pk, record.inputHash, record.inputs, record.outputs, record.expectations, record.tags, record.source?.json,
                    record.source?.sourceID, record.source?.type, record.creationTime, record.lastUpdateTime, record.createdBy,
                    record.lastUpdatedBy))
            }
            let count = try await db.row(SQL("SELECT count(*) FROM evaluation_dataset_records WHERE dataset_pk = ?", pk))?.int(0) ?? 0
            try await db.execute(SQL(
                """
                UPDATE evaluation_datasets SET schema = ?, profile = coalesce(?, profile), digest = ?, last_update_time = ?, last_updated_by = ?
                WHERE dataset_pk = ?
                """,
                DatasetSchema.updated(storedSchema, with: upsert.items.map(\.change)), EvaluationDataset.profile(recordCount: Int(count)),
                upsert.digest, upsert.time, merge.lastWriter, pk))
            return (merge.inserted, merge.updated)
        }
    }

    public func evaluationDatasetRecords(id: String, project: String, limit: Int, after cursor: DatasetRecordCursor?) async throws
        -> (records: [DatasetRecord], next: DatasetRecordCursor?)
    {
        try await database.read { db in
            let pk = try await Self.requireDatasetPK(id: id, project: project, in: db)
            var statement = SQL("SELECT \(Self.recordColumns) FROM evaluation_dataset_records WHERE dataset_pk = ?", pk)
            if let cursor {
                statement = statement + SQL(
                    " AND (created_time > ? OR (created_time = ? AND record_id > ?))", cursor.creationTime, cursor.creationTime, cursor.recordID)
            }
            let rows = try await db.rows(statement + SQL(" ORDER BY created_time, record_id LIMIT ?", limit + 1))
            let records = rows.prefix(limit).map { Self.datasetRecord($0, datasetID: id) }
            let next = rows.count > limit ? records.last.map { DatasetRecordCursor(creationTime: $0.creationTime, recordID: $0.id) } : nil
            return (records, next)
        }
    }

    public func deleteEvaluationDatasetRecords(id: String, project: String, recordIDs: [String]) async throws -> Int {
        try await database.write { db in
            let pk = try await Self.requireDatasetPK(id: id, project: project, in: db)
            let deleted = try await db.execute(SQL(
                "DELETE FROM evaluation_dataset_records WHERE dataset_pk = ? AND record_id = ANY(?::text[]) RETURNING 1",
                [.integer(pk), .texts(recordIDs)]))
            if deleted > 0 {
                let count = try await db.row(SQL("SELECT count(*) FROM evaluation_dataset_records WHERE dataset_pk = ?", pk))?.int(0) ?? 0
                try await db.execute(SQL(
                    "UPDATE evaluation_datasets SET profile = ? WHERE dataset_pk = ?", EvaluationDataset.profile(recordCount: Int(count)), pk))
            }
            return deleted
        }
    }

    /// Deletes the project's datasets with everything they hold (the project is being deleted).
    static func deleteEvaluationDatasets(projectID: Int64, in db: Session) async throws {
        let pks = try await db.rows(SQL("SELECT dataset_pk FROM evaluation_datasets WHERE project_id = ?", projectID)).map { $0.int(0) }
        try await deleteEvaluationDatasets(pks: pks, in: db)
    }

    // MARK: Helpers

    private static func deleteEvaluationDatasets(pks: [Int64], in db: Session) async throws {
        guard !pks.isEmpty else { return }
        for table in ["evaluation_dataset_tags", "evaluation_dataset_experiments", "evaluation_dataset_records", "evaluation_datasets"] {
            try await db.execute(SQL("DELETE FROM \(table) WHERE dataset_pk = ANY(?)", pks))
        }
    }

    private static func datasetPK(id: String, project: String, in db: Session) async throws -> Int64? {
        try await db.row(SQL(
            "SELECT d.dataset_pk FROM evaluation_datasets d JOIN projects p USING (project_id) WHERE d.dataset_id = ? AND p.name = ?", id, project)
        )?.int(0)
    }

    private static func requireDatasetPK(id: String, project: String, in db: Session) async throws -> Int64 {
        guard let pk = try await datasetPK(id: id, project: project, in: db) else { throw StoreError.notFound(.evaluationDataset(id: id)) }
        return pk
    }

    private static func setDatasetTags(_ tags: [Tag], datasetPK: Int64, in db: Session) async throws {
        guard !tags.isEmpty else { return }
        let unique = UniqueKeyed.lastWins(tags, key: \.key)
        try await db.execute(SQL(
            """
            INSERT INTO evaluation_dataset_tags (dataset_pk, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[])
            ON CONFLICT (dataset_pk, key) DO UPDATE SET value = excluded.value
            """,
            [.integer(datasetPK), .texts(unique.map(\.key)), .texts(unique.map(\.value))]))
    }

    private static func linkDatasetExperiments(_ ids: [ExperimentID], datasetPK: Int64, in db: Session) async throws {
        guard !ids.isEmpty else { return }
        try await db.execute(SQL(
            "INSERT INTO evaluation_dataset_experiments (dataset_pk, experiment_id) SELECT DISTINCT ?::bigint, unnest(?::bigint[]) ON CONFLICT DO NOTHING",
            datasetPK, ids.map(\.value)))
    }

    private static func loadEvaluationDataset(pk: Int64, id: String, in db: Session) async throws -> EvaluationDataset {
        guard let dataset = try await loadEvaluationDatasets(pks: [pk], in: db).first else { throw StoreError.notFound(.evaluationDataset(id: id)) }
        return dataset
    }

    /// Loads datasets with their tags and live experiments, in the order of `pks`: one query per table.
    private static func loadEvaluationDatasets(pks: [Int64], in db: Session) async throws -> [EvaluationDataset] {
        guard !pks.isEmpty else { return [] }
        var tags: [Int64: [Tag]] = [:], experiments: [Int64: [ExperimentID]] = [:]
        for row in try await db.rows(SQL(
            "SELECT dataset_pk, key, value FROM evaluation_dataset_tags WHERE dataset_pk = ANY(?) ORDER BY dataset_pk, key", pks))
        {
            tags[row.int(0), default: []].append(Tag(key: row.text(1), value: row.text(2)))
        }
        for row in try await db.rows(SQL(
            """
            SELECT x.dataset_pk, x.experiment_id FROM evaluation_dataset_experiments x JOIN experiments e USING (experiment_id)
            WHERE x.dataset_pk = ANY(?) ORDER BY x.dataset_pk, x.experiment_id
            """, pks))
        {
            experiments[row.int(0), default: []].append(ExperimentID(row.int(1)))
        }
        var byPK: [Int64: EvaluationDataset] = [:]
        for row in try await db.rows(SQL(
            """
            SELECT dataset_pk, dataset_id, name, schema, profile, digest, created_time, last_update_time, created_by, last_updated_by
            FROM evaluation_datasets WHERE dataset_pk = ANY(?)
            """, pks))
        {
            let pk = row.int(0)
            byPK[pk] = EvaluationDataset(
                id: row.text(1), name: row.text(2), tags: tags[pk] ?? [], schema: row.optionalText(3), profile: row.optionalText(4),
                digest: row.text(5), creationTime: row.int(6), lastUpdateTime: row.int(7), createdBy: row.optionalText(8),
                lastUpdatedBy: row.optionalText(9), experimentIDs: experiments[pk] ?? [])
        }
        return pks.compactMap { byPK[$0] }
    }

    /// SQL for one dataset filter clause, with its values bound.
    private static func sql(for clause: EvaluationDatasetFilter.Clause) -> SQL {
        switch clause {
        case .text(let column, let op, let values):
            return PostgresFilterSQL.stringComparison("d.\(column.rawValue)", op, values)
        case .time(let column, let op, let value):
            return SQL("d.\(column.rawValue) \(op.rawValue) ?", value)
        case .tag(let key, let op, let value):
            return PostgresFilterSQL.keyValueCondition(
                table: "evaluation_dataset_tags", ownerColumn: "dataset_pk", owner: "d.dataset_pk", key: key, op: op, values: [value])
        }
    }

    private static let recordColumns = """
        record_id, input_hash, inputs, outputs, expectations, tags, source, source_id, source_type, created_time, last_update_time,
        created_by, last_updated_by
        """

    private static func datasetRecord(_ row: SQLRow, datasetID: String) -> DatasetRecord {
        DatasetRecord(
            id: row.text(0), datasetID: datasetID, inputHash: row.text(1), inputs: row.text(2), outputs: row.optionalText(3),
            expectations: row.optionalText(4), tags: row.text(5),
            source: row.optionalText(6).map { DatasetRecordSource(type: row.optionalText(8) ?? "UNSPECIFIED", json: $0, sourceID: row.optionalText(7)) },
            creationTime: row.int(9), lastUpdateTime: row.int(10), createdBy: row.optionalText(11), lastUpdatedBy: row.optionalText(12))
    }
}
