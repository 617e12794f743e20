public import StrideDomain
public import StrideStore

extension PostgresTrackingStore {
    public func createAccessToken(_ stored: StoredAccessToken) async throws -> AccessToken {
        try await database.write { db in
            let projectID = try await Self.projectID(named: stored.token.project, in: db)
            let token = stored.token
            let inserted = try await db.execute(SQL(
                """
                INSERT INTO access_tokens (token_id, project_id, role, name, salt, secret_hash, creation_time, expires_time, revoked_time,
                                           last_used_time)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token_id) DO NOTHING RETURNING 1
                """,
                [.text(token.id), .integer(projectID), .integer(Int64(token.role.rawValue)), .text(token.name), .bytes(stored.salt),
                 .bytes(stored.secretHash), .integer(token.creationTime), token.expiresTime.sqlValue, token.revokedTime.sqlValue,
                 token.lastUsedTime.sqlValue]))
            guard inserted > 0 else { throw StoreError.alreadyExists(.accessToken(id: stored.token.id)) }
            return token
        }
    }

    public func storedAccessToken(id: String) async throws -> StoredAccessToken? {
        try await database.read { db in
            guard let row = try await db.row(SQL("\(Self.tokenColumns), t.salt, t.secret_hash \(Self.tokenSource) WHERE t.token_id = ?", id)) else {
                return nil
            }
            return StoredAccessToken(token: try Self.accessToken(row), salt: row.bytes(8), secretHash: row.bytes(9))
        }
    }

    public func accessTokens(project: String?) async throws -> [AccessToken] {
        try await database.read { db in
            let rows =
                if let project {
                    try await db.rows(SQL("\(Self.tokenColumns) \(Self.tokenSource) WHERE p.name = ? ORDER BY t.token_pk", project))
                } else {
                    try await db.rows(SQL("\(Self.tokenColumns) \(Self.tokenSource) ORDER BY t.token_pk"))
                }
            return try rows.map(Self.accessToken)
        }
    }

    public func revokeAccessToken(id: String, at time: Int64) async throws -> AccessToken {
        try await database.write { db in
            guard let row = try await db.row(SQL("\(Self.tokenColumns) \(Self.tokenSource) WHERE t.token_id = ? FOR UPDATE OF t", id)) else {
                throw StoreError.notFound(.accessToken(id: id))
            }
            var token = try Self.accessToken(row)
            guard token.revokedTime == nil else { return token }
            try await db.execute(SQL("UPDATE access_tokens SET revoked_time = ? WHERE token_id = ?", time, id))
            token.revokedTime = time
            return token
        }
    }

    public func recordAccessTokenUse(id: String, at time: Int64) async throws {
        try await database.read { db in
            try await db.execute(SQL("UPDATE access_tokens SET last_used_time = GREATEST(COALESCE(last_used_time, 0), ?) WHERE token_id = ?", time, id))
        }
    }

    private static let tokenColumns = """
        SELECT t.token_id, p.name AS project, t.role, t.name, t.creation_time, t.expires_time, t.revoked_time, t.last_used_time
        """
    private static let tokenSource = "FROM access_tokens t JOIN projects p ON p.project_id = t.project_id"

    private static func accessToken(_ row: SQLRow) throws -> AccessToken {
        guard let roleValue = Int(exactly: row.int(2)), let role = Role(rawValue: roleValue) else {
            throw StoreError.unreadable(.accessToken(id: row.text(0)))
        }
        return AccessToken(
            id: row.text(0), project: row.text(1), role: role, name: row.text(3), creationTime: row.int(4),
            expiresTime: row.optionalInt(5), revokedTime: row.optionalInt(6), lastUsedTime: row.optionalInt(7))
    }
}
