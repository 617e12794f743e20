/// MLflow's size limits, which the client relies on (it chunks batches to fit them).
public enum Limits {
    public static let maxEntityKeyLength = 250
    public static let maxParamValueLength = 6000
    public static let maxTagValueLength = 8000
    public static let maxExperimentNameLength = 500
    public static let maxExperimentTagKeyLength = 250
    public static let maxExperimentTagValueLength = 20000

    public static let maxMetricsPerBatch = 1000
    public static let maxParamsPerBatch = 100
    public static let maxTagsPerBatch = 100
    public static let maxEntitiesPerBatch = 1000
    /// The largest `runs/log-batch` body in bytes.
    public static let maxBatchRequestBytes = 1_000_000

    public static let maxDatasetNameLength = 500
    public static let maxDatasetDigestLength = 36
    public static let maxDatasetSchemaLength = 1_048_575
    public static let maxDatasetSourceLength = 65_535
    public static let maxDatasetProfileLength = 16_777_215
    public static let maxInputTagKeyLength = 255
    public static let maxInputTagValueLength = 500
    public static let maxDatasetsPerBatch = 1000

    public static let defaultSearchRunsMaxResults = 1000
    public static let maxSearchResults = 50000
    public static let maxRunsPerBulkHistory = 100
    public static let maxResultsPerRunBulkHistory = 2500
    /// Points per run that get-history-bulk-interval returns at the sampled steps (MLflow's `MAX_RESULTS_GET_METRIC_HISTORY`).
    public static let maxPointsPerRunBulkInterval = 25_000
    /// Largest body of the web UI's run-file upload (`/ajax-api/2.0/mlflow/upload-artifact`), as in MLflow.
    public static let maxUIUploadBytes = 10 * 1024 * 1024
}
