import StrideDomain

/// The server's own routes: health, version, capabilities, this document, projects and tokens.
extension OperationShape {
    static let administration: [String: OperationShape] = [
        "GET /health": OperationShape(summary: "Liveness", response: .text),
        "GET /health/ready": OperationShape(summary: "Readiness: the store answers a query", response: .text),
        "GET /metrics": OperationShape(summary: "Server metrics in Prometheus' text format", response: .text),
        "GET /version": OperationShape(summary: "The MLflow release whose API Stride speaks", response: .text),
        "GET /openapi.json": OperationShape(summary: "This document", response: .json(.anyObject)),
        "GET /3.0/mlflow/server-info": OperationShape(
            summary: "The server's capabilities",
            response: .json(.object([
                .required("store_type", .string), .required("workspaces_enabled", .boolean),
                .required("multipart_uploads_enabled", .boolean), .required("artifact_serving_enabled", .boolean),
            ]))),
        "GET /3.0/mlflow/workspaces": OperationShape(
            summary: "List projects (server admin)", response: .json(.object([.optional("workspaces", .array(.reference("Workspace")))]))),
        "POST /3.0/mlflow/workspaces": OperationShape(
            summary: "Create a project (server admin)", fields: [.required("name", .string)],
            response: .created(.object([.required("workspace", .reference("Workspace"))]))),
        "GET /3.0/mlflow/workspaces/{workspace_name}": OperationShape(
            summary: "Get a project (server admin)", response: .wrapping("workspace", .reference("Workspace"))),
        "DELETE /3.0/mlflow/workspaces/{workspace_name}": OperationShape(
            summary: "Delete an empty project (server admin)", response: .empty),
        "POST /2.0/stride/tokens/create": OperationShape(
            summary: "Create an access token in the project (shown once)",
            fields: [
                .required("role", .oneOf(Role.allCases.map(\.name))), .optional("name", .string),
                .optional("expires_in_days", .integer),
            ],
            response: .json(.object([.required("access_token", .reference("AccessToken")), .required("token", .string)]))),
        "GET /2.0/stride/tokens/list": OperationShape(
            summary: "List the project's access tokens",
            response: .json(.object([.optional("access_tokens", .array(.reference("AccessToken")))]))),
        "POST /2.0/stride/tokens/revoke": OperationShape(
            summary: "Revoke an access token", fields: [.required("token_id", .string)],
            response: .wrapping("access_token", .reference("AccessToken"))),
    ]
}
