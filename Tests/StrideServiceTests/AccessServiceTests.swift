import Testing
import StrideDomain
import StrideService
import StrideStore

@Suite("Access service: creating and authenticating tokens")
struct AccessServiceTests {
    @Test("a created token authenticates as its project and role, by bearer or as the basic-auth password")
    func roundTrip() async throws {
        try await AccessFixture.with { fixture in
            let (token, plaintext) = try await fixture.access.create(project: "vision", role: .writer, name: "ci")
            #expect(token.project == "vision")
            #expect(token.role == .writer)
            #expect(token.name == "ci")
            #expect(plaintext.hasPrefix("stride_\(token.id)_"))
            #expect(plaintext.utf8.count == 63)
            let expected = Principal(tokenID: token.id, project: "vision", role: .writer)
            #expect(try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") == expected)
            #expect(try await fixture.access.authenticate(headerValue: "Basic " + basicAuth("anyone", plaintext)) == expected)
        }
    }

    @Test("a request without an Authorization header has no principal")
    func noHeader() async throws {
        try await AccessFixture.with { (fixture) async throws in
            #expect(try await fixture.access.authenticate(headerValue: nil) == nil)
        }
    }

    @Test("a wrong secret, an unknown id, a malformed token or header are UNAUTHENTICATED")
    func badTokens() async throws {
        try await AccessFixture.with { fixture in
            let (token, plaintext) = try await fixture.access.create(project: "default", role: .reader)
            let lastCharacter = plaintext.last == "A" ? "B" : "A"
            let wrongSecret = String(plaintext.dropLast()) + lastCharacter
            let unknownID = "stride_ffffffffffff_" + plaintext.suffix(TokenText.secretLength)
            for header in [
                "Bearer \(wrongSecret)", "Bearer \(unknownID)", "Bearer stride_\(token.id)_short", "Bearer not-a-token", "Bearer",
                "Token \(plaintext)", "Basic !!!", "Basic " + basicAuth("user", wrongSecret),
            ] {
                let error = await strideError { _ = try await fixture.access.authenticate(headerValue: header) }
                #expect(error?.code == .unauthenticated, "\(header)")
            }
        }
    }

