public import Hummingbird
import Logging
import NIOCore

/// Which `Host` headers the server answers (DNS-rebinding protection, as MLflow's `--allowed-hosts`).
///
/// A page on `evil.example` whose name is made to resolve to 127.0.0.1 reaches a laptop server
/// from the victim's browser, but its requests still say `Host: evil.example`. So a server bound
/// to loopback answers only Host headers naming a loopback name or address (`localhost`,
/// `127.x.x.x`, `[::1]`, any port), plus the configured patterns; a server bound elsewhere checks
/// only when patterns are given. A pattern is MLflow's: the whole header (`host:port` included)
/// equal to it, or matching it where `*` stands for any run of characters; `*` alone allows any
/// host. Names compare without regard to letter case.
public struct AllowedHosts: Sendable, Equatable {
    public var patterns: [String]
    /// Whether any Host header is checked at all.
    public var isEnforced: Bool

    public init(patterns: [String], bindHost: String) {
        let patterns = patterns.map { $0.trimmingASCIISpaces().lowercased() }.filter { !$0.isEmpty }
        self.patterns = patterns
        self.isEnforced = !patterns.contains("*") && (Self.isLoopback(bindHost) || !patterns.isEmpty)
    }

    /// Parses a comma-separated list, as `--allowed-hosts` and `STRIDE_ALLOWED_HOSTS` take it.
    public static func parseList(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingASCIISpaces() }.filter { !$0.isEmpty }
    }

    public func allows(hostHeader: String?) -> Bool {
        guard isEnforced else { return true }
        guard let header = hostHeader, !header.isEmpty else { return false }
        // Every request asks, nearly always with a loopback name: that answer allocates nothing.
        if Self.isLoopback(Self.hostName(of: header)) { return true }
        let lowered = header.lowercased()
        return patterns.contains { Self.matches(lowered, pattern: $0) }
    }

    /// The name part of `host[:port]` or `[v6]:port`; the text itself when the port is not digits.
    static func hostName(of header: String) -> Substring {
        if header.hasPrefix("[") {
            guard let close = header.firstIndex(of: "]") else { return header[...] }
            let rest = header[header.index(after: close)...]
            guard rest.isEmpty || (rest.first == ":" && Self.isPort(rest.dropFirst())) else { return header[...] }
            return header[...close]
        }
        guard let colon = header.lastIndex(of: ":") else { return header[...] }
        guard Self.isPort(header[header.index(after: colon)...]) else { return header[...] }
        return header[..<colon]
    }

    /// `localhost` in any letter case, `::1`, `[::1]`, or a dotted `127.a.b.c` of decimal octets ≤ 255.
    static func isLoopback(_ name: some StringProtocol) -> Bool {
        let bytes = name.utf8
        if bytes.elementsEqual("::1".utf8) || bytes.elementsEqual("[::1]".utf8) { return true }
        if bytes.elementsEqual("localhost".utf8, by: { $0 | 0x20 == $1 }) { return true }
        var octets = 0
        var digits = 0
        var value = 0
        var first = true
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                // The first octet is spelled exactly `127`: `0127.0.0.1` is not loopback.
                guard digits > 0, !first || value == 127 else { return false }
                octets += 1
                (digits, value, first) = (0, 0, false)
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), digits < 3 {
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard value <= 255 else { return false }
            } else {
                return false
            }
        }
        return octets == 3 && digits > 0
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `*` matches any run of characters (none included); every other character only itself.
    static func matches(_ text: String, pattern: String) -> Bool {
        guard pattern.contains("*") else { return text == pattern }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text)
        guard let first = parts.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
            guard !part.isEmpty else { continue }
            guard let found = rest.firstRange(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}

/// Refuses requests whose `Host` the server does not answer (``AllowedHosts``) with MLflow's 403
/// and text, before any route runs; `/health` (and its readiness check) and `/version` stay open, as in MLflow.
public struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: AllowedHosts

    public init(allowed: AllowedHosts) {
        self.allowed = allowed
    }

    static var invalidHostMessage: String { "Invalid Host header - possible DNS rebinding attack detected" }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        // HTTP/1's `Host` header arrives as the request's authority.
        let host = request.head.authority
        guard path == "/health" || path == "/health/ready" || path == "/version" || allowed.allows(hostHeader: host) else {
            context.logger.warning("Rejected request with invalid Host header: \(host ?? "(none)")")
            return Response(
                status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: Self.invalidHostMessage)))
        }
        return try await next(request, context)
    }
}

extension String {
    fileprivate func trimmingASCIISpaces() -> String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
