public import Hummingbird
import HTTPTypes

/// Gives every response a strict Content-Security-Policy and `nosniff`.
///
/// A response that already names its own policy keeps it: HTML artifacts are served with
/// `sandbox`, which must not be widened.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Pages load styles, scripts and images from Stride only and run no inline code.
    public static var pagePolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
    }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.pagePolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

extension HTTPField.Name {
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
