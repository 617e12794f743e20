import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore: ProjectStore {
    public func createProject(named name: String, at time: Int64) async throws -> Project {
        try await pool.write { db in
            let taken = try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE name = ?", arguments: [name]) ?? false
            guard !taken else { throw StrideError(.resourceAlreadyExists, "Project '\(name)' already exists.") }
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
                throw StrideError(.invalidState, "Cannot delete the reserved '\(Project.defaultName)' project.")
            }
            let projectID = try Self.projectID(named: name, in: db)
            for (table, label) in [("experiments", "experiments"), ("registered_models", "registered models")] {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE project_id = ?", arguments: [projectID]) ?? 0
                guard count == 0 else {
                    throw StrideError(
                        .invalidState, "Cannot delete project '\(name)': it still owns \(count) \(label). Delete them first.")
                }
            }
            try db.execute(sql: "DELETE FROM access_tokens WHERE project_id = ?", arguments: [projectID])
            try db.execute(sql: "DELETE FROM projects WHERE project_id = ?", arguments: [projectID])
        }
    }

    private static func project(_ row: Row) -> Project {
        Project(name: row.text("name"), creationTime: row.int("creation_time"))
    }
}
