/// Who a request acts as once its token is verified: one project and a role in it.
public struct Principal: Sendable, Equatable {
    public var tokenID: String
    public var project: String
    public var role: Role

    public init(tokenID: String, project: String, role: Role) {
        self.tokenID = tokenID
        self.project = project
        self.role = role
    }

    /// The admin of the `default` project administers the server: it reaches every project and
    /// manages projects themselves, which belong to no project a token could name.
    public var isServerAdmin: Bool {
        project == Project.defaultName && role == .admin
    }
}
