/// MLflow 3's logged models, addressed by id in the path.
extension OperationShape {
    static let loggedModels: [String: OperationShape] = {
        let model = ResponseShape.wrapping("model", .reference("LoggedModel"))
        let status = OpenAPISchema.oneOf(["LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"])
        return [
            "POST /2.0/mlflow/logged-models": OperationShape(
                summary: "Create a logged model",
                fields: [
                    .required("experiment_id", .string), .optional("name", .string), .optional("model_type", .string),
                    .optional("source_run_id", .string), .optional("params", .array(.keyValue)), .optional("tags", .array(.keyValue)),
                ],
                response: model),
            "GET /2.0/mlflow/logged-models/{model_id}": OperationShape(
                summary: "Get a logged model", fields: [.optional("allow_deleted", .boolean)], response: model),
            "PATCH /2.0/mlflow/logged-models/{model_id}": OperationShape(
                summary: "Finalize a logged model", fields: [.required("status", status)], response: model),
            "DELETE /2.0/mlflow/logged-models/{model_id}": OperationShape(summary: "Delete a logged model", response: .empty),
            "PATCH /2.0/mlflow/logged-models/{model_id}/tags": OperationShape(
                summary: "Set logged model tags", fields: [.optional("tags", .array(.keyValue))], response: .empty),
            "DELETE /2.0/mlflow/logged-models/{model_id}/tags/{tag_key}": OperationShape(
                summary: "Delete a logged model tag", response: .empty),
            "POST /2.0/mlflow/logged-models/{model_id}/params": OperationShape(
                summary: "Log logged model params", fields: [.optional("params", .array(.keyValue))], response: .empty),
            "POST /2.0/mlflow/logged-models/search": OperationShape(
                summary: "Search logged models",
                fields: [
                    .optional("experiment_ids", .array(.string)), .optional("filter", .string),
                    .optional("datasets", .array(.object([.required("dataset_name", .string), .optional("dataset_digest", .string)]))),
                    .optional(
                        "order_by",
                        .array(.object([
                            .required("field_name", .string), .optional("ascending", .boolean), .optional("dataset_name", .string),
                            .optional("dataset_digest", .string),
                        ]))),
                    .optional("max_results", .integer), .optional("page_token", .string),
                ],
                response: .page("models", .reference("LoggedModel"))),
        ]
    }()
}
