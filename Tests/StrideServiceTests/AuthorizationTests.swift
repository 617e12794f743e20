import Testing
import StrideDomain
import StrideService
import StrideStore

@Suite("Access service: authorizing a principal for a project and a role")
struct AuthorizationTests {
    let access: AccessService

    init() {
        access = AccessService(store: UnusedTokenStore())
    }

    @Test("a token acts in its own project with at least the role it holds", arguments: Role.allCases)
    func roleMatrix(held: Role) throws {
        let principal = Principal(tokenID: "000000000001", project: "vision", role: held)
        for needed in Role.allCases {
            if held >= needed {
                #expect(try access.authorize(principal, project: "vision", needed: needed, authEnabled: true) == held)
            } else {
                #expect(throws: StrideError(.permissionDenied,
                    "Permission denied: this needs the \(needed) role in project 'vision'; the token has \(held).")) {
                    try access.authorize(principal, project: "vision", needed: needed, authEnabled: true)
                }
            }
        }
    }

    @Test("another project's token sees that project as missing, whatever its role", arguments: Role.allCases)
    func otherProjectIsNotFound(held: Role) {
        let principal = Principal(tokenID: "000000000001", project: "audio", role: held)
        for needed in Role.allCases {
            #expect(throws: StrideError.notFound("Project 'vision' does not exist.")) {
                try access.authorize(principal, project: "vision", needed: needed, authEnabled: true)
            }
        }
    }

    @Test("a default-project token below admin does not reach other projects")
    func defaultProjectNonAdmin() {
        let principal = Principal(tokenID: "000000000001", project: "default", role: .maintainer)
        #expect(throws: StrideError.notFound("Project 'vision' does not exist.")) {
            try access.authorize(principal, project: "vision", needed: .reader, authEnabled: true)
        }
    }

    @Test("the admin of the default project is the server admin and acts as admin in every project")
    func serverAdmin() throws {
        let principal = Principal(tokenID: "000000000001", project: "default", role: .admin)
        #expect(principal.isServerAdmin)
        for needed in Role.allCases {
            #expect(try access.authorize(principal, project: "vision", needed: needed, authEnabled: true) == .admin)
        }
        #expect(!Principal(tokenID: "000000000002", project: "vision", role: .admin).isServerAdmin)
    }

    @Test("no principal is UNAUTHENTICATED whatever the role needed")
    func noPrincipal() {
        for needed in Role.allCases {
            #expect(performing: { try access.authorize(nil, project: "default", needed: needed, authEnabled: true) },
                throws: isStrideError(.unauthenticated))
        }
    }

    @Test("with auth disabled everyone acts as admin, with or without a principal")
    func authDisabled() throws {
        #expect(try access.authorize(nil, project: "vision", needed: .admin, authEnabled: false) == .admin)
        let reader = Principal(tokenID: "000000000001", project: "audio", role: .reader)
        #expect(try access.authorize(reader, project: "vision", needed: .admin, authEnabled: false) == .admin)
    }
}

/// Authorization never reads the store; any call here is a test failure.
private struct UnusedTokenStore: AccessTokenStore {
    func createAccessToken(_ token: StoredAccessToken) async throws -> AccessToken { throw unexpected() }
    func storedAccessToken(id: String) async throws -> StoredAccessToken? { throw unexpected() }
    func accessTokens(project: String?) async throws -> [AccessToken] { throw unexpected() }
    func revokeAccessToken(id: String, at time: Int64) async throws -> AccessToken { throw unexpected() }
    func recordAccessTokenUse(id: String, at time: Int64) async throws { throw unexpected() }

    private func unexpected() -> StrideError { StrideError(.internalError, "authorization must not touch the store") }
}
