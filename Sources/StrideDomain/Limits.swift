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

    // MLflow's GraphQL endpoint (`POST /graphql`): MLflow's own query limits, plus the size and
    // nesting bounds that keep parsing a client's document cheap and its recursion shallow.
    /// The largest `/graphql` request body in bytes; the web UI's queries are a few kilobytes.
    public static let maxGraphQLRequestBytes = 256 * 1024
    /// Brackets (`{`, `(`, `[`) open at once in a GraphQL document; checked before parsing.
    public static let maxGraphQLNesting = 64
    /// MLflow's `_MAX_DEPTH`: selection sets nested in an operation.
    public static let maxGraphQLQueryDepth = 10
    /// MLflow's `_MAX_SELECTIONS`: fields selected in an operation, fragments expanded.
    public static let maxGraphQLSelections = 1000
    /// MLflow's `MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS` default: top-level fields, the batch size of one request.
    public static let maxGraphQLRootFields = 10
    /// MLflow's `MLFLOW_SERVER_GRAPHQL_MAX_ALIASES` default: aliased fields in one selection set.
    public static let maxGraphQLAliases = 10
    /// MLflow's `MAX_EXPERIMENT_IDS_PER_REQUEST` of dataset search.
    public static let maxExperimentsPerDatasetSearch = 20
    /// MLflow's `MAX_DATASET_SUMMARIES_RESULTS`: dataset summaries one search returns.
    public static let maxDatasetSummaries = 1000

    // Request sizes, applied while the request is read (docs/security.md); none has an MLflow counterpart
    // except log-batch's, above.
    /// The body of an API call that declares no larger limit: one entity with its tags.
    public static let maxRequestBodyBytes = 1_000_000
    /// The body of a search or other read sent as POST: a filter at its length limit
    /// (`maxFilterLength`, 400,000 characters), an order and a page token, so the filter's own limit
    /// is what a long filter meets.
    public static let maxSearchRequestBodyBytes = 1_000_000
    /// log-inputs and log-outputs: MLflow's dataset profile (16 MB), schema (1 MB) and source, escaped.
    public static let maxDatasetRequestBodyBytes = 20 * 1024 * 1024
    /// A web UI form: a few fields and a list of run ids.
    public static let maxFormBodyBytes = 256 * 1024
    /// JSON values (objects, arrays, strings, numbers, literals) in one body: bounds the parsed tree,
    /// ~120 bytes a value, whatever the body's size. A full log-batch has about 6,000.
    public static let maxJSONValues = 50_000
    /// A request's URL and headers together (NIO's HTTP decoder refuses a larger head).
    public static let maxRequestHeadBytes = 80 * 1024
    /// Nesting of arrays and objects in a JSON body; deeper documents are refused before the stack is at risk.
    public static let maxJSONNestingDepth = 256
    /// Bodies over `maxRequestBodyBytes` held in memory at once across all requests (one maximum
    /// dataset body); beyond it a request waits, then gets 503, which the client retries.
    public static let maxBufferedBodyBytes = 32 * 1024 * 1024

    /// Concurrent writes the SQLite store joins into one transaction (group commit); bounds how
    /// long the request that runs a group waits for its batch-mates' work.
    public static let maxWritesPerTransaction = 64
    /// Rows (points, params, tags) one shared transaction writes at most: the writes waiting when a
    /// group starts join it in arrival order until the next would pass this; a single larger write
    /// still runs, alone. Bounds the time a group holds the thread that runs it (an event loop, when a
    /// small write leads) to a few milliseconds, whatever the number of clients.
    public static let maxRowsPerGroupTransaction = 5_000

    /// The largest body of a small write that is served on its connection's event loop; a larger
    /// one (a log-batch of hundreds of points) is parsed and stored on Swift's concurrency pool, so it
    /// cannot hold up the loop's other connections.
    public static let maxEventLoopRequestBodyBytes = 16 * 1024
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
    /// Largest body of the web UI's run-file upload (`/ajax-api/2.0/mlflow/upload-artifact`), as in MLflow.
    public static let maxUIUploadBytes = 10 * 1024 * 1024
    /// Largest multipart part sent through the server to an S3 bucket (held in memory to send with
    /// its length); MLflow's client sends 10 MiB parts by default.
    public static let maxProxiedPartBytes = 64 * 1024 * 1024
}

extension Limits {
    // `stride import`: how much one step reads and writes, so memory stays bounded whatever the source holds.
    /// Metric points written in one transaction; a run with a longer history is written in parts.
    public static let importPointsPerTransaction = 100_000
    /// Runs looked up (and at most written) per step.
    public static let importRunsPerStep = 500

    // `stride gc`: each transaction stays small, so a running server's writes wait milliseconds for it.
    /// Runs removed (with their params, tags, inputs and outputs) in one transaction.
    public static let gcRunsPerTransaction = 100
    /// Metric points removed in one transaction.
    public static let gcMetricPointsPerTransaction = 20_000
    /// Traces removed in one transaction when gc purges an experiment (each with its spans, up to 10,000 a trace).
    public static let gcTracesPerTransaction = 100
    /// Free pages returned to the file system in one transaction (4 KiB each: 32 MiB).
    public static let gcFreePagesPerTransaction = 8192
}

