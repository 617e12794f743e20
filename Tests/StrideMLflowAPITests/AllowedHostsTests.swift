import StrideServer
import Testing

@Suite("Host header checks against DNS rebinding (MLflow's --allowed-hosts)")
struct AllowedHostsTests {
    @Test("a loopback server answers loopback names and addresses on any port, and nothing else", arguments: ["127.0.0.1", "localhost", "::1"])
    func loopbackServer(bind: String) {
        let hosts = AllowedHosts(patterns: [], bindHost: bind)
        #expect(hosts.isEnforced)
        for allowed in ["localhost", "LocalHost:5000", "127.0.0.1", "127.0.0.1:1", "127.255.0.9:65535", "[::1]", "[::1]:8080", "LOCALHOST", "127.000.0.1"] {
            #expect(hosts.allows(hostHeader: allowed), "\(allowed)")
        }
        for refused in [
            nil, "", "evil.example", "evil.example:5000", "localhost.evil.example", "127.0.0.1.evil.example", "127.0.0.256", "127.0.0",
            "128.0.0.1", "10.0.0.1", "[::2]", "[::1]x", "localhost:port", "0.0.0.0",
            "0127.0.0.1", "1270.0.0.1", "127..0.1", "127.0.0.1.", ".127.0.0.1", "127.0.0.1:", "127.0.0.1000", "localhosu", "localhost1",
            "127.0.0.-1",
        ] {
            #expect(!hosts.allows(hostHeader: refused), "\(refused ?? "nil")")
        }
    }

    @Test("patterns match the whole header, exactly or with * for any run of characters")
    func patterns() {
        let hosts = AllowedHosts(patterns: ["Stride.Example.com", " *.corp.example:* ", "ml-*.lab"], bindHost: "127.0.0.1")
        #expect(hosts.allows(hostHeader: "stride.example.com"))
        #expect(!hosts.allows(hostHeader: "stride.example.com:5000"))
        #expect(hosts.allows(hostHeader: "a.corp.example:8443"))
        #expect(!hosts.allows(hostHeader: "corp.example:8443"))
        #expect(!hosts.allows(hostHeader: "a.corp.example"))
        #expect(hosts.allows(hostHeader: "ml-1.lab"))
        #expect(!hosts.allows(hostHeader: "ml-1.lab.evil"))
    }

    @Test("a server bound elsewhere checks only when given hosts; * turns the check off")
    func enforcement() {
        #expect(!AllowedHosts(patterns: [], bindHost: "0.0.0.0").isEnforced)
        #expect(AllowedHosts(patterns: ["stride.example"], bindHost: "0.0.0.0").isEnforced)
        #expect(!AllowedHosts(patterns: ["*"], bindHost: "127.0.0.1").isEnforced)
        #expect(AllowedHosts(patterns: ["stride.example"], bindHost: "0.0.0.0").allows(hostHeader: "localhost:5000"))
    }

    @Test("the list is comma separated, blanks dropped")
    func list() {
        #expect(AllowedHosts.parseList(" a.example , ,b.example:*,") == ["a.example", "b.example:*"])
    }
}
