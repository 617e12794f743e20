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
}

extension Limits {
    // Search filters and order_by. Chosen so that no filter within them reaches SQLite's own limits
    // (parser stack, expression depth 1000, 32,766 bound values, 64 tables in a join); a filter
    // beyond one is refused with a 400 that names the limit (docs/limits.md).

    /// The longest filter string, in characters (Unicode scalars).
    public static let maxFilterLength = 400_000
    /// The deepest nesting of `NOT`s and parentheses in a filter.
    public static let maxFilterDepth = 16
    /// The most comparisons (`key op value` clauses) in one filter.
    public static let maxFilterClauses = 200
    /// The most values in one filter, every item of an `IN` list counted.
    public static let maxFilterValues = 10_000
    /// The most `order_by` terms in one search.
    public static let maxOrderByTerms = 20
}

extension Limits {
    /// The longest lifetime of an access token, in days (100 years).
    public static let maxTokenLifetimeDays = 36_500
    /// The largest offset a page token may carry, so `offset + max_results` always fits.
    public static let maxPageOffset = Int(Int32.max)
    /// The largest `max_results` of a metric history page (the field is an int32 in MLflow's protocol).
    public static let maxMetricHistoryResults = Int(Int32.max)
    /// The most experiments one `runs/search` or `logged-models/search` names.
    public static let maxSearchExperimentIDs = 10_000
    /// The most `datasets` entries in one `logged-models/search`.
    public static let maxSearchDatasets = 100
}
