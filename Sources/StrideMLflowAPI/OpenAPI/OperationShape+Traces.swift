/// MLflow 3 tracing: traces, their tags, links to runs and assessments.
extension OperationShape {
    static let traces: [String: OperationShape] = {
        let location = OpenAPISchema.object([
            .required("type", .string), .optional("mlflow_experiment", .object([.required("experiment_id", .string)])),
        ])
        let assessment = OpenAPISchema.object([
            .required("assessment_id", .string), .required("assessment_name", .string), .required("trace_id", .string),
            .optional("span_id", .string), .required("create_time", .string), .required("last_update_time", .string),
            .required("valid", .boolean), .optional("overrides", .string), .optional("source", .anyObject),
            .optional("feedback", .anyObject), .optional("expectation", .anyObject), .optional("rationale", .string),
            .optional("metadata", .anyObject),
        ])
        let info = OpenAPISchema.object([
            .required("trace_id", .string), .optional("client_request_id", .string), .required("trace_location", location),
            .optional("request_preview", .string), .optional("response_preview", .string), .required("request_time", .string),
            .optional("execution_duration", .string), .required("state", .string), .required("trace_metadata", .anyObject),
            .optional("assessments", .array(assessment)), .required("tags", .anyObject),
        ])
        let trace = OpenAPISchema.object([.required("trace_info", info), .optional("spans", .array(.anyObject))])
        let assessmentInput = OpenAPISchema.object([
            .optional("assessment_name", .string), .optional("trace_id", .string), .optional("span_id", .string),
            .optional("source", .anyObject), .optional("feedback", .anyObject), .optional("expectation", .anyObject),
            .optional("rationale", .string), .optional("metadata", .anyObject), .optional("overrides", .string),
        ])
        var shapes: [String: OperationShape] = [
            "POST /3.0/mlflow/traces": OperationShape(
                summary: "Start (record) a trace",
                fields: [.required("trace", .object([.required("trace_info", .anyObject)]))], response: .wrapping("trace", trace)),
            "GET /3.0/mlflow/traces/{trace_id}": OperationShape(summary: "Get a trace's info", response: .wrapping("trace", trace)),
            "GET /3.0/mlflow/traces/get": OperationShape(
                summary: "Get a trace with its spans",
                fields: [.required("trace_id", .string), .optional("allow_partial", .boolean)], response: .wrapping("trace", trace)),
            "GET /3.0/mlflow/traces/batchGet": OperationShape(
                summary: "Get traces with their spans", fields: [.optional("trace_ids", .array(.string))], response: .page("traces", trace)),
            "POST /3.0/mlflow/traces/batchGetInfos": OperationShape(
                summary: "Get trace infos", fields: [.optional("trace_ids", .array(.string))], response: .page("trace_infos", info)),
            "POST /3.0/mlflow/traces/search": OperationShape(
                summary: "Search traces",
                fields: [
                    .optional("locations", .array(location)), .optional("filter", .string), .optional("max_results", .integer),
                    .optional("order_by", .array(.string)), .optional("page_token", .string),
                ],
                response: .page("traces", info)),
            "POST /2.0/mlflow/traces/link-to-run": OperationShape(
                summary: "Link traces to a run", fields: [.optional("trace_ids", .array(.string)), .required("run_id", .string)],
                response: .empty),
            "POST /3.0/mlflow/traces/metrics": OperationShape(
                summary: "Trace metrics: not served yet (501 NOT_IMPLEMENTED)", fields: [.optional("experiment_ids", .array(.string))],
                response: .notImplemented),
            "POST /3.0/mlflow/traces/calculate-filter-correlation": OperationShape(
                summary: "Trace filter correlation: not served yet (501 NOT_IMPLEMENTED)",
                fields: [.optional("experiment_ids", .array(.string))], response: .notImplemented),
            "POST /v1/traces": OperationShape(
                summary: "OTLP/HTTP trace export (protobuf or JSON); the experiment from the x-mlflow-experiment-id header",
                fields: [.optional("resourceSpans", .array(.anyObject))], response: .empty),
            "POST /3.0/mlflow/traces/{trace_id}/assessments": OperationShape(
                summary: "Create an assessment", fields: [.required("assessment", assessmentInput)], response: .wrapping("assessment", assessment)),
            "GET /3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}": OperationShape(
                summary: "Get an assessment", response: .wrapping("assessment", assessment)),
            "PATCH /3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}": OperationShape(
                summary: "Update an assessment", fields: [.required("assessment", assessmentInput), .required("update_mask", .string)],
                response: .wrapping("assessment", assessment)),
            "DELETE /3.0/mlflow/traces/{trace_id}/assessments/{assessment_id}": OperationShape(
                summary: "Delete an assessment", response: .empty),
        ]
        for version in ["2.0", "3.0"] {
            shapes["POST /\(version)/mlflow/traces/delete-traces"] = OperationShape(
                summary: "Delete traces",
                fields: [
                    .required("experiment_id", .string), .optional("max_timestamp_millis", .integer), .optional("max_traces", .integer),
                    .optional("request_ids", .array(.string)),
                ],
                response: .json(.object([.required("traces_deleted", .integer)])))
            shapes["PATCH /\(version)/mlflow/traces/{trace_id}/tags"] = OperationShape(
                summary: "Set a trace tag", fields: [.required("key", .string), .optional("value", .string)], response: .empty)
            shapes["DELETE /\(version)/mlflow/traces/{trace_id}/tags"] = OperationShape(
                summary: "Delete a trace tag", fields: [.required("key", .string)], response: .empty)
        }
        return shapes
    }()
}
