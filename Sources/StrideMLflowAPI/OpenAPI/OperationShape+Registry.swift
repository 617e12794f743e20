/// The model registry (MLflow's `model_registry.proto`).
extension OperationShape {
    private static let name = OpenAPIField.required("name", .string)
    private static let version = OpenAPIField.required("version", .string)
    private static let registeredModel = ResponseShape.wrapping("registered_model", .reference("RegisteredModel"))
    private static let modelVersion = ResponseShape.wrapping("model_version", .reference("ModelVersion"))
    private static let search: [OpenAPIField] = [
        .optional("filter", .string), .optional("order_by", .array(.string)), .optional("max_results", .integer),
        .optional("page_token", .string),
    ]

    static let registeredModels: [String: OperationShape] = {
        let latestVersions = OperationShape(
            summary: "The latest version of a registered model in each stage",
            fields: [name, .optional("stages", .array(.string))],
            response: .json(.object([.optional("model_versions", .array(.reference("ModelVersion")))])))
        return [
            "POST /2.0/mlflow/registered-models/create": OperationShape(
                summary: "Create a registered model",
                fields: [name, .optional("description", .string), .optional("tags", .array(.keyValue))], response: registeredModel),
            "GET /2.0/mlflow/registered-models/get": OperationShape(
                summary: "Get a registered model", fields: [name], response: registeredModel),
            "POST /2.0/mlflow/registered-models/rename": OperationShape(
                summary: "Rename a registered model", fields: [name, .required("new_name", .string)], response: registeredModel),
            "PATCH /2.0/mlflow/registered-models/update": OperationShape(
                summary: "Update a registered model's description", fields: [name, .optional("description", .string)],
                response: registeredModel),
            "DELETE /2.0/mlflow/registered-models/delete": OperationShape(
                summary: "Delete a registered model and its versions", fields: [name], response: .empty),
            "GET /2.0/mlflow/registered-models/search": OperationShape(
                summary: "Search registered models", fields: search, response: .page("registered_models", .reference("RegisteredModel"))),
            "POST /2.0/mlflow/registered-models/get-latest-versions": latestVersions,
            "GET /2.0/mlflow/registered-models/get-latest-versions": latestVersions,
            "POST /2.0/mlflow/registered-models/set-tag": OperationShape(
                summary: "Set a registered model tag", fields: [name, .required("key", .string), .required("value", .string)],
                response: .empty),
            "DELETE /2.0/mlflow/registered-models/delete-tag": OperationShape(
                summary: "Delete a registered model tag", fields: [name, .required("key", .string)], response: .empty),
            "POST /2.0/mlflow/registered-models/alias": OperationShape(
                summary: "Point an alias at a version", fields: [name, .required("alias", .string), version], response: .empty),
            "DELETE /2.0/mlflow/registered-models/alias": OperationShape(
                summary: "Delete an alias", fields: [name, .required("alias", .string)], response: .empty),
            "GET /2.0/mlflow/registered-models/alias": OperationShape(
                summary: "The version an alias points at", fields: [name, .required("alias", .string)], response: modelVersion),
        ]
    }()

    static let modelVersions: [String: OperationShape] = [
        "POST /2.0/mlflow/model-versions/create": OperationShape(
            summary: "Create a model version",
            fields: [
                name, .required("source", .string), .optional("run_id", .string), .optional("run_link", .string),
                .optional("model_id", .string), .optional("description", .string), .optional("tags", .array(.keyValue)),
            ],
            response: modelVersion),
        "GET /2.0/mlflow/model-versions/get": OperationShape(summary: "Get a model version", fields: [name, version], response: modelVersion),
        "PATCH /2.0/mlflow/model-versions/update": OperationShape(
            summary: "Update a model version's description", fields: [name, version, .optional("description", .string)],
            response: modelVersion),
        "DELETE /2.0/mlflow/model-versions/delete": OperationShape(
            summary: "Delete a model version", fields: [name, version], response: .empty),
        "POST /2.0/mlflow/model-versions/transition-stage": OperationShape(
            summary: "Move a model version to a stage",
            fields: [name, version, .required("stage", .string), .required("archive_existing_versions", .boolean)],
            response: modelVersion),
        "GET /2.0/mlflow/model-versions/search": OperationShape(
            summary: "Search model versions", fields: search, response: .page("model_versions", .reference("ModelVersion"))),
        "GET /2.0/mlflow/model-versions/get-download-uri": OperationShape(
            summary: "Where a model version's files are", fields: [name, version], response: .wrapping("artifact_uri", .string)),
        "POST /2.0/mlflow/model-versions/set-tag": OperationShape(
            summary: "Set a model version tag", fields: [name, version, .required("key", .string), .required("value", .string)],
            response: .empty),
        "DELETE /2.0/mlflow/model-versions/delete-tag": OperationShape(
            summary: "Delete a model version tag", fields: [name, version, .required("key", .string)], response: .empty),
    ]
}
