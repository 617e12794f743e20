import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createProject(named name: String, at time: Int64) async throws -> Project {
        try await pool.write { db in
            let taken = try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE name = ?", arguments: [name]) ?? false
            guard !taken else { throw StoreError.alreadyExists(.project(name: name)) }
            try db.execute(sql: "INSERT INTO projects (name, creation_time) VALUES (?, ?)", arguments: [name, time])
            return Project(name: name, creationTime: time)
        }
    }

    public func project(named name: String) async throws -> Project? {
        try readNow { db in
            try Row.fetchOne(db, sql: "SELECT name, creation_time FROM projects WHERE name = ?", arguments: [name]).map(Self.project)
        }
    }

    public func projects() async throws -> [Project] {
        try readNow { db in
            try Row.fetchAll(db, sql: "SELECT name, creation_time FROM projects ORDER BY name").map(Self.project)
        }
    }

    public func deleteProject(named name: String) async throws {
        try await pool.write { db in
            guard name != Project.defaultName else {
                throw StoreError.reserved(.project(name: name))
            }
            let projectID = try Self.projectID(named: name, in: db)
            let owned: [(table: String, dependents: (Int) -> StoreEntity.Dependents)] = [
                ("experiments", StoreEntity.Dependents.experiments), ("registered_models", StoreEntity.Dependents.registeredModels),
            ]
            for (table, dependents) in owned {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE project_id = ?", arguments: [projectID]) ?? 0
                guard count == 0 else { throw StoreError.stillOwns(.project(name: name), dependents(count)) }
            }
            try db.execute(sql: "DELETE FROM access_tokens WHERE project_id = ?", arguments: [projectID])
            try Self.deleteEvaluationDatasets(projectID: projectID, in: db)
            try db.execute(sql: "DELETE FROM projects WHERE project_id = ?", arguments: [projectID])
        }
    }

    private static func project(_ row: Row) -> Project {
        Project(name: row.text("name"), creationTime: row.int("creation_time"))
    }
}
