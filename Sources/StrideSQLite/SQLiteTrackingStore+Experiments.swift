import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func ensureDefaultExperiment(project: String, artifactLocation: String, at time: Int64) async throws {
        try await pool.write { db in
            let projectID = try Self.projectID(named: project, in: db)
            try db.execute(
                sql: """
                    INSERT INTO experiments (experiment_id, project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, ?, 'Default', ?, 'active', ?, ?) ON CONFLICT DO NOTHING
                    """,
                arguments: [ExperimentID.defaultExperiment.value, projectID, artifactLocation, time, time])
        }
    }

    public func createExperiment(_ experiment: NewExperiment) async throws -> ExperimentID {
        try await pool.write { db in
            let projectID = try Self.projectID(named: experiment.project, in: db)
            let taken = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM experiments WHERE project_id = ? AND name = ?", arguments: [projectID, experiment.name]) ?? false
            guard !taken else {
                throw StoreError.alreadyExists(.experimentNamed(experiment.name))
            }
            let fixedLocation: String
            if case .fixed(let location) = experiment.artifactLocation { fixedLocation = location } else { fixedLocation = "" }
            try db.execute(
                sql: """
                    INSERT INTO experiments (project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, ?, ?, 'active', ?, ?)
                    """,
                arguments: [projectID, experiment.name, fixedLocation, experiment.creationTime, experiment.creationTime])
            let id = ExperimentID(db.lastInsertedRowID)
            if case .derived(let rule) = experiment.artifactLocation {
                try db.execute(
                    sql: "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?", arguments: [rule(id), id.value])
            }
            try Self.upsertExperimentTags(experiment.tags, experimentID: id, in: db)
            return id
        }
    }

    public func experiment(id: ExperimentID) async throws -> Experiment? {
        try readNow { db in
            try Self.experiments(
                from: Row.fetchAll(db.cachedStatement(sql: Self.experimentSelect + " WHERE e.experiment_id = ?"), arguments: [id.value]), in: db
            ).first
        }
    }

    public func experiment(named name: String, project: String) async throws -> Experiment? {
        try readNow { db in
            try Self.experiments(
                from: Row.fetchAll(
                    db.cachedStatement(sql: Self.experimentSelect + " WHERE p.name = ? AND e.name = ?"), arguments: [project, name]),
                in: db
            ).first
        }
    }

    public func searchExperiments(_ query: ExperimentQuery) async throws -> ResultPage<Experiment> {
        var conditions = ["p.name = ?"]
        var arguments: [DatabaseValue] = [query.project.databaseValue]
        let stages = query.viewType.stages.map(\.rawValue)
        conditions.append("e.lifecycle_stage IN (\(placeholders(stages.count)))")
        arguments += stages.map(\.databaseValue)
        let filter = FilterSQL.condition(query.filter, clause: Self.sql(for:))
        conditions.append(filter.sql)
        arguments += filter.arguments
        var orderTerms = query.order.map { "e.\($0.column.rawValue) \($0.ascending ? "ASC" : "DESC")" }
        if query.order.isEmpty { orderTerms.append("e.creation_time DESC") }
        if !query.order.contains(where: { $0.column == .experimentID }) { orderTerms.append("e.experiment_id ASC") }
        // One row more than asked tells whether a next page exists.
        let sql = Self.experimentSelect + " WHERE " + conditions.joined(separator: " AND ")
            + " ORDER BY " + orderTerms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        arguments += [(query.maxResults + 1).databaseValue, query.offset.databaseValue]
        let finalArguments = arguments
        return try readNow { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(finalArguments))
            let hasMore = rows.count > query.maxResults
            let items = try Self.experiments(from: Array(rows.prefix(query.maxResults)), in: db)
            return ResultPage(items: items, nextOffset: hasMore ? query.offset + query.maxResults : nil)
        }
    }

    public func renameExperiment(id: ExperimentID, to name: String, at time: Int64) async throws {
        try await pool.write { db in
            let experiment = try Self.requireExperiment(id, in: db)
            guard experiment.stage == .active else {
                throw StoreError.notActive(.experiment(id), stage: experiment.stage)
            }
            let clash = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM experiments WHERE project_id = ? AND name = ? AND experiment_id != ?",
                arguments: [experiment.projectID, name, id.value]) ?? false
            guard !clash else {
                throw StoreError.alreadyExists(.experimentNamed(name))
            }
            try db.execute(
                sql: "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?", arguments: [name, time, id.value])
        }
    }

    public func setExperimentLifecycle(id: ExperimentID, to stage: LifecycleStage, at time: Int64) async throws {
        try await pool.write { db in
            // Deleting looks among active experiments and restoring among deleted ones, as in MLflow.
            let current = try Self.requireExperiment(id, in: db)
            guard current.stage != stage else {
                throw StoreError.notFound(.experiment(id))
            }
            try db.execute(
                sql: "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                arguments: [stage.rawValue, time, id.value])
            // Runs follow their experiment.
            try db.execute(
                sql: "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                arguments: [stage.rawValue, stage == .deleted ? time : nil, id.value])
        }
    }

    public func setExperimentTag(id: ExperimentID, tag: Tag) async throws {
        try await pool.write { db in
            try Self.requireActiveExperiment(id, in: db)
            try Self.upsertExperimentTags([tag], experimentID: id, in: db)
        }
    }

    public func deleteExperimentTag(id: ExperimentID, key: String) async throws {
        try await pool.write { db in
            try Self.requireActiveExperiment(id, in: db)
            try db.execute(sql: "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", arguments: [id.value, key])
            guard db.changesCount > 0 else {
                throw StoreError.notFound(.experimentTag(experiment: id, key: key))
            }
        }
    }

    // MARK: Helpers

    static let experimentSelect = """
        SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time,
               p.name AS project
        FROM experiments e JOIN projects p ON p.project_id = e.project_id
        """

    /// Builds experiments from rows, loading all their tags with one query.
    static func experiments(from rows: [Row], in db: Database) throws -> [Experiment] {
        guard !rows.isEmpty else { return [] }
        var experiments = rows.map { row in
            Experiment(
                id: ExperimentID(row.int("experiment_id")), name: row.text("name"), artifactLocation: row.text("artifact_location"),
                lifecycleStage: LifecycleStage(rawValue: row.text("lifecycle_stage")) ?? .active,
                creationTime: row.int("creation_time"), lastUpdateTime: row.int("last_update_time"), tags: [],
                project: row.text("project"))
        }
        let ids = "[" + experiments.map { String($0.id.value) }.joined(separator: ",") + "]"
        var tagsByExperiment: [Int64: [Tag]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT experiment_id, key, value FROM experiment_tags
                WHERE experiment_id IN (SELECT value FROM json_each(?)) ORDER BY key
                """),
            arguments: [ids])
        {
            tagsByExperiment[row.int("experiment_id"), default: []].append(Tag(key: row.text("key"), value: row.text("value")))
        }
        for index in experiments.indices {
            experiments[index].tags = tagsByExperiment[experiments[index].id.value] ?? []
        }
        return experiments
    }

    struct ExperimentRef {
        var projectID: Int64
        var stage: LifecycleStage
        var artifactLocation: String
    }

    static func requireExperiment(_ id: ExperimentID, in db: Database) throws -> ExperimentRef {
        let found = try DirectStatementExecution.firstRow(
            db.cachedStatement(sql: "SELECT project_id, lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = ?"),
            in: db, bind: { $0.append(id.value) },
            read: { row in
                ExperimentRef(
                    projectID: row.integer(0), stage: row.text(1).flatMap(LifecycleStage.init(rawValue:)) ?? .active,
                    artifactLocation: row.text(2) ?? "")
            })
        guard let found else { throw StoreError.notFound(.experiment(id)) }
        return found
    }

    @discardableResult
    static func requireActiveExperiment(_ id: ExperimentID, in db: Database) throws -> ExperimentRef {
        let experiment = try requireExperiment(id, in: db)
        guard experiment.stage == .active else {
            throw StoreError.notActive(.experiment(id), stage: experiment.stage)
        }
        return experiment
    }

    static func projectID(named name: String, in db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT project_id FROM projects WHERE name = ?", arguments: [name]) else {
            throw StoreError.notFound(.project(name: name))
        }
        return id
    }

    private static func upsertExperimentTags(_ tags: [Tag], experimentID: ExperimentID, in db: Database) throws {
        guard !tags.isEmpty else { return }
        var arguments: [DatabaseValue] = []
        for tag in tags {
            arguments += [experimentID.value.databaseValue, tag.key.databaseValue, tag.value.databaseValue]
        }
        try db.execute(
            sql: """
                INSERT INTO experiment_tags (experiment_id, key, value) VALUES \(valueRows(tags.count, columns: 3))
                ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
                """,
            arguments: StatementArguments(arguments))
    }

    /// SQL for one experiment filter clause, with its values as bound parameters.
    private static func sql(for clause: ExperimentFilterClause) -> SQLFragment {
        switch clause {
        case .name(let op, let value):
            return FilterSQL.stringComparison("e.name", op, [value])
        case .experimentIDs(let op, let ids):
            let negated = op == .notIn || op == .notEqual
            return SQLFragment("CAST(e.experiment_id AS TEXT) \(negated ? "NOT IN" : "IN") (\(placeholders(ids.count)))", ids.map(\.databaseValue))
        case .time(let column, let op, let value):
            return SQLFragment("e.\(column.rawValue) \(op.rawValue) ?", [value.databaseValue])
        case .tag(let key, let op, let values):
            return FilterSQL.keyValueCondition(
                table: "experiment_tags", ownerColumn: "experiment_id", owner: "e.experiment_id", key: key, op: op, values: values)
        }
    }
}
