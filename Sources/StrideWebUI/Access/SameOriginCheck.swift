import Hummingbird
import HTTPTypes

/// The CSRF defence of every state-changing form (with auth on or off): a POST must come from a
/// page of this site.
///
/// Browsers label every request with `Sec-Fetch-Site` and a POST with `Origin`; a page of another
/// site can make a browser send a form but cannot forge those. Together with the SameSite=Strict
/// session cookie (which a cross-site POST does not carry) this needs no token in each form, so
/// it holds for every form the UI will ever add. A request with neither header does not come
/// from a browser, so it cannot be a forged one.
enum SameOriginCheck {
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    /// An `Origin` must be this site's whole origin: scheme, host and port (`http://` is not
    /// `https://`, and an opaque `null` origin is no site's).
    static func allows(_ request: Request) -> Bool {
        if let site = request.headers[fetchSite], site != "same-origin", site != "none" { return false }
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.headers[forwardedHost] ?? request.head.authority else { return false }
        let scheme = WebSignIn.isSecure(request) ? "https" : "http"
        guard let presented = normalizedOrigin(origin), let own = normalizedOrigin("\(scheme)://\(host)") else { return false }
        return presented == own
    }

    /// `scheme://host[:port]` in lowercase with the scheme's default port left out; nil when the
    /// text is not such an origin.
    static func normalizedOrigin(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard let separator = lowered.firstRange(of: "://") else { return nil }
        let scheme = lowered[..<separator.lowerBound]
        var authority = lowered[separator.upperBound...]
        guard scheme == "http" || scheme == "https", !authority.isEmpty, !authority.contains("/"), !authority.contains("@") else { return nil }
        let defaultPort = scheme == "https" ? ":443" : ":80"
        if authority.hasSuffix(defaultPort) { authority = authority.dropLast(defaultPort.count) }
        return "\(scheme)://\(authority)"
    }
}
