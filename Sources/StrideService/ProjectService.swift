public import StrideDomain
public import StrideStore

/// Projects (MLflow 3's workspaces): creating, listing, reading and deleting them.
///
/// With auth on, managing projects is the server admin's (the admin of `default`): only it creates
/// or deletes projects and sees projects other than its own. Any other token sees its own project
/// alone, and another project's name is "not found" whether or not it exists. The `caller:`
/// methods apply that rule for requests; the others are the operator's (the CLI, the UI's switcher
/// for the server admin), who already holds the database.
public struct ProjectService: Sendable {
    let store: any ProjectStore
    let clock: any TimeSource
    /// Where deleted projects' files are removed; nil leaves files to the operator (the CLI).
    let artifacts: ArtifactService?
    /// Whose cached tokens a deletion forgets on this instance (others re-check within a second).
    let access: AccessService?

    public init(
        store: any ProjectStore, clock: any TimeSource = SystemTimeSource(), artifacts: ArtifactService? = nil,
        access: AccessService? = nil
    ) {
        self.store = store
        self.clock = clock
        self.artifacts = artifacts
        self.access = access
    }

    // MARK: Requests

    /// Every project for the server admin (and with auth off, `caller` nil); else the caller's own.
    public func list(caller: Principal?) async throws -> [Project] {
        guard let caller, !caller.isServerAdmin else { return try await list() }
        return try await store.project(named: caller.project).map { [$0] } ?? []
    }

    /// A project the caller may see: its own, or any for the server admin.
    public func project(named name: String, caller: Principal?) async throws -> Project {
        if let caller, !caller.isServerAdmin, caller.project != name { throw Self.missing(name) }
        return try await project(named: name)
    }

    public func create(named name: String, caller: Principal?) async throws -> Project {
        try Self.requireServerAdmin(caller)
        return try await create(named: name)
    }

    public func delete(named name: String, caller: Principal?) async throws {
        try Self.requireServerAdmin(caller)
        try await delete(named: name)
    }

    // MARK: The operator's

    /// Creates a project whose name follows MLflow's workspace rules (``ProjectName``). Files left
    /// under the name by a deleted project of the same name (a write that raced the deletion on
    /// another instance) are removed first, so a new project always starts empty.
    public func create(named name: String) async throws -> Project {
        try ProjectName.validate(name)
        if try await store.project(named: name) == nil { try await removeFiles(of: name) }
        return try await phrased { try await store.createProject(named: name, at: clock.nowMilliseconds()) }
    }

    public func list() async throws -> [Project] {
        try await store.projects()
    }

    public func project(named name: String) async throws -> Project {
        guard let project = try await store.project(named: name) else { throw Self.missing(name) }
        return project
    }

    /// Deletes an empty project, its tokens and its files; `default` and a project that still owns
    /// experiments or registered models are `INVALID_STATE`. The store deletion comes first: from
    /// then on no request reaches the project (the router asks the store), so no upload can land
    /// in the folder being removed.
    public func delete(named name: String) async throws {
        try await phrased { try await store.deleteProject(named: name) }
        access?.forgetTokens(ofProject: name)
        try await removeFiles(of: name)
    }

    private func removeFiles(of name: String) async throws {
        try await artifacts?.removeFiles(ofProject: name)
    }

    private static func requireServerAdmin(_ caller: Principal?) throws(StrideError) {
        guard let caller, !caller.isServerAdmin else { return }
        throw StrideError(.permissionDenied, "Permission denied: only the server admin (an admin token of project 'default') manages projects.")
    }

    private static func missing(_ name: String) -> StrideError {
        .missing(.project(name: name))
    }
}
