/// The state of a trace (`TraceInfoV3.State` in MLflow's protos).
public enum TraceState: Int, Sendable, Hashable, CaseIterable {
    case unspecified = 0
    case ok = 1
    case error = 2
    case inProgress = 3

    /// The protobuf enum name, as the wire format and the filter language spell it.
    public var name: String {
        switch self {
        case .unspecified: "STATE_UNSPECIFIED"
        case .ok: "OK"
        case .error: "ERROR"
        case .inProgress: "IN_PROGRESS"
        }
    }

    /// Reads the enum name or its number, as protobuf-JSON accepts both; legacy `TraceStatus`
    /// names (`TRACE_STATUS_UNSPECIFIED`) are the same numbers.
    public init?(parsing text: String) {
        if let number = Int(text) {
            guard let state = TraceState(rawValue: number) else { return nil }
            self = state
            return
        }
        guard let state = Self.allCases.first(where: { $0.name == text || (text == "TRACE_STATUS_UNSPECIFIED" && $0 == .unspecified) })
        else { return nil }
        self = state
    }
}

/// An MLflow 3 trace's metadata: where it lives, when it ran, how it ended, its tags and request
/// metadata, and the assessments logged against it (`TraceInfoV3`).
public struct TraceInfo: Sendable, Equatable {
    public var id: String
    public var experimentID: ExperimentID
    /// When the root span started, in milliseconds since the epoch.
    public var requestTime: Int64
    /// The root span's duration in milliseconds; nil while unknown.
    public var executionDuration: Int64?
    public var state: TraceState
    public var clientRequestID: String?
    public var requestPreview: String?
    public var responsePreview: String?
    /// `trace_metadata`: set once by the client, except for the keys the server adds.
    public var metadata: [KeyValue]
    public var tags: [Tag]
    public var assessments: [Assessment]

    public init(
        id: String, experimentID: ExperimentID, requestTime: Int64, executionDuration: Int64?, state: TraceState,
        clientRequestID: String? = nil, requestPreview: String? = nil, responsePreview: String? = nil,
        metadata: [KeyValue] = [], tags: [Tag] = [], assessments: [Assessment] = []
    ) {
        self.id = id
        self.experimentID = experimentID
        self.requestTime = requestTime
        self.executionDuration = executionDuration
        self.state = state
        self.clientRequestID = clientRequestID
        self.requestPreview = requestPreview
        self.responsePreview = responsePreview
        self.metadata = metadata
        self.tags = tags
        self.assessments = assessments
    }

    /// The trace's name: the `mlflow.traceName` tag the client sets to the root span's name.
    public var name: String? { tags.last { $0.key == TraceKeys.traceName }?.value }

    /// The run the trace was recorded in (`mlflow.sourceRun` metadata).
    public var runID: String? { metadata.last { $0.key == TraceKeys.sourceRun }?.value }
}

/// The tag and metadata keys with a meaning to MLflow's client or server.
public enum TraceKeys {
    public static let traceName = "mlflow.traceName"
    /// Where the client uploads `traces.json`; the server sets it from the experiment's location.
    public static let artifactLocation = "mlflow.artifactLocation"
    /// `TRACKING_STORE` tells the client the server holds the spans (it then uploads no `traces.json`).
    public static let spansLocation = "mlflow.trace.spansLocation"
    public static let spansInTrackingStore = "TRACKING_STORE"
    /// Metadata the server adds once `start_trace` has written the trace's top-level fields.
    public static let infoFinalized = "mlflow.trace.infoFinalized"
    public static let sourceRun = "mlflow.sourceRun"
    /// Metadata holding the JSON token counts autologging records (`input_tokens`, ...).
    public static let tokenUsage = "mlflow.trace.tokenUsage"
}

/// Trace ids: MLflow's client makes `tr-` and 32 hex digits from the OpenTelemetry trace id.
public enum TraceID {
    /// Refuses an id that is empty, longer than MLflow's column or holds characters outside
    /// letters, digits, `-`, `_` and `.` (ids travel in URL paths and artifact paths).
    public static func validate(_ id: String, field: String = "trace_id") throws(StrideError) {
        guard !id.isEmpty else { throw .missingValue(field) }
        guard id.utf8.count <= Limits.maxTraceIDLength,
              id.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) })
        else {
            throw .invalidParameter("Invalid trace ID '\(id.prefix(Limits.maxTraceIDLength))': expected at most \(Limits.maxTraceIDLength) letters, digits, '-', '_' or '.'.")
        }
    }

    /// The MLflow trace id of an OpenTelemetry trace id (16 bytes).
    public static func fromOpenTelemetry(_ bytes: some Sequence<UInt8>) -> String {
        "tr-" + Hex.encode(bytes)
    }
}

/// Lowercase hexadecimal text of bytes (span and trace ids).
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
