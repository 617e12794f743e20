import StrideDomain

/// One span as the trace page shows it: where it sits in the tree, when it ran, how it ended, and
/// what it carried (attribute values as text, the way MLflow stores them: JSON texts).
struct SpanRecord: Sendable, Equatable {
    /// Lowercase hex of the span id, or the text the client wrote when it is not an id we can read.
    var id: String
    var parentID: String?
    var name: String
    var startNanos: Int64
    /// Nil while the span has not ended.
    var endNanos: Int64?
    /// OpenTelemetry's status code: 0 unset, 1 ok, 2 error.
    var statusCode: Int
    var statusMessage: String = ""
    var spanType: String?
    var attributes: [KeyValue] = []
    var events: [SpanEventRecord] = []

    /// `mlflow.spanInputs`, `mlflow.spanOutputs`: the traced function's arguments and result as JSON texts.
    static let inputsKey = "mlflow.spanInputs"
    static let outputsKey = "mlflow.spanOutputs"
    static let typeKey = "mlflow.spanType"
    /// Token counts autologging records on chat spans, a JSON object like the trace's `mlflow.trace.tokenUsage`.
    static let tokenUsageKey = "mlflow.chat.tokenUsage"

    func attribute(_ key: String) -> String? {
        attributes.last { $0.key == key }?.value
    }

    var inputs: String? { attribute(Self.inputsKey) }
    var outputs: String? { attribute(Self.outputsKey) }
    var tokenUsage: TokenUsage? { attribute(Self.tokenUsageKey).flatMap(TokenUsage.init(presentIn:)) }

    /// The attributes other than inputs and outputs, which the page shows on their own.
    var otherAttributes: [KeyValue] {
        attributes.filter { $0.key != Self.inputsKey && $0.key != Self.outputsKey }
    }

    /// The span's length in nanoseconds; nil while it runs, zero when it claims to end before it started.
    var durationNanos: Double? {
        endNanos.map { max(0, Double($0) - Double(startNanos)) }
    }

    var statusName: String {
        switch statusCode {
        case 1: "OK"
        case 2: "ERROR"
        default: "UNSET"
        }
    }
}

/// Something that happened during a span (an exception, a retry), with its attributes.
struct SpanEventRecord: Sendable, Equatable {
    var name: String
    var timeNanos: Int64?
    var attributes: [KeyValue]
}
