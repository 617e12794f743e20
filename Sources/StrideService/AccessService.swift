public import StrideDomain
public import StrideStore

/// Access tokens and the access check every route makes.
///
/// A token belongs to one project with one role (GitLab's model). The HTTP layer calls
/// ``authenticate(headerValue:)`` once per request and ``authorize(_:project:needed:authEnabled:)``
/// with the role the route declares. Messages never contain a presented token or its secret.
public struct AccessService: Sendable {
    let store: any AccessTokenStore
    let clock: any TimeSource
    let cache: TokenCache

    /// How long a verified token is trusted without looking at the store again (see ``TokenCache``).
    public static let defaultCacheLifetimeMilliseconds: Int64 = 1000
    /// `last_used_time` is written at most this often per token, so use costs no write per request.
    static let lastUseResolutionMilliseconds: Int64 = 60_000
    static let maxNameLength = 256

    public init(
        store: any AccessTokenStore, clock: any TimeSource = SystemTimeSource(),
        cacheLifetimeMilliseconds: Int64 = AccessService.defaultCacheLifetimeMilliseconds
    ) {
        self.store = store
        self.clock = clock
        self.cache = TokenCache(lifetimeMilliseconds: cacheLifetimeMilliseconds)
    }

    // MARK: Managing tokens

    /// Creates a token in an existing project. `plaintext` is the only copy of the token: only a
    /// salted hash of its secret is stored. `expiresAt` is in milliseconds since the epoch.
    public func create(project: String, role: Role, name: String = "", expiresAt: Int64? = nil) async throws -> (
        token: AccessToken, plaintext: String
    ) {
        let now = clock.nowMilliseconds()
        guard name.count <= Self.maxNameLength else {
            throw StrideError.invalidParameter("Token name must be at most \(Self.maxNameLength) characters.")
        }
        if let expiresAt, expiresAt <= now {
            throw StrideError.invalidParameter("Token expiry must be in the future.")
        }
        var generator = SystemRandomNumberGenerator()
        // A 48-bit id collides rarely; a second draw settles it.
        for _ in 0..<3 {
            let text = TokenText.generate(using: &generator)
            let salt = TokenSecretHash.makeSalt()
            let token = AccessToken(id: text.id, project: project, role: role, name: name, creationTime: now, expiresTime: expiresAt)
            do {
                let stored = try await store.createAccessToken(
                    StoredAccessToken(token: token, salt: salt, secretHash: TokenSecretHash.hash(secret: text.secret, salt: salt)))
                return (stored, text.text)
            } catch StoreError.alreadyExists(.accessToken) {
                continue
            } catch let outcome as StoreError {
                throw outcome.mlflowError
            }
        }
        throw StrideError(.internalError, "Could not draw an unused token id.")
    }

    /// Creates a token that expires `expiresInDays` days from now (never, with nil).
    public func create(project: String, role: Role, name: String, expiresInDays: Int?) async throws -> (token: AccessToken, plaintext: String) {
        let now = clock.nowMilliseconds()
        let expiresAt = try expiresInDays.map { (days) throws(StrideError) in try TokenLifetime.expiry(days: days, from: now) }
        return try await create(project: project, role: role, name: name, expiresAt: expiresAt)
    }

    /// Revokes a token of `project`; another project's token id is "not found", as any foreign id.
    @discardableResult
    public func revoke(id: String, inProject project: String) async throws -> AccessToken {
        guard try await phrased({ try await store.accessTokens(project: project) }).contains(where: { $0.id == id }) else {
            throw StrideError.missing(.accessToken(id: id))
        }
        return try await revoke(id: id)
    }

    /// Tokens of one project, or of every project with nil; secrets are never stored, so never listed.
    public func list(project: String?) async throws -> [AccessToken] {
        try await phrased { try await store.accessTokens(project: project) }
    }

    /// Revokes a token; this server refuses it from now on, other processes within a second.
    @discardableResult
    public func revoke(id: String) async throws -> AccessToken {
        let token = try await phrased { try await store.revokeAccessToken(id: id, at: clock.nowMilliseconds()) }
        cache.remove(tokenID: id)
        return token
    }

    /// Drops this instance's cached principals of a deleted project (whose tokens the store deleted).
    func forgetTokens(ofProject project: String) {
        cache.remove(project: project)
    }

    // MARK: Checking requests

    /// The principal an `Authorization` header value proves, or nil when the request has none.
    /// A malformed header, an unknown token, a wrong secret, an expired or revoked token are
    /// `UNAUTHENTICATED`.
    public func authenticate(headerValue: String?) async throws -> Principal? {
        guard let headerValue else { return nil }
        let presented = try Credential(authorizationHeader: headerValue).presentedToken
        let now = clock.nowMilliseconds()
        let cacheKey = TokenCache.key(for: presented)
        if let principal = cache.principal(for: cacheKey, at: now) { return principal }

        guard let text = TokenText(parsing: presented) else { throw Self.invalidToken }
        let stored = try await phrased { try await store.storedAccessToken(id: text.id) }
        // An unknown id is hashed against a dummy too, so it takes as long as a wrong secret.
        let matches = TokenSecretHash.matches(
            secret: text.secret, salt: stored?.salt ?? Self.dummySalt, expected: stored?.secretHash ?? Self.dummyHash)
        guard let token = stored?.token, matches else { throw Self.invalidToken }
        guard token.revokedTime == nil else { throw StrideError(.unauthenticated, "The access token has been revoked.") }
        guard !token.isExpired(at: now) else { throw StrideError(.unauthenticated, "The access token has expired.") }

        let principal = Principal(tokenID: token.id, project: token.project, role: token.role)
        cache.insert(principal, expiresTime: token.expiresTime, for: cacheKey, at: now)
        if token.lastUsedTime.map({ now - $0 >= Self.lastUseResolutionMilliseconds }) ?? true {
            // Bookkeeping only: a failed write (a read-only database, say) must not refuse a valid token.
            try? await store.recordAccessTokenUse(id: token.id, at: now)
        }
        return principal
    }

    /// Checks that `principal` may act on `project` with at least `needed`, and returns the role it
    /// acts with there. With auth disabled everyone acts as admin.
    ///
    /// No principal is `UNAUTHENTICATED` (401). A token of another project is
    /// `RESOURCE_DOES_NOT_EXIST` (404), worded as for a missing project, so a token cannot probe
    /// which projects or ids exist. Too weak a role is `PERMISSION_DENIED` (403). The admin of
    /// `default` is the server admin (``Principal/isServerAdmin``) and acts as admin everywhere.
    @discardableResult
    public func authorize(_ principal: Principal?, project: String, needed: Role, authEnabled: Bool) throws(StrideError) -> Role {
        guard authEnabled else { return .admin }
        guard let principal else {
            throw StrideError(.unauthenticated, "Authentication required: send an access token as 'Authorization: Bearer <token>'.")
        }
        let role: Role
        if principal.project == project {
            role = principal.role
        } else if principal.isServerAdmin {
            role = .admin
        } else {
            throw StrideError.missing(.project(name: project))
        }
        guard role >= needed else {
            throw StrideError(.permissionDenied, "Permission denied: this needs the \(needed) role in project '\(project)'; the token has \(role).")
        }
        return role
    }

    private static let invalidToken = StrideError(.unauthenticated, "Invalid access token.")
    private static let dummySalt = [UInt8](repeating: 0, count: TokenSecretHash.saltByteCount)
    private static let dummyHash = [UInt8](repeating: 0, count: 32)
}