// MLflow 3 tracing: traces, their assessments and spans (see docs/limits.md).
extension Limits {
    /// Longest trace id, MLflow's column width (`tr-` and 32 hex digits is 35).
    public static let maxTraceIDLength = 50
    /// Longest `client_request_id`, MLflow's column width.
    public static let maxClientRequestIDLength = 50
    /// Longest request or response preview kept, in characters; MLflow's column width, and what its client sends at most.
    public static let maxTracePreviewLength = 1000
    /// The most tags plus metadata entries one trace write carries.
    public static let maxTraceKeyValues = 1000
    /// Largest `max_results` of `traces/search`, as MLflow's handler enforces.
    public static let maxTraceSearchResults = 500
    /// Data points one `traces/metrics` answer holds at most (MLflow's default page).
    public static let maxTraceMetricDataPoints = 1000
    /// The most traces one `traces/batchGet`, `batchGetInfos`, `delete-traces` or `link-to-run` names.
    public static let maxTracesPerRequest = 1000
    /// Largest JSON of one assessment's source, value, rationale, error and metadata.
    public static let maxAssessmentBytes = 1024 * 1024
    /// The most assessments one trace holds.
    public static let maxAssessmentsPerTrace = 1000

    // The PostgreSQL store's in-process caches of insert-only facts.
    /// Runs whose experiment the PostgreSQL store remembers (a run never changes experiment); the map is cleared when it reaches this size.
    public static let maxCachedRunExperiments = 100_000
    /// Experiments whose artifact location the PostgreSQL store remembers for one-statement create-run; the map is cleared at this size.
    public static let maxCachedExperimentLocations = 10_000
    /// Distinct statement shapes the PostgreSQL store prepares by name on each connection; further shapes are sent unnamed.
    public static let maxReusedStatementShapes = 256
}

// The web UI's trace pages: what one page draws and shows, so a hostile trace cannot make a page huge or slow.
extension Limits {
    /// Spans drawn in a trace's waterfall (and listed with their details); the rest are named in a note.
    public static let maxWaterfallSpans = 1000
    /// Deepest nesting the waterfall draws; deeper spans are left out with a note.
    public static let maxWaterfallDepth = 64
    /// Longest span input, output, attribute or event value shown, in bytes; longer ones are cut with a note.
    public static let maxSpanValueDisplayBytes = 16 * 1024
    /// Largest `traces.json` artifact the trace page reads for spans the store does not hold.
    public static let maxTraceArtifactReadBytes = 16 * 1024 * 1024
    /// JSON values the trace page reads from one stored span or `traces.json` (~120 bytes each once
    /// parsed); a bigger one shows as a span without attributes.
    public static let maxSpanJSONValuesShown = 1_000_000
}

// MLflow 3 evaluation datasets (`/api/3.0/mlflow/datasets/…`): MLflow's column widths, and bounds on
// what one request carries (MLflow sets none; its client sends all records of a merge at once).
extension Limits {
    /// Longest dataset name, MLflow's column width.
    public static let maxEvaluationDatasetNameLength = 255
    /// Longest dataset tag key, MLflow's column width.
    public static let maxEvaluationDatasetTagKeyLength = 255
    /// Longest dataset tag value, MLflow's column width.
    public static let maxEvaluationDatasetTagValueLength = 5000
    /// The most tags one create or set-tags request carries.
    public static let maxEvaluationDatasetTagsPerRequest = 1000
    /// The most experiments one create, add-experiments or remove-experiments request names.
    public static let maxEvaluationDatasetExperimentsPerRequest = 1000
    /// The largest records upsert body: MLflow's client sends every record of a merge in one request.
    public static let maxEvaluationDatasetRecordsRequestBytes = 20 * 1024 * 1024
    /// JSON values in the `records` text of one upsert (it is parsed apart from the body).
    public static let maxEvaluationDatasetRecordValues = 400_000
    /// `max_results` of a records page: MLflow's default, and the largest Stride answers.
    public static let defaultEvaluationDatasetRecordsPage = 1000
    public static let maxEvaluationDatasetRecordsPage = 10_000
    /// The most record ids one delete-records request names.
    public static let maxEvaluationDatasetRecordIDsPerDelete = 10_000
    /// `max_results` of `datasets/search` when absent (the client sends 1000); at most `maxSearchResults`.
    public static let defaultEvaluationDatasetSearchResults = 1000
}

// OTLP span ingest (`POST /v1/traces`); a request over any of them is refused whole.
extension Limits {
    /// Largest OTLP export body as sent (compressed or not).
    public static let maxOTLPBodyBytes = 16 * 1024 * 1024
    /// Largest OTLP export body once decompressed: a small gzip body cannot expand without bound.
    public static let maxOTLPDecompressedBytes = 64 * 1024 * 1024
    /// The most spans one export delivers.
    public static let maxSpansPerExport = 10_000
    /// Largest single attribute or event attribute value, as its protobuf encoding.
    public static let maxSpanAttributeBytes = 4 * 1024 * 1024
    /// Largest span as stored (its protobuf-JSON).
    public static let maxSpanContentBytes = 8 * 1024 * 1024
    /// Deepest nesting of arrays and key-value lists in an attribute value.
    public static let maxSpanAttributeDepth = 32
}
