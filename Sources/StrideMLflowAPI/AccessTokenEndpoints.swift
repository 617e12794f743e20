import Hummingbird
import StrideDomain
import StrideService

extension MLflowAPI {
    /// Stride's own token administration, for a project's admin (`/api/2.0/stride/tokens/...`,
    /// also under `/projects/<name>`). Served only with auth on: with auth off anyone could mint
    /// the tokens that would guard the server once auth is turned on.
    func accessTokenEndpoints(_ access: AccessService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/tokens/create", access: .admin, namespace: "stride", prefixes: ["/api"]) { request in
                let fields = request.fields
                let created = try await access.create(
                    project: request.project, role: try Role(parsing: try fields.requiredString("role")), name: try fields.string("name") ?? "",
                    expiresInDays: try fields.int("expires_in_days"))
                var writer = JSONWriter()
                writer.beginObject()
                writer.key("access_token")
                writer.write(created.token)
                // The only time the token text is shown; the server keeps a salted hash of its secret.
                writer.field("token", created.plaintext)
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .get, path: "/tokens/list", access: .admin, namespace: "stride", prefixes: ["/api"]) { request in
                let tokens = try await access.list(project: request.project)
                return JSONResponse.page("access_tokens", tokens, bytesPerItem: 160) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/tokens/revoke", access: .admin, namespace: "stride", prefixes: ["/api"]) { request in
                let token = try await access.revoke(id: try request.fields.requiredString("token_id"), inProject: request.project)
                return JSONResponse.object("access_token") { $0.write(token) }
            },
        ]
    }
}

extension JSONWriter {
    /// A token's record: never its secret.
    mutating func write(_ token: AccessToken) {
        beginObject()
        field("id", token.id)
        field("project", token.project)
        field("role", token.role.name)
        field("name", token.name)
        field("creation_timestamp", token.creationTime)
        if let expires = token.expiresTime { field("expiration_timestamp", expires) }
        if let revoked = token.revokedTime { field("revocation_timestamp", revoked) }
        if let used = token.lastUsedTime { field("last_used_timestamp", used) }
        endObject()
    }
}
