public import StrideDomain
public import StrideStore

/// Projects (MLflow 3's workspaces): creating, listing and deleting them, which only the server
/// admin may do (see `AccessService.authorize`).
public struct ProjectService: Sendable {
    let store: any ProjectStore
    let clock: any TimeSource

    public init(store: any ProjectStore, clock: any TimeSource = SystemTimeSource()) {
        self.store = store
        self.clock = clock
    }

    /// Creates a project whose name follows MLflow's workspace rules (``ProjectName``).
    public func create(named name: String) async throws -> Project {
        try ProjectName.validate(name)
        return try await store.createProject(named: name, at: clock.nowMilliseconds())
    }

    public func list() async throws -> [Project] {
        try await store.projects()
    }

    public func project(named name: String) async throws -> Project {
        guard let project = try await store.project(named: name) else {
            throw StrideError.notFound("Project '\(name)' does not exist.")
        }
        return project
    }

    /// Deletes an empty project and its tokens; `default` and a project that still owns
    /// experiments or registered models are `INVALID_STATE`.
    public func delete(named name: String) async throws {
        try await store.deleteProject(named: name)
    }
}
