import Testing
import StrideDomain
import StrideService

@Suite("Token text, Authorization headers and constant-time comparison")
struct TokenFormatTests {
    @Test("a generated token is stride_, 12 hex digits, _, and a 43-character base64url secret, and parses back")
    func generatedTokenShape() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let token = TokenText.generate(using: &generator)
            let text = token.text
            #expect(text.utf8.count == 63)
            #expect(text.hasPrefix("stride_"))
            #expect(token.id.utf8.allSatisfy { "0123456789abcdef".utf8.contains($0) })
            #expect(token.secret.utf8.count == 43)
            #expect(TokenText(parsing: text) == token)
        }
    }

    @Test("the secret may contain underscores and hyphens; the id is found by position")
    func secretWithSeparators() throws {
        let text = "stride_0123456789ab_" + "_-" + String(repeating: "x", count: 41)
        let token = try #require(TokenText(parsing: text))
        #expect(token.id == "0123456789ab")
        #expect(token.secret == "_-" + String(repeating: "x", count: 41))
    }

    @Test("anything but that shape is not a token", arguments: [
        "", "stride_", "gitlab_0123456789ab_" + String(repeating: "x", count: 43),
        "stride_0123456789AB_" + String(repeating: "x", count: 43), "stride_0123456789ab-" + String(repeating: "x", count: 43),
        "stride_0123456789ab_" + String(repeating: "x", count: 42), "stride_0123456789ab_" + String(repeating: "x", count: 44),
        "stride_0123456789ab_" + String(repeating: "x", count: 42) + "=", "stride_0123456789ab_" + String(repeating: "é", count: 43),
    ])
    func malformedTokens(text: String) {
        #expect(TokenText(parsing: text) == nil)
    }

    @Test("Bearer and Basic headers are read case-insensitively; basic auth presents its password")
    func credentials() throws {
        #expect(try Credential(authorizationHeader: "Bearer abc") == .bearer(token: "abc"))
        #expect(try Credential(authorizationHeader: "bearer  abc ") == .bearer(token: "abc"))
        #expect(try Credential(authorizationHeader: "Basic " + basicAuth("alice", "s3cr:et")) == .basic(username: "alice", password: "s3cr:et"))
        #expect(try Credential(authorizationHeader: "BASIC " + basicAuth("", "tok")).presentedToken == "tok")
        // requests always pads; some clients do not.
        #expect(try Credential(authorizationHeader: "Basic dTp0b2s").presentedToken == "tok")
    }

    @Test("malformed or unsupported headers are UNAUTHENTICATED", arguments: [
        "", "Bearer", "Bearer a b", "Basic", "Basic ***",
        "Basic " + Array("no colon".utf8).base64, "Basic " + Array([0xFF, 0x3A, 0x61] as [UInt8]).base64, "Digest abc", "abc",
    ])
    func malformedHeaders(header: String) {
        #expect(performing: { _ = try Credential(authorizationHeader: header) }, throws: isStrideError(.unauthenticated))
    }

    @Test("roles parse by name in any case and order from reader to admin")
    func roles() throws {
        #expect(try Role(parsing: "Maintainer") == .maintainer)
        #expect(Role.allCases.map(\.name) == ["reader", "writer", "maintainer", "admin"])
        #expect(Role.reader < .writer && .writer < .maintainer && .maintainer < .admin)
        #expect(performing: { _ = try Role(parsing: "owner") }, throws: isStrideError(.invalidParameterValue))
    }

    @Test("constant-time comparison is equality of bytes, with different lengths unequal")
    func constantTimeComparison() {
        let digest = (0..<32).map { UInt8($0) }
        #expect(ConstantTimeComparison.equal(digest, digest))
        var lastDiffers = digest
        lastDiffers[31] ^= 1
        var firstDiffers = digest
        firstDiffers[0] ^= 0x80
        #expect(!ConstantTimeComparison.equal(digest, lastDiffers))
        #expect(!ConstantTimeComparison.equal(digest, firstDiffers))
        #expect(!ConstantTimeComparison.equal(digest, Array(digest.dropLast())))
        #expect(ConstantTimeComparison.equal([], []))
    }
}
