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

    static func allows(_ request: Request) -> Bool {
        if let site = request.headers[fetchSite], site != "same-origin", site != "none" { return false }
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.headers[forwardedHost] ?? request.head.authority else { return false }
        let originHost = origin.split(separator: "://", maxSplits: 1).last.map(String.init) ?? ""
        return originHost.lowercased() == host.lowercased()
    }
}
