/// `traces/metrics` (MLflow 3.12's `QueryTraceMetrics`): one metric of an experiment's traces,
/// spans or assessments, aggregated per group of dimensions and, with a time interval, per
/// time bucket. Which metrics, aggregations and dimensions each view takes is MLflow's table.
public enum TraceMetrics {
    /// What the rows are: traces, their spans, or their valid assessments.
    public enum View: String, Sendable, Hashable, CaseIterable {
        case traces = "TRACES"
        case spans = "SPANS"
        case assessments = "ASSESSMENTS"
    }

    /// The numbers a view aggregates.
    public enum Metric: Sendable, Hashable {
        case traceCount
        /// Distinct `mlflow.trace.session` values.
        case sessionCount
        /// A trace's execution time in milliseconds.
        case traceLatency
        /// One count of the trace's `mlflow.trace.tokenUsage` (`input_tokens`, ...).
        case tokens(String)
        case spanCount
        /// A span's duration in whole milliseconds.
        case spanLatency
        /// One member of the span's `mlflow.llm.cost` (`input_cost`, ...).
        case spanCost(String)
        case assessmentCount
        /// A feedback or expectation value as a number: numbers as themselves, booleans and
        /// `yes`/`no` as 1 and 0, anything else absent.
        case assessmentValue
    }

    public enum Dimension: String, Sendable, Hashable {
        case traceName = "trace_name"
        case traceStatus = "trace_status"
        case spanName = "span_name"
        case spanType = "span_type"
        case spanStatus = "span_status"
        case spanModelName = "span_model_name"
        case spanModelProvider = "span_model_provider"
        case assessmentName = "assessment_name"
        case assessmentValue = "assessment_value"
    }

    public enum AggregationKind: String, Sendable, Hashable {
        case count = "COUNT"
        case sum = "SUM"
        case avg = "AVG"
        case percentile = "PERCENTILE"
        case min = "MIN"
        case max = "MAX"
    }

    public struct Aggregation: Sendable, Hashable {
        public var kind: AggregationKind
        /// 0 to 100, for `PERCENTILE` only.
        public var percentile: Double?

        public init(kind: AggregationKind, percentile: Double? = nil) {
            self.kind = kind
            self.percentile = percentile
        }

        /// The key of its value in a data point: `COUNT`, `AVG`, `P50.0`, as MLflow names it.
        public var label: String {
            guard kind == .percentile, let percentile else { return kind.rawValue }
            return "P\(percentile)"
        }
    }

    /// One `filters` entry: `trace.status = 'OK'`, `trace.tag.<key> = '…'`,
    /// `trace.metadata.<key> = '…'`, `span.name|status|type = '…'`, `assessment.name|type = '…'`.
    public enum Filter: Sendable, Hashable {
        case traceStatus(String)
        case traceTag(String, String)
        case traceMetadata(String, String)
        case spanName(String)
        case spanStatus(String)
        case spanType(String)
        case assessmentName(String)
        /// `feedback` or `expectation`.
        case assessmentType(String)
    }

    /// A validated request.
    public struct Query: Sendable, Hashable {
        public var experimentIDs: [ExperimentID]
        public var view: View
        public var metricName: String
        public var metric: Metric
        public var aggregations: [Aggregation]
        public var dimensions: [Dimension]
        public var filters: [Filter]
        public var timeIntervalSeconds: Int64?
        public var startTimeMs: Int64?
        public var endTimeMs: Int64?
        public var maxResults: Int

        public init(
            experimentIDs: [ExperimentID], view: View, metricName: String, metric: Metric, aggregations: [Aggregation],
            dimensions: [Dimension] = [], filters: [Filter] = [], timeIntervalSeconds: Int64? = nil, startTimeMs: Int64? = nil,
            endTimeMs: Int64? = nil, maxResults: Int = 1000
        ) {
            self.experimentIDs = experimentIDs
            self.view = view
            self.metricName = metricName
            self.metric = metric
            self.aggregations = aggregations
            self.dimensions = dimensions
            self.filters = filters
            self.timeIntervalSeconds = timeIntervalSeconds
            self.startTimeMs = startTimeMs
            self.endTimeMs = endTimeMs
            self.maxResults = maxResults
        }
    }

    /// One row a store reads for a query: its time, its dimension values in the query's order
    /// (nil when the row has none), and the number it contributes (nil when it has none), or for
    /// a distinct count the value counted.
    public struct Sample: Sendable, Hashable {
        public var timestampMs: Int64
        public var dimensions: [String?]
        public var value: Double?
        public var distinct: String?

        public init(timestampMs: Int64, dimensions: [String?], value: Double?, distinct: String? = nil) {
            self.timestampMs = timestampMs
            self.dimensions = dimensions
            self.value = value
            self.distinct = distinct
        }
    }

    /// One aggregated group: its dimension values (`time_bucket` first when bucketed) and one
    /// value per aggregation that has one, in the request's order.
    public struct DataPoint: Sendable, Hashable {
        public var metricName: String
        public var dimensions: [KeyValue]
        public var values: [(key: String, value: Double)]

        public init(metricName: String, dimensions: [KeyValue], values: [(key: String, value: Double)]) {
            self.metricName = metricName
            self.dimensions = dimensions
            self.values = values
        }

        public static func == (lhs: DataPoint, rhs: DataPoint) -> Bool {
            lhs.metricName == rhs.metricName && lhs.dimensions == rhs.dimensions
                && lhs.values.map(\.key) == rhs.values.map(\.key) && lhs.values.map(\.value) == rhs.values.map(\.value)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(metricName)
            hasher.combine(dimensions)
        }
    }

    /// The trace metadata naming the session a trace belongs to (`session_count`).
    public static let sessionMetadataKey = "mlflow.trace.session"

    /// The dimension key of a time bucket.
    public static let timeBucketKey = "time_bucket"
}
