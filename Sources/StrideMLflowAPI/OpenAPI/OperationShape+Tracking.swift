/// Experiments, runs and metric histories (MLflow's `service.proto`).
extension OperationShape {
    private static let viewType = OpenAPISchema.oneOf(["ACTIVE_ONLY", "DELETED_ONLY", "ALL"])
    private static let runStatus = OpenAPISchema.oneOf(["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"])
    /// Clients name a run by `run_id`, older ones by `run_uuid`; one of them is required.
    private static let runID: [OpenAPIField] = [.optional("run_id", .string), .optional("run_uuid", .string)]

    static let experiments: [String: OperationShape] = {
        let search = OperationShape(
            summary: "Search experiments",
            fields: [
                .optional("max_results", .integer), .optional("page_token", .string), .optional("filter", .string),
                .optional("order_by", .array(.string)), .optional("view_type", viewType),
            ],
            response: .page("experiments", .reference("Experiment")))
        return [
            "POST /2.0/mlflow/experiments/search-datasets": OperationShape(
                summary: "The datasets the experiments' runs used, by context (MLflow's web UI filter)",
                fields: [.required("experiment_ids", .array(.string))],
                response: .json(.object([.optional("dataset_summaries", .array(.object([
                    .required("experiment_id", .string), .required("name", .string), .required("digest", .string),
                    .optional("context", .string),
                ])))]))),
            "POST /2.0/mlflow/experiments/create": OperationShape(
                summary: "Create an experiment",
                fields: [.required("name", .string), .optional("artifact_location", .string), .optional("tags", .array(.keyValue))],
                response: .wrapping("experiment_id", .string)),
            "GET /2.0/mlflow/experiments/get": OperationShape(
                summary: "Get an experiment", fields: [.required("experiment_id", .string)],
                response: .wrapping("experiment", .reference("Experiment"))),
            "GET /2.0/mlflow/experiments/get-by-name": OperationShape(
                summary: "Get an experiment by name", fields: [.required("experiment_name", .string)],
                response: .wrapping("experiment", .reference("Experiment"))),
            "POST /2.0/mlflow/experiments/search": search,
            "GET /2.0/mlflow/experiments/search": search,
            "POST /2.0/mlflow/experiments/update": OperationShape(
                summary: "Rename an experiment", fields: [.required("experiment_id", .string), .required("new_name", .string)],
                response: .empty),
            "POST /2.0/mlflow/experiments/delete": OperationShape(
                summary: "Delete an experiment", fields: [.required("experiment_id", .string)], response: .empty),
            "POST /2.0/mlflow/experiments/restore": OperationShape(
                summary: "Restore a deleted experiment", fields: [.required("experiment_id", .string)], response: .empty),
            "POST /2.0/mlflow/experiments/set-experiment-tag": OperationShape(
                summary: "Set an experiment tag",
                fields: [.required("experiment_id", .string), .required("key", .string), .required("value", .string)], response: .empty),
            "POST /2.0/mlflow/experiments/delete-experiment-tag": OperationShape(
                summary: "Delete an experiment tag", fields: [.required("experiment_id", .string), .required("key", .string)],
                response: .empty),
        ]
    }()

