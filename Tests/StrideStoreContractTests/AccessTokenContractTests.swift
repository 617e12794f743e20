import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: projects and access tokens")
struct AccessTokenContractTests {
    @Test("a created project is listed by name and found; a taken name is RESOURCE_ALREADY_EXISTS", arguments: StoreBackend.all)
    func createAndListProjects(backend: StoreBackend) async throws {
        try await withAccessStores(backend) { projects, _ in
            let vision = try await projects.createProject(named: "vision", at: 5000)
            #expect(vision == Project(name: "vision", creationTime: 5000))
            _ = try await projects.createProject(named: "audio", at: 6000)
            #expect(try await projects.projects().map(\.name) == ["audio", "default", "vision"])
            #expect(try await projects.project(named: "vision") == vision)
            #expect(try await projects.project(named: "missing") == nil)
            await #expect(
                performing: { _ = try await projects.createProject(named: "vision", at: 7000) }, throws: isRefusal(StoreError.alreadyExists(.project(name: "vision"))))
        }
    }

    @Test("deleting refuses default and projects that own experiments or models, and removes the project's tokens", arguments: StoreBackend.all)
    func deleteProject(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let projects = try #require(store as? any ProjectStore)
            let tokens = try #require(store as? any AccessTokenStore)
            let registry = try #require(store as? any RegistryStore)
            await #expect(performing: { try await projects.deleteProject(named: "default") }, throws: isRefusal(StoreError.reserved(.project(name: "default"))))
            await #expect(performing: { try await projects.deleteProject(named: "missing") }, throws: isRefusal(StoreError.notFound(.project(name: "missing"))))

            _ = try await projects.createProject(named: "with-experiment", at: 1)
            _ = try await store.createExperiment(NewExperiment(
                project: "with-experiment", name: "e", artifactLocation: .fixed("file:///tmp/e"), tags: [], creationTime: 1))
            await #expect(performing: { try await projects.deleteProject(named: "with-experiment") }, throws: isRefusal(StoreError.stillOwns(.project(name: "with-experiment"), .experiments(1))))

            _ = try await projects.createProject(named: "with-model", at: 1)
            _ = try await registry.createRegisteredModel(NewRegisteredModel(project: "with-model", name: "m", description: nil, tags: [], creationTime: 1))
            await #expect(performing: { try await projects.deleteProject(named: "with-model") }, throws: isRefusal(StoreError.stillOwns(.project(name: "with-model"), .registeredModels(1))))

            _ = try await projects.createProject(named: "empty", at: 1)
            _ = try await tokens.createAccessToken(.sample(id: "00000000000e", project: "empty"))
            try await projects.deleteProject(named: "empty")
            #expect(try await projects.project(named: "empty") == nil)
            #expect(try await tokens.storedAccessToken(id: "00000000000e") == nil)
        }
    }

    @Test("a stored token comes back with its salt and hash; an unknown id is nil", arguments: StoreBackend.all)
    func createAndVerify(backend: StoreBackend) async throws {
        try await withAccessStores(backend) { _, tokens in
            let sample = StoredAccessToken.sample(id: "0123456789ab", role: .writer, expiresTime: 9000)
            let created = try await tokens.createAccessToken(sample)
            #expect(created == sample.token)
            let stored = try #require(try await tokens.storedAccessToken(id: "0123456789ab"))
            #expect(stored.token == sample.token)
            #expect(stored.salt == sample.salt)
            #expect(stored.secretHash == sample.secretHash)
            #expect(try await tokens.storedAccessToken(id: "ffffffffffff") == nil)
        }
    }

    @Test("an unknown project is RESOURCE_DOES_NOT_EXIST; a taken id is RESOURCE_ALREADY_EXISTS", arguments: StoreBackend.all)
    func createRefusals(backend: StoreBackend) async throws {
        try await withAccessStores(backend) { _, tokens in
            await #expect(
                performing: { _ = try await tokens.createAccessToken(.sample(id: "000000000001", project: "missing")) },
                throws: isRefusal(StoreError.notFound(.project(name: "missing"))))
            _ = try await tokens.createAccessToken(.sample(id: "000000000001"))
            await #expect(
                performing: { _ = try await tokens.createAccessToken(.sample(id: "000000000001")) }, throws: isRefusal(StoreError.alreadyExists(.accessToken(id: "000000000001"))))
        }
    }

    @Test("tokens are listed per project or all together, oldest first", arguments: StoreBackend.all)
    func listTokens(backend: StoreBackend) async throws {
        try await withAccessStores(backend) { projects, tokens in
            _ = try await projects.createProject(named: "vision", at: 1)
            _ = try await tokens.createAccessToken(.sample(id: "000000000001"))
            _ = try await tokens.createAccessToken(.sample(id: "000000000002", project: "vision", role: .admin))
            _ = try await tokens.createAccessToken(.sample(id: "000000000003"))
            #expect(try await tokens.accessTokens(project: "default").map(\.id) == ["000000000001", "000000000003"])
            #expect(try await tokens.accessTokens(project: "vision").map(\.role) == [.admin])
            #expect(try await tokens.accessTokens(project: nil).map(\.id) == ["000000000001", "000000000002", "000000000003"])
            #expect(try await tokens.accessTokens(project: "missing").isEmpty)
        }
    }

    @Test("revoking records the first revocation time; an unknown id is RESOURCE_DOES_NOT_EXIST", arguments: StoreBackend.all)
    func revoke(backend: StoreBackend) async throws {
        try await withAccessStores(backend) { _, tokens in
            _ = try await tokens.createAccessToken(.sample(id: "000000000001"))
            #expect(try await tokens.revokeAccessToken(id: "000000000001", at: 2000).revokedTime == 2000)
            #expect(try await tokens.revokeAccessToken(id: "000000000001", at: 3000).revokedTime == 2000)
            #expect(try await tokens.storedAccessToken(id: "000000000001")?.token.revokedTime == 2000)
            await #expect(
                performing: { _ = try await tokens.revokeAccessToken(id: "ffffffffffff", at: 1) }, throws: isRefusal(StoreError.notFound(.accessToken(id: "ffffffffffff"))))
        }
    }

    @Test("recording a use moves last-used forward only", arguments: StoreBackend.all)
    func recordUse(backend: StoreBackend) async throws {
        try await withAccessStores(backend) { _, tokens in
            _ = try await tokens.createAccessToken(.sample(id: "000000000001"))
            try await tokens.recordAccessTokenUse(id: "000000000001", at: 5000)
            try await tokens.recordAccessTokenUse(id: "000000000001", at: 4000)
            #expect(try await tokens.accessTokens(project: nil).first?.lastUsedTime == 5000)
        }
    }
}

private func withAccessStores(
    _ backend: StoreBackend, _ body: (any ProjectStore, any AccessTokenStore) async throws -> Void
) async throws {
    try await withStore(backend) { store in
        let projects = try #require(store as? any ProjectStore, "the \(backend.name) store must also be a ProjectStore")
        let tokens = try #require(store as? any AccessTokenStore, "the \(backend.name) store must also be an AccessTokenStore")
        try await body(projects, tokens)
    }
}

extension StoredAccessToken {
    static func sample(id: String, project: String = "default", role: Role = .reader, expiresTime: Int64? = nil) -> StoredAccessToken {
        StoredAccessToken(
            token: AccessToken(id: id, project: project, role: role, name: "ci", creationTime: 1000, expiresTime: expiresTime),
            salt: Array(0..<16), secretHash: Array(repeating: 7, count: 32))
    }
}
