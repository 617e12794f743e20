import SQLiteNIO
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func ensureDefaultExperiment(project: String, artifactLocation: String, at time: Int64) async throws {
        try await database.write { connection in
            let projectID = try await self.projectID(named: project, on: connection)
            try await connection.execute(
                """
                INSERT INTO experiments (experiment_id, project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (?, ?, 'Default', ?, 'active', ?, ?) ON CONFLICT DO NOTHING
                """,
                [.integer(Int(ExperimentID.defaultExperiment.value)), .integer(Int(projectID)), .text(artifactLocation),
                 .integer(Int(time)), .integer(Int(time))])
        }
    }

    public func createExperiment(_ experiment: NewExperiment) async throws -> ExperimentID {
        try await database.write { connection in
            let projectID = try await self.projectID(named: experiment.project, on: connection)
            let existing = try await connection.query(
                "SELECT 1 FROM experiments WHERE project_id = ? AND name = ?", [.integer(Int(projectID)), .text(experiment.name)])
            guard existing.isEmpty else {
                throw StrideError(.resourceAlreadyExists, "Experiment(name=\(experiment.name)) already exists.")
            }
            let placeholderLocation: String
            if case .fixed(let location) = experiment.artifactLocation { placeholderLocation = location } else { placeholderLocation = "" }
            let inserted = try await connection.query(
                """
                INSERT INTO experiments (project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (?, ?, ?, 'active', ?, ?) RETURNING experiment_id
                """,
                [.integer(Int(projectID)), .text(experiment.name), .text(placeholderLocation),
                 .integer(Int(experiment.creationTime)), .integer(Int(experiment.creationTime))])
            let id = ExperimentID(try inserted[0].int("experiment_id"))
            if case .derived(let rule) = experiment.artifactLocation {
                try await connection.execute(
                    "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?", [.text(rule(id)), .integer(Int(id.value))])
            }
            if !experiment.tags.isEmpty {
                try await upsertExperimentTags(experiment.tags, experimentID: id, on: connection)
            }
            return id
        }
    }

    public func experiment(id: ExperimentID) async throws -> Experiment? {
        try await database.read { connection in
            let rows = try await connection.query(Self.experimentSelect + " WHERE e.experiment_id = ?", [.integer(Int(id.value))])
            return try await self.experiments(from: rows, on: connection).first
        }
    }

    public func experiment(named name: String, project: String) async throws -> Experiment? {
        try await database.read { connection in
            let rows = try await connection.query(
                Self.experimentSelect + " WHERE p.name = ? AND e.name = ?", [.text(project), .text(name)])
            return try await self.experiments(from: rows, on: connection).first
        }
    }

    public func searchExperiments(_ query: ExperimentQuery) async throws -> ResultPage<Experiment> {
        var conditions = ["p.name = ?"]
        var binds: [SQLiteData] = [.text(query.project)]
        let stages = query.viewType.stages.map(\.rawValue)
        conditions.append("e.lifecycle_stage IN (\([SQLiteData].placeholders(stages.count)))")
        binds += stages.map { .text($0) }
        for clause in query.filter {
            let (condition, clauseBinds) = Self.sql(for: clause)
            conditions.append(condition)
            binds += clauseBinds
        }
        var orderTerms = query.order.map { "e.\($0.column.rawValue) \($0.ascending ? "ASC" : "DESC")" }
        if query.order.isEmpty { orderTerms.append("e.creation_time DESC") }
        if !query.order.contains(where: { $0.column == .experimentID }) { orderTerms.append("e.experiment_id ASC") }
        // One row more than asked tells whether a next page exists.
        let sql = Self.experimentSelect + " WHERE " + conditions.joined(separator: " AND ")
            + " ORDER BY " + orderTerms.joined(separator: ", ") + " LIMIT ? OFFSET ?"
        binds += [.integer(query.maxResults + 1), .integer(query.offset)]
        return try await database.read { connection in
            let rows = try await connection.query(sql, binds)
            let hasMore = rows.count > query.maxResults
            let items = try await self.experiments(from: Array(rows.prefix(query.maxResults)), on: connection)
            return ResultPage(items: items, nextOffset: hasMore ? query.offset + query.maxResults : nil)
        }
    }

    public func renameExperiment(id: ExperimentID, to name: String, at time: Int64) async throws {
        try await database.write { connection in
            let project = try await self.requireExperiment(id, on: connection).projectID
            let clash = try await connection.query(
                "SELECT 1 FROM experiments WHERE project_id = ? AND name = ? AND experiment_id != ?",
                [.integer(Int(project)), .text(name), .integer(Int(id.value))])
            guard clash.isEmpty else {
                throw StrideError(.resourceAlreadyExists, "Experiment(name=\(name)) already exists.")
            }
            try await connection.execute(
                "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                [.text(name), .integer(Int(time)), .integer(Int(id.value))])
        }
    }

    public func setExperimentLifecycle(id: ExperimentID, to stage: LifecycleStage, at time: Int64) async throws {
        try await database.write { connection in
            _ = try await self.requireExperiment(id, on: connection)
            try await connection.execute(
                "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                [.text(stage.rawValue), .integer(Int(time)), .integer(Int(id.value))])
            // Runs follow their experiment, as in MLflow.
            try await connection.execute(
                "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                [.text(stage.rawValue), stage == .deleted ? .integer(Int(time)) : .null, .integer(Int(id.value))])
        }
    }

    public func setExperimentTag(id: ExperimentID, tag: Tag) async throws {
        try await database.write { connection in
            let experiment = try await self.requireExperiment(id, on: connection)
            guard experiment.stage == .active else {
                throw StrideError.invalidParameter(
                    "The experiment \(id) must be in the 'active' state. Current state is \(experiment.stage.rawValue).")
            }
            try await self.upsertExperimentTags([tag], experimentID: id, on: connection)
        }
    }

    public func deleteExperimentTag(id: ExperimentID, key: String) async throws {
        try await database.write { connection in
            let experiment = try await self.requireExperiment(id, on: connection)
            guard experiment.stage == .active else {
                throw StrideError.invalidParameter(
                    "The experiment \(id) must be in the 'active' state. Current state is \(experiment.stage.rawValue).")
            }
            try await connection.execute(
                "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", [.integer(Int(id.value)), .text(key)])
        }
    }

    // MARK: Helpers

    static let experimentSelect = """
        SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time,
               p.name AS project
        FROM experiments e JOIN projects p ON p.project_id = e.project_id
        """

    /// Builds experiments from rows, loading all their tags with one query.
    func experiments(from rows: [SQLiteRow], on connection: SQLiteConnection) async throws -> [Experiment] {
        guard !rows.isEmpty else { return [] }
        var experiments = try rows.map { row in
            Experiment(
                id: ExperimentID(try row.int("experiment_id")), name: try row.text("name"),
                artifactLocation: try row.text("artifact_location"),
                lifecycleStage: LifecycleStage(rawValue: try row.text("lifecycle_stage")) ?? .active,
                creationTime: try row.int("creation_time"), lastUpdateTime: try row.int("last_update_time"),
                tags: [], project: try row.text("project"))
        }
        let ids = experiments.map { SQLiteData.integer(Int($0.id.value)) }
        let tagRows = try await connection.query(
            "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (\([SQLiteData].placeholders(ids.count))) ORDER BY key",
            ids)
        var tagsByExperiment: [Int64: [Tag]] = [:]
        for row in tagRows {
            tagsByExperiment[try row.int("experiment_id"), default: []].append(Tag(key: try row.text("key"), value: try row.text("value")))
        }
        for index in experiments.indices {
            experiments[index].tags = tagsByExperiment[experiments[index].id.value] ?? []
        }
        return experiments
    }

    struct ExperimentRef {
        var projectID: Int64
        var stage: LifecycleStage
    }

    func requireExperiment(_ id: ExperimentID, on connection: SQLiteConnection) async throws -> ExperimentRef {
        let rows = try await connection.query(
            "SELECT project_id, lifecycle_stage FROM experiments WHERE experiment_id = ?", [.integer(Int(id.value))])
        guard let row = rows.first else {
            throw StrideError.notFound("No Experiment with id=\(id) exists")
        }
        return ExperimentRef(projectID: try row.int("project_id"), stage: LifecycleStage(rawValue: try row.text("lifecycle_stage")) ?? .active)
    }

    func projectID(named name: String, on connection: SQLiteConnection) async throws -> Int64 {
        let rows = try await connection.query("SELECT project_id FROM projects WHERE name = ?", [.text(name)])
        guard let row = rows.first else {
            throw StrideError.notFound("Project '\(name)' does not exist.")
        }
        return try row.int("project_id")
    }

    private func upsertExperimentTags(_ tags: [Tag], experimentID: ExperimentID, on connection: SQLiteConnection) async throws {
        var binds: [SQLiteData] = []
        for tag in tags {
            binds += [.integer(Int(experimentID.value)), .text(tag.key), .text(tag.value)]
        }
        let rows = Array(repeating: "(?, ?, ?)", count: tags.count).joined(separator: ", ")
        try await connection.execute(
            "INSERT INTO experiment_tags (experiment_id, key, value) VALUES \(rows) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
            binds)
    }

    /// SQL for one experiment filter clause, with its values as bound parameters.
    private static func sql(for clause: ExperimentFilterClause) -> (String, [SQLiteData]) {
        switch clause {
        case .name(let op, let value):
            return stringComparison("e.name", op, value)
        case .experimentIDs(let op, let ids):
            let negated = op == .notIn || op == .notEqual
            let binds = ids.map { SQLiteData.text($0) }
            return ("CAST(e.experiment_id AS TEXT) \(negated ? "NOT IN" : "IN") (\([SQLiteData].placeholders(ids.count)))", binds)
        case .time(let column, let op, let value):
            return ("e.\(column.rawValue) \(op.rawValue) ?", [.integer(Int(value))])
        case .tag(let key, let op, let value):
            switch op {
            case .isNull:
                return ("NOT EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ?)", [.text(key)])
            case .isNotNull:
                return ("EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ?)", [.text(key)])
            default:
                let (condition, binds) = stringComparison("t.value", op, value ?? "")
                return (
                    "EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ? AND \(condition))",
                    [.text(key)] + binds
                )
            }
        }
    }

    /// `=` and `LIKE` are case-sensitive and `ILIKE` is not, as in MLflow. SQLite's own LIKE
    /// ignores case, so a case-sensitive LIKE runs as GLOB with the pattern translated.
    static func stringComparison(_ column: String, _ op: FilterOperator, _ value: String) -> (String, [SQLiteData]) {
        switch op {
        case .like: ("\(column) GLOB ?", [.text(LikePattern.glob(fromLike: value))])
        case .iLike: ("\(column) LIKE ?", [.text(value)])
        case .notEqual: ("\(column) != ?", [.text(value)])
        default: ("\(column) = ?", [.text(value)])
        }
    }
}