    static let runs: [String: OperationShape] = {
        let metric: [OpenAPIField] = [
            .required("key", .string), .required("value", .number), .required("timestamp", .integer), .optional("step", .integer),
            .optional("model_id", .string), .optional("dataset_name", .string), .optional("dataset_digest", .string),
        ]
        let dataset = OpenAPISchema.object([
            .required("name", .string), .required("digest", .string), .required("source_type", .string), .required("source", .string),
            .optional("schema", .string), .optional("profile", .string),
        ])
        return [
            "POST /2.0/mlflow/runs/create": OperationShape(
                summary: "Create a run",
                fields: [
                    .optional("experiment_id", .string), .optional("user_id", .string), .optional("run_name", .string),
                    .optional("start_time", .integer), .optional("tags", .array(.keyValue)),
                ],
                response: .wrapping("run", .reference("Run"))),
            "GET /2.0/mlflow/runs/get": OperationShape(summary: "Get a run", fields: runID, response: .wrapping("run", .reference("Run"))),
            "POST /2.0/mlflow/runs/search": OperationShape(
                summary: "Search runs",
                fields: [
                    .optional("experiment_ids", .array(.string)), .optional("filter", .string), .optional("run_view_type", viewType),
                    .optional("max_results", .integer), .optional("order_by", .array(.string)), .optional("page_token", .string),
                ],
                response: .page("runs", .reference("Run"))),
            "POST /2.0/mlflow/runs/update": OperationShape(
                summary: "Update a run's status, end time or name",
                fields: runID + [.optional("status", runStatus), .optional("end_time", .integer), .optional("run_name", .string)],
                response: .wrapping("run_info", .reference("RunInfo"))),
            "POST /2.0/mlflow/runs/delete": OperationShape(summary: "Delete a run", fields: [.required("run_id", .string)], response: .empty),
            "POST /2.0/mlflow/runs/restore": OperationShape(
                summary: "Restore a deleted run", fields: [.required("run_id", .string)], response: .empty),
            "POST /2.0/mlflow/runs/log-metric": OperationShape(summary: "Log a metric", fields: runID + metric, response: .empty),
            "POST /2.0/mlflow/runs/log-parameter": OperationShape(
                summary: "Log a parameter", fields: runID + [.required("key", .string), .required("value", .string)], response: .empty),
            "POST /2.0/mlflow/runs/set-tag": OperationShape(
                summary: "Set a run tag", fields: runID + [.required("key", .string), .required("value", .string)], response: .empty),
            "POST /2.0/mlflow/runs/delete-tag": OperationShape(
                summary: "Delete a run tag", fields: [.required("run_id", .string), .required("key", .string)], response: .empty),
            "POST /2.0/mlflow/runs/log-batch": OperationShape(
                summary: "Log metrics, params and tags at once",
                fields: runID + [
                    .optional("metrics", .array(.object(metric))), .optional("params", .array(.keyValue)),
                    .optional("tags", .array(.keyValue)),
                ],
                response: .empty),
            "POST /2.0/mlflow/runs/log-inputs": OperationShape(
                summary: "Log dataset inputs",
                fields: [
                    .required("run_id", .string),
                    .optional("datasets", .array(.object([.required("dataset", dataset), .optional("tags", .array(.keyValue))]))),
                ],
                response: .empty),
            "POST /2.0/mlflow/runs/outputs": OperationShape(
                summary: "Log model outputs",
                fields: [
                    .required("run_id", .string),
                    .required("models", .array(.object([.required("model_id", .string), .required("step", .integer)]))),
                ],
                response: .empty),
        ]
    }()

    static let metrics: [String: OperationShape] = {
        let points = ResponseShape.json(.object([.optional("metrics", .array(.reference("Metric")))]))
        return [
            "GET /2.0/mlflow/metrics/get-history": OperationShape(
                summary: "A metric's history (whole, or a page with max_results)",
                fields: runID + [.required("metric_key", .string), .optional("max_results", .integer), .optional("page_token", .string)],
                response: .page("metrics", .reference("Metric"))),
            "GET /2.0/mlflow/metrics/get-history-bulk-interval": OperationShape(
                summary: "Sampled histories of one metric for several runs",
                fields: [
                    .required("run_ids", .array(.string)), .required("metric_key", .string), .optional("start_step", .integer),
                    .optional("end_step", .integer), .optional("max_results", .integer),
                ],
                response: points),
            "GET /2.0/mlflow/metrics/get-history-bulk": OperationShape(
                summary: "Whole histories of one metric for several runs (MLflow's web UI)",
                fields: [.required("run_id", .array(.string)), .required("metric_key", .string), .optional("max_results", .integer)],
                response: points),
        ]
    }()
}
