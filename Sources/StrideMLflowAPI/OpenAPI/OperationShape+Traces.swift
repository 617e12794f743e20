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
                summary: "Trace metrics aggregated over traces, spans or assessments (501 with the PostgreSQL store)",
                fields: [
                    .optional("experiment_ids", .array(.string)), .required("view_type", .string), .required("metric_name", .string),
                    .optional("aggregations", .array(.object([.required("aggregation_type", .string), .optional("percentile_value", .number)]))),
                    .optional("dimensions", .array(.string)), .optional("filters", .array(.string)),
                    .optional("time_interval_seconds", .integer), .optional("start_time_ms", .integer), .optional("end_time_ms", .integer),
                    .optional("max_results", .integer), .optional("page_token", .string),
                ],
                response: .page("data_points", .anyObject)),
            "POST /3.0/mlflow/traces/calculate-filter-correlation": OperationShape(
                summary: "NPMI correlation of two trace filters (501 with the PostgreSQL store)",
                fields: [
                    .optional("experiment_ids", .array(.string)), .required("filter_string1", .string), .required("filter_string2", .string),
                    .optional("base_filter", .string),
                ],
                response: .json(.anyObject)),
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
        // MLflow 2's trace routes, still served by MLflow 3 (TraceInfo v2: times in milliseconds, maps as pairs).
        let pairs = OpenAPISchema.array(.object([.required("key", .string), .optional("value", .string)]))
        let infoV2 = OpenAPISchema.object([
            .required("request_id", .string), .required("experiment_id", .string), .required("timestamp_ms", .integer),
            .required("execution_time_ms", .integer), .required("status", .string), .optional("request_metadata", pairs),
            .optional("tags", pairs),
        ])
        shapes["POST /2.0/mlflow/traces"] = OperationShape(
            summary: "Start a trace (MLflow 2)",
            fields: [
                .required("experiment_id", .string), .optional("timestamp_ms", .integer), .optional("request_metadata", pairs),
                .optional("tags", pairs),
            ],
            response: .wrapping("trace_info", infoV2))
        shapes["PATCH /2.0/mlflow/traces/{trace_id}"] = OperationShape(
            summary: "End a trace (MLflow 2)",
            fields: [
                .optional("timestamp_ms", .integer), .optional("status", .string), .optional("request_metadata", pairs), .optional("tags", pairs),
            ],
            response: .wrapping("trace_info", infoV2))
        shapes["GET /2.0/mlflow/traces/{trace_id}/info"] = OperationShape(
            summary: "Get a trace's info (MLflow 2)", response: .wrapping("trace_info", infoV2))
        shapes["GET /2.0/mlflow/traces"] = OperationShape(
            summary: "Search traces (MLflow 2)",
            fields: [
                .optional("experiment_ids", .array(.string)), .optional("filter", .string), .optional("max_results", .integer),
                .optional("order_by", .array(.string)), .optional("page_token", .string),
            ],
            response: .page("traces", infoV2))
        for version in ["2.0", "3.0"] {
            shapes["POST /\(version)/mlflow/traces/link-prompts"] = OperationShape(
                summary: "Link prompt versions to a trace",
                fields: [
                    .required("trace_id", .string),
                    .optional("prompt_versions", .array(.object([.optional("name", .string), .optional("version", .string)]))),
                ],
                response: .empty)
            shapes["GET /\(version)/mlflow/get-trace-artifact"] = OperationShape(
                summary: "A trace's traces.json (built from its stored spans) or one of its attachments",
                fields: [.required("request_id", .string), .optional("path", .string)], response: .download)
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
