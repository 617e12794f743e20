public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createProject(named name: String, at time: Int64) async throws -> Project {
        try await database.write { db in
            let inserted = try await db.execute(SQL(
                "INSERT INTO projects (name, creation_time) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING 1", name, time))
            guard inserted > 0 else { throw StoreError.alreadyExists(.project(name: name)) }
            return Project(name: name, creationTime: time)
        }
    }

    public func project(named name: String) async throws -> Project? {
        try await database.read { db in
            try await db.row(SQL("SELECT name, creation_time FROM projects WHERE name = ?", name)).map(Self.project)
        }
    }

    public func projects() async throws -> [Project] {
        try await database.read { db in
            try await db.rows(SQL("SELECT name, creation_time FROM projects ORDER BY name")).map(Self.project)
        }
    }

    public func deleteProject(named name: String) async throws {
        try await database.write { db in
            guard name != Project.defaultName else {
                throw StoreError.reserved(.project(name: name))
            }
            // The row lock keeps another instance from adding an experiment or model while this checks.
            guard let projectID = try await db.row(SQL("SELECT project_id FROM projects WHERE name = ? FOR UPDATE", name))?.int(0) else {
                throw StoreError.notFound(.project(name: name))
            }
            let owned: [(table: String, dependents: (Int) -> StoreEntity.Dependents)] = [
                ("experiments", StoreEntity.Dependents.experiments), ("registered_models", StoreEntity.Dependents.registeredModels),
            ]
            for (table, dependents) in owned {
                let count = try await db.row(SQL("SELECT count(*) FROM \(table) WHERE project_id = ?", projectID))?.int(0) ?? 0
                guard count == 0 else { throw StoreError.stillOwns(.project(name: name), dependents(Int(count))) }
            }
            try await db.execute(SQL("DELETE FROM access_tokens WHERE project_id = ?", projectID))
            try await Self.deleteEvaluationDatasets(projectID: projectID, in: db)
            try await db.execute(SQL("DELETE FROM projects WHERE project_id = ?", projectID))
        }
    }

    private static func project(_ row: SQLRow) -> Project {
        Project(name: row.text(0), creationTime: row.int(1))
    }
}
