public import StrideDomain

/// Persistence for projects, which own experiments, registered models and tokens.
public protocol ProjectStore: Sendable {
    /// Stores a project whose name the caller has validated; a name in use is `.alreadyExists(.project)`.
    func createProject(named name: String, at time: Int64) async throws -> Project

    func project(named name: String) async throws -> Project?

    /// Every project, by name.
    func projects() async throws -> [Project]

    /// Deletes a project and its tokens. `default` is `.reserved`, and a project that still owns
    /// experiments or registered models `.stillOwns` them (MLflow's RESTRICT deletion of
    /// workspaces); an unknown name is `.notFound(.project)`.
    func deleteProject(named name: String) async throws
}
