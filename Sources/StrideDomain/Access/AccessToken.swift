/// A token's record as listed to an admin: everything except the secret, which is never stored.
public struct AccessToken: Sendable, Equatable {
    /// The public id part of the token text (see ``TokenText``), unique on the server.
    public var id: String
    /// The name of the one project the token reaches.
    public var project: String
    public var role: Role
    /// A label chosen by whoever created the token; may be empty.
    public var name: String
    /// Milliseconds since the epoch, as every Stride timestamp.
    public var creationTime: Int64
    /// From this time on the token is refused; nil means it never expires.
    public var expiresTime: Int64?
    public var revokedTime: Int64?
    /// When the token last authenticated a request, recorded coarsely (see `AccessService`).
    public var lastUsedTime: Int64?

    public init(
        id: String, project: String, role: Role, name: String, creationTime: Int64, expiresTime: Int64? = nil, revokedTime: Int64? = nil,
        lastUsedTime: Int64? = nil
    ) {
        self.id = id
        self.project = project
        self.role = role
        self.name = name
        self.creationTime = creationTime
        self.expiresTime = expiresTime
        self.revokedTime = revokedTime
        self.lastUsedTime = lastUsedTime
    }

    /// Whether the token may authenticate a request at `time`: not revoked and not yet expired.
    public func isUsable(at time: Int64) -> Bool {
        revokedTime == nil && !isExpired(at: time)
    }

    public func isExpired(at time: Int64) -> Bool {
        if let expiresTime { return time >= expiresTime }
        return false
    }
}
