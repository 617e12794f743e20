import Foundation
import GraphQL
public import Hummingbird
import NIOCore
import StrideDomain
public import StrideService

/// MLflow's `POST /graphql`, which its web UI uses: one GraphQL operation per request, answered as
/// MLflow answers it, `{"data": ..., "errors": [messages] | null}` with status 200.
///
/// A body that is not a GraphQL request (not JSON, no `query`, a list of operations) is refused
/// with MLflow's error shape and a 400; MLflow answers those with a 500 its client would retry.
public struct GraphQLEndpoint: Sendable {
    /// Where MLflow serves it (besides the `/projects/<name>` prefix Stride adds).
    public static let path = "/graphql"

    let schema: GraphQLSchema

    /// Builds the schema once; a registry or artifact service left out makes its queries fail.
    public init(tracking: TrackingService, registry: RegistryService? = nil, artifacts: ArtifactService? = nil) throws {
        schema = try MLflowGraphQLSchema(tracking: tracking, registry: registry, artifacts: artifacts).build()
    }

    /// Answers one HTTP request in `project` (the router has already checked the caller's access).
    public func respond(to request: Request, project: String) async throws -> Response {
        if request.method == .post {
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
                throw StrideError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].")
            }
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Limits.maxGraphQLRequestBytes)
        } catch {
            throw StrideError.invalidParameter("GraphQL request bodies are limited to \(Limits.maxGraphQLRequestBytes) bytes.")
        }
        let answer = try await self.answer(Data(body.readableBytesView), project: project)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer)))
    }

    /// The response body for one request body: MLflow's guards on the document first, then
    /// GraphQL's validation, then execution.
    func answer(_ body: Data, project: String) async throws -> [UInt8] {
        let request = try GraphQLHTTPRequest.decode(body)
        if let refusal = GraphQLDocumentLimits.nestingViolation(in: request.query) {
            return try GraphQLResponseBody.encode(data: nil, errors: [refusal])
        }
        let document: Document
        do {
            document = try parse(source: request.query)
        } catch let error as GraphQLError {
            return try GraphQLResponseBody.encode(data: nil, errors: [error.message])
        }
        if let refusal = GraphQLDocumentLimits.violation(in: document) {
            return try GraphQLResponseBody.encode(data: nil, errors: [refusal])
        }
        let invalid = validate(schema: schema, ast: document)
        guard invalid.isEmpty else {
            return try GraphQLResponseBody.encode(data: nil, errors: invalid.map(\.message))
        }
        let result: GraphQLResult
        do {
            result = try await execute(
                schema: schema, documentAST: document, rootValue: (), context: GraphQLRequestScope(project: project),
                variableValues: request.variables, operationName: request.operationName)
        } catch let error as GraphQLError {
            return try GraphQLResponseBody.encode(data: nil, errors: [error.message])
        }
        return try GraphQLResponseBody.encode(data: result.data, errors: result.errors.map(\.message))
    }
}

/// The JSON body of a GraphQL request: `query`, and optionally `operationName` and `variables`.
struct GraphQLHTTPRequest: Decodable {
    var query: String
    var operationName: String?
    var variables: [String: Map]

    private enum CodingKeys: String, CodingKey { case query, operationName, variables }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let query = try container.decodeIfPresent(String.self, forKey: .query) else { throw StrideError.missingValue("query") }
        self.query = query
        operationName = try container.decodeIfPresent(String.self, forKey: .operationName)
        variables = try container.decodeIfPresent([String: Map].self, forKey: .variables) ?? [:]
    }

    static func decode(_ body: Data) throws(StrideError) -> GraphQLHTTPRequest {
        if body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") {
            throw .invalidParameter("Send one GraphQL operation per request: a JSON object with a 'query', not a list.")
        }
        do {
            return try JSONDecoder().decode(GraphQLHTTPRequest.self, from: body)
        } catch let error as StrideError {
            throw error
        } catch {
            throw .invalidParameter(
                "The GraphQL request body must be a JSON object with a string 'query', an optional 'operationName' and optional 'variables'.")
        }
    }
}

/// MLflow's response shape: `errors` is a list of messages, or null when there are none.
enum GraphQLResponseBody {
    static func encode(data: Map?, errors: [String]) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append(contentsOf: #"{"data": "#.utf8)
        if let data {
            bytes.append(contentsOf: try GraphQLJSONEncoder().encode(data))
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        bytes.append(contentsOf: #", "errors": "#.utf8)
        if errors.isEmpty {
            bytes.append(contentsOf: "null".utf8)
        } else {
            bytes.append(contentsOf: try JSONEncoder().encode(errors))
        }
        bytes.append(contentsOf: "}".utf8)
        return bytes
    }
}
