/// The messages several operations share, under `#/components/schemas`. Members the server always
/// writes are required; the rest are listed so a response's types are checked when present.
enum OpenAPIComponents {
    static let schemas: [(name: String, schema: OpenAPISchema)] = [
        ("Error", .object([.required("error_code", .string), .required("message", .string)])),
        ("KeyValue", .object([.required("key", .string), .optional("value", .string)])),
        ("Experiment", .object([
            .required("experiment_id", .string), .required("name", .string), .optional("artifact_location", .string),
            .required("lifecycle_stage", .string), .optional("last_update_time", .integer), .optional("creation_time", .integer),
            .optional("tags", .array(.keyValue)), .optional("workspace", .string),
        ])),
        ("RunInfo", .object([
            .required("run_id", .string), .required("run_uuid", .string), .required("experiment_id", .string),
            .optional("run_name", .string), .optional("user_id", .string), .required("status", .string),
            .optional("start_time", .integer), .optional("end_time", .integer), .optional("artifact_uri", .string),
            .required("lifecycle_stage", .string),
        ])),
        ("Run", .object([
            .required("info", .reference("RunInfo")),
            .required("data", .object([
                .optional("metrics", .array(.reference("Metric"))), .optional("params", .array(.keyValue)),
                .optional("tags", .array(.keyValue)),
            ])),
            .optional("inputs", .anyObject), .optional("outputs", .anyObject),
        ])),
        // A value is a number, or "NaN" / "Infinity" / "-Infinity" as MLflow writes them.
        ("Metric", .object([
            .required("key", .string), .required("timestamp", .integer), .required("step", .integer), .optional("run_id", .string),
        ])),
        ("RegisteredModel", .object([
            .required("name", .string), .optional("creation_timestamp", .integer), .optional("last_updated_timestamp", .integer),
            .optional("description", .string), .optional("latest_versions", .array(.reference("ModelVersion"))),
            .optional("tags", .array(.keyValue)), .optional("aliases", .array(.anyObject)),
        ])),
        ("ModelVersion", .object([
            .required("name", .string), .required("version", .string), .optional("creation_timestamp", .integer),
            .optional("last_updated_timestamp", .integer), .required("current_stage", .string), .optional("description", .string),
            .optional("source", .string), .optional("run_id", .string), .optional("status", .string), .optional("run_link", .string),
            .optional("model_id", .string), .optional("tags", .array(.keyValue)), .optional("aliases", .array(.string)),
        ])),
        ("LoggedModel", .object([
            .required("info", .object([
                .required("model_id", .string), .required("experiment_id", .string), .optional("name", .string),
                .optional("creation_timestamp_ms", .integer), .optional("last_updated_timestamp_ms", .integer),
                .optional("artifact_uri", .string), .required("status", .string), .optional("model_type", .string),
                .optional("source_run_id", .string), .optional("status_message", .string), .optional("tags", .array(.keyValue)),
            ])),
            .required("data", .anyObject),
        ])),
        ("FileInfo", .object([.required("path", .string), .required("is_dir", .boolean), .optional("file_size", .integer)])),
        ("Workspace", .object([.required("name", .string)])),
        ("AccessToken", .object([
            .required("id", .string), .required("project", .string), .required("role", .string), .optional("name", .string),
            .required("creation_timestamp", .integer), .optional("expiration_timestamp", .integer),
            .optional("revocation_timestamp", .integer), .optional("last_used_timestamp", .integer),
        ])),
    ]
}
