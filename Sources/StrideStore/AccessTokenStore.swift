public import StrideDomain

/// A token as the store keeps it: its record and the salted hash of its secret, never the secret.
public struct StoredAccessToken: Sendable {
    public var token: AccessToken
    public var salt: [UInt8]
    public var secretHash: [UInt8]

    public init(token: AccessToken, salt: [UInt8], secretHash: [UInt8]) {
        self.token = token
        self.salt = salt
        self.secretHash = secretHash
    }
}

/// Persistence for access tokens. Each call is one transaction; lookups that find nothing return nil.
public protocol AccessTokenStore: Sendable {
    /// Stores a token in its project. An unknown project is `.notFound(.project)`; an id already
    /// taken is `.alreadyExists(.accessToken)` (the caller draws another).
    func createAccessToken(_ token: StoredAccessToken) async throws -> AccessToken

    /// The token (revoked and expired ones included) with its salted hash, to authenticate a request.
    func storedAccessToken(id: String) async throws -> StoredAccessToken?

    /// Tokens of one project, or of every project with nil, oldest first.
    func accessTokens(project: String?) async throws -> [AccessToken]

    /// Marks the token revoked at `time`; revoking again keeps the first time. An unknown id is
    /// `.notFound(.accessToken)`.
    func revokeAccessToken(id: String, at time: Int64) async throws -> AccessToken

    /// Records that the token authenticated a request at `time`.
    func recordAccessTokenUse(id: String, at time: Int64) async throws
}
