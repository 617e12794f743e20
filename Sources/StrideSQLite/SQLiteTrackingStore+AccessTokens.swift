import Foundation
import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    public func createAccessToken(_ stored: StoredAccessToken) async throws -> AccessToken {
        try await pool.write { db in
            let projectID = try Self.projectID(named: stored.token.project, in: db)
            let taken = try Bool.fetchOne(db, sql: "SELECT 1 FROM access_tokens WHERE token_id = ?", arguments: [stored.token.id]) ?? false
            guard !taken else { throw StoreError.alreadyExists(.accessToken(id: stored.token.id)) }
            let token = stored.token
            try db.execute(
                sql: """
                    INSERT INTO access_tokens (token_id, project_id, role, name, salt, secret_hash, creation_time, expires_time, revoked_time,
                                               last_used_time)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, projectID, token.role.rawValue, token.name, Data(stored.salt), Data(stored.secretHash), token.creationTime, token.expiresTime,
                    token.revokedTime, token.lastUsedTime,
                ])
            return token
        }
    }

    public func storedAccessToken(id: String) async throws -> StoredAccessToken? {
        try readNow { db in
            let row = try Row.fetchOne(
                db, sql: "\(Self.tokenColumns), t.salt, t.secret_hash \(Self.tokenSource) WHERE t.token_id = ?", arguments: [id])
            return try row.map { row in
                StoredAccessToken(
                    token: try Self.accessToken(row), salt: Array(row["salt"] as Data), secretHash: Array(row["secret_hash"] as Data))
            }
        }
    }

    public func accessTokens(project: String?) async throws -> [AccessToken] {
        try readNow { db in
            let rows =
                if let project {
                    try Row.fetchAll(db, sql: "\(Self.tokenColumns) \(Self.tokenSource) WHERE p.name = ? ORDER BY t.token_pk", arguments: [project])
                } else {
                    try Row.fetchAll(db, sql: "\(Self.tokenColumns) \(Self.tokenSource) ORDER BY t.token_pk")
                }
            return try rows.map(Self.accessToken)
        }
    }

    public func revokeAccessToken(id: String, at time: Int64) async throws -> AccessToken {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "\(Self.tokenColumns) \(Self.tokenSource) WHERE t.token_id = ?", arguments: [id]) else {
                throw StoreError.notFound(.accessToken(id: id))
            }
            var token = try Self.accessToken(row)
            guard token.revokedTime == nil else { return token }
            try db.execute(sql: "UPDATE access_tokens SET revoked_time = ? WHERE token_id = ?", arguments: [time, id])
            token.revokedTime = time
            return token
        }
    }

    public func recordAccessTokenUse(id: String, at time: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE access_tokens SET last_used_time = max(coalesce(last_used_time, 0), ?) WHERE token_id = ?", arguments: [time, id])
        }
    }

    private static let tokenColumns = """
        SELECT t.token_id, p.name AS project, t.role, t.name, t.creation_time, t.expires_time, t.revoked_time, t.last_used_time
        """
    private static let tokenSource = "FROM access_tokens t JOIN projects p ON p.project_id = t.project_id"

    private static func accessToken(_ row: Row) throws -> AccessToken {
        let roleValue: Int = row["role"]
        guard let role = Role(rawValue: roleValue) else {
            throw StoreError.unreadable(.accessToken(id: row.text("token_id")))
        }
        return AccessToken(
            id: row.text("token_id"), project: row.text("project"), role: role, name: row.text("name"), creationTime: row.int("creation_time"),
            expiresTime: row["expires_time"], revokedTime: row["revoked_time"], lastUsedTime: row["last_used_time"])
    }
}
