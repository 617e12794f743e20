/// What one API operation reads and answers, as its OpenAPI operation describes it.
///
/// Shapes are looked up by ``key(method:path:)``: the route's method and path with the project
/// prefix and the `/api` or `/ajax-api` root removed, so one shape covers every path the router
/// serves an endpoint on.
struct OperationShape: Sendable {
    var summary: String
    /// The JSON body's members (POST, PUT, PATCH, DELETE) or the query's parameters (GET).
    var fields: [OpenAPIField] = []
    var response: ResponseShape = .json(.anyObject)
    /// Reads artifacts at a run's or model version's own artifact URI, which may name a store
    /// Stride cannot read (`s3://…`, any path outside its artifact root): 501 `NOT_IMPLEMENTED`.
    var readsRecordedLocation = false

    /// Every shape, keyed by ``key(method:path:)``.
    static let all: [String: OperationShape] = {
        var table: [String: OperationShape] = [:]
        for group in [experiments, runs, metrics, loggedModels, registeredModels, modelVersions, artifacts, administration, traces, evaluationDatasets] {
            table.merge(group) { first, _ in first }
        }
        return table
    }()

    /// `GET /2.0/mlflow/runs/get` for `GET /projects/{project}/ajax-api/2.0/mlflow/runs/get`.
    static func key(method: String, path: String) -> String {
        var path = Substring(path)
        let projectPrefix = "/projects/{project}"
        if path.hasPrefix(projectPrefix + "/") { path = path.dropFirst(projectPrefix.count) }
        for root in ["/api/", "/ajax-api/"] where path.hasPrefix(root) {
            path = path.dropFirst(root.count - 1)
            break
        }
        return "\(method) \(path)"
    }
}

/// What a successful answer carries.
enum ResponseShape: Sendable {
    /// 200 with a JSON body.
    case json(OpenAPISchema)
    /// 201 with a JSON body (a workspace created).
    case created(OpenAPISchema)
    /// 200 or 206 with the file's bytes in its own media type; 416 for a range past the end.
    case download
    /// 200 with no body (an upload stored).
    case stored
    /// 200 with `text/plain`.
    case text
    /// Never succeeds: 501 (presigned downloads).
    case notImplemented

    /// `{}`, the answer of MLflow's write endpoints.
    static let empty = ResponseShape.json(.object([]))

    /// `{"<name>": <schema>}` with the member always present.
    static func wrapping(_ name: String, _ schema: OpenAPISchema) -> ResponseShape {
        .json(.object([.required(name, schema)]))
    }

    /// A search page: the list and the next page's token, each omitted when empty.
    static func page(_ name: String, _ item: OpenAPISchema) -> ResponseShape {
        .json(.object([.optional(name, .array(item)), .optional("next_page_token", .string)]))
    }
}
