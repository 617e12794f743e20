/// What a request's `Authorization` header presents.
///
/// The mlflow client sends `Bearer <token>` for `MLFLOW_TRACKING_TOKEN` and basic auth for
/// `MLFLOW_TRACKING_USERNAME`/`PASSWORD`. As GitLab does for personal access tokens over basic
/// auth, the password is the token and the username is not checked: it identifies nobody, since
/// the token alone names its project and role. Errors and `description` never repeat the header.
public enum Credential: Sendable, Equatable, CustomStringConvertible {
    case bearer(token: String)
    case basic(username: String, password: String)

    /// Parses a header value; the scheme is case-insensitive (RFC 9110 §11.1). Anything malformed
    /// is `UNAUTHENTICATED`.
    public init(authorizationHeader value: String) throws(StrideError) {
        let parts = value.split(separator: " ")
        guard parts.count == 2 else { throw Self.malformed }
        let argument = String(parts[1])
        switch parts[0].lowercased() {
        case "bearer":
            self = .bearer(token: argument)
        case "basic":
            guard let decoded = Base64.decodeStandard(argument), let pair = String(validating: decoded, as: UTF8.self),
                let colon = pair.firstIndex(of: ":")
            else { throw Self.malformed }
            self = .basic(username: String(pair[..<colon]), password: String(pair[pair.index(after: colon)...]))
        default:
            throw StrideError(.unauthenticated, "Unsupported authorization scheme: use 'Bearer <token>' or basic auth with the token as password.")
        }
    }

    /// The token text presented: the bearer token, or the basic-auth password.
    public var presentedToken: String {
        switch self {
        case .bearer(let token): token
        case .basic(_, let password): password
        }
    }

    public var description: String {
        switch self {
        case .bearer: "Bearer <redacted>"
        case .basic(let username, _): "Basic \(username):<redacted>"
        }
    }

    private static let malformed = StrideError(.unauthenticated, "Malformed Authorization header.")
}
