import Testing

@testable import StrideWebUI

@Suite("Redirects stay on this site and forms come from this origin")
struct RedirectAndOriginTests {
    @Test("same-origin paths are kept as they are", arguments: ["/", "/experiments/3", "/runs/abc?x=1&next=//kept-in-query", "/charts#top"])
    func localPaths(path: String) {
        #expect(LocalRedirect.path(path, otherwise: "/fallback") == path)
    }

    @Test("anything a browser could read as another origin falls back", arguments: [
        "/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "//evil.example", "///evil.example", "/\\evil.example",
        "\\\\evil.example", "/.//evil.example", "/a//b", "https://evil.example", "javascript:alert(1)", "evil.example", "", " /x",
        "/x y", "/caf\u{e9}", "/\u{7f}", "/ok\r\nSet-Cookie: x=1",
    ])
    func hostileTargets(target: String) {
        #expect(LocalRedirect.path(target, otherwise: "/fallback") == "/fallback")
    }

    @Test("a missing target falls back")
    func missing() {
        #expect(LocalRedirect.path(nil, otherwise: "/") == "/")
    }

    @Test("origins compare by scheme, host and port, the scheme's default port aside")
    func origins() {
        #expect(SameOriginCheck.normalizedOrigin("HTTP://Stride.Example:80") == "http://stride.example")
        #expect(SameOriginCheck.normalizedOrigin("https://stride.example:443") == "https://stride.example")
        #expect(SameOriginCheck.normalizedOrigin("https://stride.example:80") == "https://stride.example:80")
        #expect(SameOriginCheck.normalizedOrigin("http://127.0.0.1:5000") == "http://127.0.0.1:5000")
        #expect(SameOriginCheck.normalizedOrigin("http://stride.example") != SameOriginCheck.normalizedOrigin("https://stride.example"))
        for opaque in ["null", "stride.example", "ftp://stride.example", "http://", "http://a@stride.example", "http://stride.example/path"] {
            #expect(SameOriginCheck.normalizedOrigin(opaque) == nil, "\(opaque)")
        }
    }
}
