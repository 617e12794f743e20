/// One span of a trace as stored: the columns search and the web UI read, and the span itself as
/// OpenTelemetry's protobuf-JSON (`opentelemetry.proto.trace.v1.Span`), which `traces/get` returns.
public struct TraceSpan: Sendable, Equatable {
    public var traceID: String
    /// Lowercase hex of the 8-byte span id.
    public var spanID: String
    public var parentSpanID: String?
    public var name: String
    public var startTimeNanos: Int64
    public var endTimeNanos: Int64?
    /// OpenTelemetry's status code: 0 unset, 1 ok, 2 error.
    public var statusCode: Int
    /// The span's `mlflow.spanType` attribute (`LLM`, `CHAT_MODEL`, `TOOL`, ...), when it has one.
    public var spanType: String?
    /// The span message as protobuf-JSON with the proto's field names (`trace_id`, `start_time_unix_nano`),
    /// ids in base64 and attribute values as OTLP `AnyValue`s, as MLflow's `traces/get` returns it.
    public var content: String

    /// OpenTelemetry's status code of a failed span.
    public static let errorStatusCode = 2

    public init(
        traceID: String, spanID: String, parentSpanID: String?, name: String, startTimeNanos: Int64, endTimeNanos: Int64?,
        statusCode: Int, spanType: String?, content: String
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.startTimeNanos = startTimeNanos
        self.endTimeNanos = endTimeNanos
        self.statusCode = statusCode
        self.spanType = spanType
        self.content = content
    }
}