    @Test("a token is refused from its expiry time on, even while cached")
    func expired() async throws {
        try await AccessFixture.with { fixture in
            let expiresAt = fixture.clock.nowMilliseconds() + 500
            let (_, plaintext) = try await fixture.access.create(project: "default", role: .reader, expiresAt: expiresAt)
            #expect(try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") != nil)
            fixture.clock.advance(milliseconds: 500)
            let error = await strideError { _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") }
            #expect(error == StrideError(.unauthenticated, "The access token has expired."))
        }
    }

    @Test("an expiry in the past, or an overlong name, is refused at creation")
    func createValidation() async throws {
        try await AccessFixture.with { fixture in
            await #expect(throws: StrideError.invalidParameter("Token expiry must be in the future.")) {
                _ = try await fixture.access.create(project: "default", role: .reader, expiresAt: fixture.clock.nowMilliseconds())
            }
            await #expect(performing: {
                _ = try await fixture.access.create(project: "default", role: .reader, name: String(repeating: "n", count: 257))
            }, throws: isStrideError(.invalidParameterValue))
            await #expect(
                performing: { _ = try await fixture.access.create(project: "missing", role: .reader) },
                throws: isStrideError(.resourceDoesNotExist))
        }
    }

    @Test("revoking through the service refuses the token at once, even while cached")
    func revokedThroughService() async throws {
        try await AccessFixture.with { fixture in
            let (token, plaintext) = try await fixture.access.create(project: "default", role: .reader)
            #expect(try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") != nil)
            let revoked = try await fixture.access.revoke(id: token.id)
            #expect(revoked.revokedTime == fixture.clock.nowMilliseconds())
            let error = await strideError { _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") }
            #expect(error == StrideError(.unauthenticated, "The access token has been revoked."))
        }
    }

    @Test("a revocation made by another process (the CLI) is honoured within one second")
    func revokedElsewhere() async throws {
        try await AccessFixture.with { fixture in
            let (token, plaintext) = try await fixture.access.create(project: "default", role: .reader)
            #expect(try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") != nil)
            // The CLI writes the database directly; this server's cache does not hear of it.
            let otherProcess = AccessService(store: fixture.store, clock: fixture.clock)
            try await otherProcess.revoke(id: token.id)
            fixture.clock.advance(milliseconds: 999)
            #expect(try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") != nil, "still cached")
            fixture.clock.advance(milliseconds: 1)
            await #expect(performing: { _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") },
                throws: isStrideError(.unauthenticated))
        }
    }

    @Test("list shows a project's tokens without any secret; revoking an unknown id is RESOURCE_DOES_NOT_EXIST")
    func listAndRevokeUnknown() async throws {
        try await AccessFixture.with { fixture in
            let (first, _) = try await fixture.access.create(project: "vision", role: .reader, name: "a")
            let (second, _) = try await fixture.access.create(project: "vision", role: .admin, name: "b")
            _ = try await fixture.access.create(project: "default", role: .reader)
            #expect(try await fixture.access.list(project: "vision") == [first, second])
            #expect(try await fixture.access.list(project: nil).count == 3)
            await #expect(performing: { try await fixture.access.revoke(id: "ffffffffffff") }, throws: isStrideError(.resourceDoesNotExist))
        }
    }

    @Test("authenticating records the last use, at most once a minute")
    func lastUse() async throws {
        try await AccessFixture.with { fixture in
            let (token, plaintext) = try await fixture.access.create(project: "default", role: .reader)
            let start = fixture.clock.nowMilliseconds()
            _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)")
            fixture.clock.advance(milliseconds: 30_000)
            _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)")
            #expect(try await fixture.access.list(project: "default").first { $0.id == token.id }?.lastUsedTime == start)
            fixture.clock.advance(milliseconds: 30_000)
            _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)")
            #expect(try await fixture.access.list(project: "default").first { $0.id == token.id }?.lastUsedTime == start + 60_000)
        }
    }

    @Test("no error message, and no description of a token or credential, contains the secret")
    func secretsNeverInText() async throws {
        try await AccessFixture.with { fixture in
            let (token, plaintext) = try await fixture.access.create(project: "default", role: .reader, expiresAt: fixture.clock.nowMilliseconds() + 10)
            let secret = String(plaintext.suffix(TokenText.secretLength))
            let wrongSecret = String(plaintext.dropLast()) + (plaintext.last == "A" ? "B" : "A")
            var texts: [String] = []
            for header in ["Bearer \(wrongSecret)", "Basic " + basicAuth("u", wrongSecret), "Bearer \(plaintext) extra", "Token \(plaintext)"] {
                if let error = await strideError({ _ = try await fixture.access.authenticate(headerValue: header) }) {
                    texts.append(error.description)
                }
            }
            fixture.clock.advance(milliseconds: 10)
            if let error = await strideError({ _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") }) {
                texts.append(error.description)
            }
            try await fixture.access.revoke(id: token.id)
            if let error = await strideError({ _ = try await fixture.access.authenticate(headerValue: "Bearer \(plaintext)") }) {
                texts.append(error.description)
            }
            let parsed = try #require(TokenText(parsing: plaintext))
            texts += [
                String(describing: parsed), "\(parsed)", String(describing: Credential.bearer(token: plaintext)),
                String(describing: Credential.basic(username: "u", password: plaintext)), String(describing: token),
            ]
            #expect(texts.count == 11)
            for text in texts {
                #expect(!text.contains(secret), "\(text)")
                #expect(!text.contains(String(wrongSecret.suffix(TokenText.secretLength))), "\(text)")
            }
        }
    }
}

/// The value of a basic-auth header after `Basic `.
func basicAuth(_ username: String, _ password: String) -> String {
    Array("\(username):\(password)".utf8).base64
}

extension [UInt8] {
    /// Standard base64 with padding, written out here so the test does not reuse the code it checks.
    var base64: String {
        let alphabet = [Character]("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        for start in stride(from: 0, to: count, by: 3) {
            let chunk = Array(self[start..<Swift.min(start + 3, count)]) + [0, 0]
            let group = Int(chunk[0]) << 16 | Int(chunk[1]) << 8 | Int(chunk[2])
            let digits = Swift.min(count - start, 3) + 1
            for index in 0..<4 { out.append(index < digits ? alphabet[(group >> (18 - 6 * index)) & 0x3F] : "=") }
        }
        return out
    }
}
