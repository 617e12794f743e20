import StrideDomain
import Testing

@Suite("ArtifactPath admits only plain relative paths below the artifact root")
struct ArtifactPathTests {
    /// Paths as they arrive in a `?path=` query or a JSON field (already decoded once).
    static let hostileDecodedPaths: [String] = [
        "..", "../", "../x", "a/..", "a/../b", "a/b/../../..", "./../x", "a/./../b",
        "/etc/passwd", "/", "//server/share", "///x",
        "a//b", "a/", "/a/", "a/b//", "//",
        "..\\x", "a\\..\\b", "\\\\server\\share", "C:\\Windows", "C:/Windows", "c:", "file:/etc/passwd",
        "file:///etc/passwd", "s3://bucket/key", "mlflow-artifacts:/1/x",
        "a#b", "a/#/../x", "x?y", "a/b?/../../c", "#",
        "a\u{0}b", "\u{0}", "a/\u{0}/b", "line\nbreak", "tab\there", "bell\u{7}", "del\u{7F}",
        "%2e%2e", "%2E%2E/x", "a/%2e%2e/b", "%2f", "a%2Fb", "%252e%252e", "%5c", "..%2fx", "%00", "%23", "%3f",
        String(repeating: "a", count: 256), Array(repeating: "abcdefghij", count: 400).joined(separator: "/"),
    ]

    /// Paths as they arrive in a URL, still percent-encoded.
    static let hostileURLPaths: [String] = [
        "..", "%2e%2e", "%2E%2E/etc/passwd", ".%2e/x", "a/%2e%2e/%2e%2e/b", "..%2f..%2fetc", "a%2F..%2F..%2Fb",
        "a%5C..%5Cb", "%2fetc%2fpasswd", "a%00b", "a%23b", "a%3Fb", "%252e%252e/x", "%25252e", "a/%ff/b", "%c0%ae%c0%ae",
        "/abs", "a//b",
    ]

    @Test("hostile decoded paths are rejected with INVALID_PARAMETER_VALUE", arguments: hostileDecodedPaths)
    func rejectsHostileDecodedPath(path: String) {
        #expect {
            try ArtifactPath(validating: path)
        } throws: { error in
            guard let error = error as? StrideError else { return false }
            return error.code == .invalidParameterValue && error.message == "Invalid path"
        }
    }

    @Test("hostile URL paths are rejected with INVALID_PARAMETER_VALUE", arguments: hostileURLPaths)
    func rejectsHostileURLPath(path: String) {
        #expect {
            try ArtifactPath(percentEncoded: path[...])
        } throws: { error in
            (error as? StrideError)?.code == .invalidParameterValue
        }
    }

    @Test("the corpus has at least 40 hostile paths")
    func corpusSize() {
        #expect(Self.hostileDecodedPaths.count + Self.hostileURLPaths.count >= 40)
    }

    @Test("ordinary artifact paths are accepted segment by segment", arguments: [
        ("1/abc/artifacts/model.pkl", ["1", "abc", "artifacts", "model.pkl"]),
        ("notes/hello world.txt", ["notes", "hello world.txt"]),
        ("a/./b", ["a", "b"]),
        ("...", ["..."]),
        ("..a/b..", ["..a", "b.."]),
        ("résumé/数据.csv", ["résumé", "数据.csv"]),
        ("100%.txt", ["100%.txt"]),
        ("run:1/x", ["run:1", "x"]),
        (".hidden", [".hidden"]),
    ])
    func acceptsOrdinaryPath(path: String, segments: [String]) throws {
        #expect(try ArtifactPath(validating: path).segments == segments)
    }

    @Test("the empty path is the root")
    func emptyIsRoot() throws {
        #expect(try ArtifactPath(validating: "").isRoot)
        #expect(try ArtifactPath(percentEncoded: "").isRoot)
    }

    @Test("URL paths are decoded once: spaces and UTF-8 escapes become characters")
    func decodesURLPath() throws {
        #expect(try ArtifactPath(percentEncoded: "a%20b/%E6%95%B0.txt").segments == ["a b", "数.txt"])
        #expect(try ArtifactPath(percentEncoded: "a/b.txt").description == "a/b.txt")
    }

    @Test("appending a name admits one plain segment only")
    func appendingName() throws {
        let directory = try ArtifactPath(validating: "1/r/artifacts")
        #expect(try directory.appending(name: "model.bin").description == "1/r/artifacts/model.bin")
        for bad in ["..", "a/b", "", "/x"] {
            #expect(throws: StrideError.self) { try directory.appending(name: bad) }
        }
    }

    @Test("parent, name and containment describe the tree")
    func treeRelations() throws {
        let path = try ArtifactPath(validating: "a/b/c.txt")
        #expect(path.name == "c.txt")
        #expect(path.parent.description == "a/b")
        #expect(path.prefix(1).description == "a")
        #expect(path.parent.contains(path))
        #expect(!path.contains(path.parent))
        #expect(ArtifactPath.root.parent.isRoot)
    }
}
