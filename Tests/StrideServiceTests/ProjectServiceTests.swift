import Testing
import StrideDomain
import StrideService

@Suite("Project service: MLflow 3's workspace names and RESTRICT deletion")
struct ProjectServiceTests {
    @Test("valid names are created and listed", arguments: ["ab", "nlp", "team-1", "0x", String(repeating: "a", count: 63)])
    func validNames(name: String) async throws {
        try await AccessFixture.with { (fixture) async throws in
            #expect(try await fixture.projects.create(named: name).name == name)
            #expect(try await fixture.projects.project(named: name).name == name)
            #expect(try await fixture.projects.list().map(\.name).contains(name))
        }
    }

    @Test("invalid or reserved names are INVALID_PARAMETER_VALUE", arguments: [
        "", "a", String(repeating: "a", count: 64), "Vision", "team_1", "-team", "team-", "team.1", "tëam", "api", "ajax-api",
        "workspaces", "static-files",
    ])
    func invalidNames(name: String) async throws {
        #expect(performing: { try ProjectName.validate(name) }, throws: isStrideError(.invalidParameterValue))
    }

    @Test("a taken name is RESOURCE_ALREADY_EXISTS; an unknown one is RESOURCE_DOES_NOT_EXIST")
    func conflicts() async throws {
        try await AccessFixture.with { fixture in
            await #expect(performing: { _ = try await fixture.projects.create(named: "vision") }, throws: isStrideError(.resourceAlreadyExists))
            await #expect(performing: { _ = try await fixture.projects.project(named: "nope") }, throws: isStrideError(.resourceDoesNotExist))
        }
    }

    @Test("deleting an empty project removes it and its tokens stop working; default cannot be deleted")
    func delete() async throws {
        try await AccessFixture.with { fixture in
            let (_, plaintext) = try await fixture.access.create(project: "vision", role: .admin)
            try await fixture.projects.delete(named: "vision")
            await #expect(performing: { _ = try await fixture.projects.project(named: "vision") }, throws: isStrideError(.resourceDoesNotExist))
            await #expect(performing: { _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") },
                throws: isStrideError(.unauthenticated))
            await #expect(performing: { try await fixture.projects.delete(named: "default") }, throws: isStrideError(.invalidState))
        }
    }
}
