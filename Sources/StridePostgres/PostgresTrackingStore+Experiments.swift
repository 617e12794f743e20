public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func ensureDefaultExperiment(project: String, artifactLocation: String, at time: Int64) async throws {
        try await database.write { db in
            let projectID = try await Self.projectID(named: project, in: db)
            try await db.execute(SQL(
                """
                INSERT INTO experiments (experiment_id, project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (?, ?, 'Default', ?, 'active', ?, ?) ON CONFLICT DO NOTHING
                """,
                ExperimentID.defaultExperiment.value, projectID, artifactLocation, time, time))
        }
    }

    public func createExperiment(_ experiment: NewExperiment) async throws -> ExperimentID {
        try await database.write { db in
            let projectID = try await Self.projectID(named: experiment.project, in: db)
            let taken = try await db.row(SQL("SELECT 1 FROM experiments WHERE project_id = ? AND name = ?", projectID, experiment.name)) != nil
            guard !taken else {
                throw StoreError.alreadyExists(.experimentNamed(experiment.name))
            }
            let fixedLocation: String
            if case .fixed(let location) = experiment.artifactLocation { fixedLocation = location } else { fixedLocation = "" }
            let inserted = try await db.row(SQL(
                """
                INSERT INTO experiments (project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (?, ?, ?, 'active', ?, ?) RETURNING experiment_id
                """,
                projectID, experiment.name, fixedLocation, experiment.creationTime, experiment.creationTime))
            let id = ExperimentID(inserted?.int(0) ?? 0)
            if case .derived(let rule) = experiment.artifactLocation {
                try await db.execute(SQL("UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?", rule(id), id.value))
            }
            try await Self.upsertExperimentTags(experiment.tags, experimentID: id, in: db)
            return id
        }
    }

    public func experiment(id: ExperimentID) async throws -> Experiment? {
        try await database.snapshot { db in
            try await Self.experiments(from: db.rows(SQL(Self.experimentSelect + " WHERE e.experiment_id = ?", id.value)), in: db).first
        }
    }

    public func experiment(named name: String, project: String) async throws -> Experiment? {
        try await database.snapshot { db in
            try await Self.experiments(
                from: db.rows(SQL(Self.experimentSelect + " WHERE p.name = ? AND e.name = ?", project, name)), in: db
            ).first
        }
    }

    public func searchExperiments(_ query: ExperimentQuery) async throws -> ResultPage<Experiment> {
        var conditions = [SQL("p.name = ?", query.project)]
        let stages = query.viewType.stages.map(\.rawValue)
        conditions.append(SQL("e.lifecycle_stage = ANY(?)", [SQLValue.texts(stages)]))
        conditions.append(PostgresFilterSQL.condition(query.filter, clause: Self.sql(for:)))
        var orderTerms = query.order.map { "e.\($0.column.rawValue) \($0.ascending ? "ASC" : "DESC")" }
        if query.order.isEmpty { orderTerms.append("e.creation_time DESC") }
        if !query.order.contains(where: { $0.column == .experimentID }) { orderTerms.append("e.experiment_id ASC") }
        // One row more than asked tells whether a next page exists.
        let statement = SQL(Self.experimentSelect + " WHERE ") + SQL.joined(conditions, separator: " AND ")
            + SQL(" ORDER BY " + orderTerms.joined(separator: ", ") + " LIMIT ? OFFSET ?", query.maxResults + 1, query.offset)
        return try await database.snapshot { db in
            let rows = try await db.rows(statement)
            let hasMore = rows.count > query.maxResults
            let items = try await Self.experiments(from: Array(rows.prefix(query.maxResults)), in: db)
            return ResultPage(items: items, nextOffset: hasMore ? query.offset + query.maxResults : nil)
        }
    }

    public func renameExperiment(id: ExperimentID, to name: String, at time: Int64) async throws {
        try await database.write { db in
            let experiment = try await Self.requireExperiment(id, in: db)
            guard experiment.stage == .active else {
                throw StoreError.notActive(.experiment(id), stage: experiment.stage)
            }
            let clash = try await db.row(SQL(
                "SELECT 1 FROM experiments WHERE project_id = ? AND name = ? AND experiment_id != ?", experiment.projectID, name, id.value))
            guard clash == nil else {
                throw StoreError.alreadyExists(.experimentNamed(name))
            }
            try await db.execute(SQL("UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?", name, time, id.value))
        }
    }

    public func setExperimentLifecycle(id: ExperimentID, to stage: LifecycleStage, at time: Int64) async throws {
        try await database.write { db in
            // Deleting looks among active experiments and restoring among deleted ones, as in MLflow.
            let current = try await Self.requireExperiment(id, in: db)
            guard current.stage != stage else {
                throw StoreError.notFound(.experiment(id))
            }
            try await db.execute(SQL(
                "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?", stage.rawValue, time, id.value))
            // Runs follow their experiment.
            try await db.execute(SQL(
                "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                stage.rawValue, stage == .deleted ? time : nil, id.value))
        }
    }

    public func setExperimentTag(id: ExperimentID, tag: Tag) async throws {
        try await database.write { db in
            try await Self.requireActiveExperiment(id, in: db)
            try await Self.upsertExperimentTags([tag], experimentID: id, in: db)
        }
    }

    public func deleteExperimentTag(id: ExperimentID, key: String) async throws {
        try await database.write { db in
            try await Self.requireActiveExperiment(id, in: db)
            let deleted = try await db.execute(SQL("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ? RETURNING 1", id.value, key))
            guard deleted > 0 else {
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
    static func experiments(from rows: [SQLRow], in db: Session) async throws -> [Experiment] {
        guard !rows.isEmpty else { return [] }
        var experiments = rows.map { row in
            Experiment(
                id: ExperimentID(row.int(0)), name: row.text(1), artifactLocation: row.text(2),
                lifecycleStage: LifecycleStage(rawValue: row.text(3)) ?? .active,
                creationTime: row.int(4), lastUpdateTime: row.int(5), tags: [], project: row.text(6))
        }
        var tagsByExperiment: [Int64: [Tag]] = [:]
        for row in try await db.rows(SQL(
            "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id = ANY(?) ORDER BY key",
            experiments.map(\.id.value)))
        {
            tagsByExperiment[row.int(0), default: []].append(Tag(key: row.text(1), value: row.text(2)))
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

    static func requireExperiment(_ id: ExperimentID, in db: Session) async throws -> ExperimentRef {
        guard let row = try await db.row(SQL(
            "SELECT project_id, lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = ?", id.value).reused())
        else {
            throw StoreError.notFound(.experiment(id))
        }
        return ExperimentRef(projectID: row.int(0), stage: LifecycleStage(rawValue: row.text(1)) ?? .active, artifactLocation: row.text(2))
    }

    @discardableResult
    static func requireActiveExperiment(_ id: ExperimentID, in db: Session) async throws -> ExperimentRef {
        let experiment = try await requireExperiment(id, in: db)
        guard experiment.stage == .active else {
            throw StoreError.notActive(.experiment(id), stage: experiment.stage)
        }
        return experiment
    }

    static func projectID(named name: String, in db: Session) async throws -> Int64 {
        guard let row = try await db.row(SQL("SELECT project_id FROM projects WHERE name = ?", name)) else {
            throw StoreError.notFound(.project(name: name))
        }
        return row.int(0)
    }

    private static func upsertExperimentTags(_ tags: [Tag], experimentID: ExperimentID, in db: Session) async throws {
        guard !tags.isEmpty else { return }
        // A later tag with the same key wins, as the SQLite store's multi-row upsert lets it.
        let unique = UniqueKeyed.lastWins(tags, key: \.key)
        try await db.execute(SQL(
            """
            INSERT INTO experiment_tags (experiment_id, key, value) SELECT ?, * FROM UNNEST(?::text[], ?::text[])
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
            """,
            [.integer(experimentID.value), .texts(unique.map(\.key)), .texts(unique.map(\.value))]))
    }

    /// SQL for one experiment filter clause, with its values as bound parameters.
    private static func sql(for clause: ExperimentFilterClause) -> SQL {
        switch clause {
        case .name(let op, let value):
            return PostgresFilterSQL.stringComparison("e.name", op, [value])
        case .experimentIDs(let op, let ids):
            let negated = op == .notIn || op == .notEqual
            return SQL("\(negated ? "NOT " : "")(CAST(e.experiment_id AS TEXT) = ANY(?))", [.texts(ids)])
        case .time(let column, let op, let value):
            return SQL("e.\(column.rawValue) \(op.rawValue) ?", value)
        case .tag(let key, let op, let values):
            return PostgresFilterSQL.keyValueCondition(
                table: "experiment_tags", ownerColumn: "experiment_id", owner: "e.experiment_id", key: key, op: op, values: values)
        }
    }
}

/// De-duplication for multi-row upserts: PostgreSQL refuses to touch one row twice in a statement.
enum UniqueKeyed {
    /// `items` with only the last of each key, in first-seen key order.
    static func lastWins<Item>(_ items: [Item], key: (Item) -> String) -> [Item] {
        var position: [String: Int] = [:]
        var result: [Item] = []
        for item in items {
            if let index = position[key(item)] {
                result[index] = item
            } else {
                position[key(item)] = result.count
                result.append(item)
            }
        }
        return result
    }
}
