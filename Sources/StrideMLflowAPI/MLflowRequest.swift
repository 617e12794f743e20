import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import StrideDomain

/// One decoded MLflow API call: its fields, path parameters and project.
struct MLflowRequest: Sendable {
    var fields: RequestFields
    /// The `:name` segments of the route (`/logged-models/:model_id`), percent-decoded.
    var pathParameters: [String: String] = [:]
    /// The project the call addresses (``RequestProject``).
    var project: String = Project.defaultName

    /// A path parameter the route declares.
    func pathParameter(_ name: String) throws(StrideError) -> String {
        guard let value = pathParameters[name], !value.isEmpty else { throw StrideError.missingValue(name) }
        return value
    }

    /// Decodes fields the way MLflow's `_get_request_message` does: a GET with a query string reads
    /// the query; anything else reads a JSON body (which POST and PUT must label as JSON) of at most
    /// `maxBodyBytes`, refused while it is read, before it is parsed.
    static func decode(_ request: Request, maxBodyBytes: Int = Limits.maxRequestBodyBytes) async throws -> MLflowRequest {
        if request.method == .get, let query = request.uri.query, !query.isEmpty {
            return MLflowRequest(fields: RequestFields(query: parseQuery(query)))
        }
        if request.method == .post || request.method == .put {
            guard let isJSON = request.declaresJSONBody else {
                throw StrideError.invalidParameter("Bad Request. Content-Type header is missing.")
            }
            guard isJSON else {
                throw StrideError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].")
            }
        }
        let body = try await RequestBodyLimit(maxBytes: maxBodyBytes, path: request.uri.path).collect(request)
        guard body.readableBytes > 0 else { return MLflowRequest(fields: RequestFields(json: [])) }
        var value: JSONValue
        do {
            value = try JSONParser.parse(body.readableBytesView)
            // Legacy clients send the JSON document as a JSON string.
            if case .string(let inner) = value {
                value = try JSONParser.parse(inner.utf8)
            }
        } catch {
            throw StrideError.invalidParameter("Malformed JSON request body: \(error.description)")
        }
        guard case .object(let members) = value else {
            throw StrideError.invalidParameter("The request body must be a JSON object.")
        }
        return MLflowRequest(fields: RequestFields(json: members))
    }

    /// Splits `a=1&b=2&b=3` into ordered pairs, decoding `+` and percent escapes.
    static func parseQuery(_ query: String) -> [(name: String, value: String)] {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decodeComponent(parts[0])
            let value = parts.count > 1 ? decodeComponent(parts[1]) : ""
            return (name, value)
        }
    }

    private static func decodeComponent(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// A handler for one MLflow endpoint.
typealias MLflowHandler = @Sendable (MLflowRequest) async throws -> Response

/// One MLflow endpoint: its method, its path below `/api/<version>/mlflow`, and its handler.
struct MLflowEndpoint: Sendable {
    var method: HTTPRequest.Method
    var path: String
    /// The weakest role that may call the endpoint when auth is on. It has no default: an endpoint
    /// cannot be declared without saying who may call it.
    var access: Role
    var version: String = "2.0"
    /// `mlflow` for MLflow's API; `stride` for Stride's own administration endpoints.
    var namespace: String = "mlflow"
    /// MLflow serves every REST endpoint for the client (`/api`) and for its web UI (`/ajax-api`).
    var prefixes: [String] = ["/api", "/ajax-api"]
    /// The largest body the endpoint reads (`Limits`); a larger one is refused before it is parsed.
    var maxBodyBytes: Int = Limits.maxRequestBodyBytes
    /// The endpoint does a small, bounded amount of work when its body is small (one run's write, one
    /// lookup by key), so the server may answer it where the request arrived instead of handing it to
    /// another thread (`Limits.maxEventLoopRequestBodyBytes`).
    var isSmall = false
    var handler: MLflowHandler

    /// The full paths this endpoint answers on.
    var routePaths: [String] {
        prefixes.map { "\($0)/\(version)/\(namespace)\(path)" }
    }
}
