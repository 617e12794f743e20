/// The status of an MLflow 3 logged model (`LoggedModelStatus` in MLflow's protos).
public enum LoggedModelStatus: Int, Sendable, Hashable {
    case unspecified = 0
    case pending = 1
    case ready = 2
    case uploadFailed = 3

    /// The protobuf enum name, as the wire format spells it.
    public var name: String {
        switch self {
        case .unspecified: "LOGGED_MODEL_STATUS_UNSPECIFIED"
        case .pending: "LOGGED_MODEL_PENDING"
        case .ready: "LOGGED_MODEL_READY"
        case .uploadFailed: "LOGGED_MODEL_UPLOAD_FAILED"
        }
    }

    /// Reads the enum name or its number, as protobuf-JSON accepts both.
    public init(parsing text: String) throws(StrideError) {
        if let number = Int(text), let status = LoggedModelStatus(rawValue: number) {
            self = status
            return
        }
        for status in [LoggedModelStatus.unspecified, .pending, .ready, .uploadFailed] where status.name == text {
            self = status
            return
        }
        throw .invalidParameter("Invalid value \(text) for parameter 'status' supplied.")
    }
}

/// An MLflow 3 logged model: what `mlflow.<flavor>.log_model` creates, owned by an experiment.
public struct LoggedModel: Sendable, Equatable {
    public var id: String
    public var experimentID: ExperimentID
    public var name: String
    public var artifactURI: String
    public var creationTime: Int64
    public var lastUpdatedTime: Int64
    public var modelType: String?
    public var sourceRunID: String?
    public var status: LoggedModelStatus
    public var statusMessage: String?
    public var tags: [Tag]
    public var params: [Param]
    /// Every point logged against the model, in (key, timestamp, step) order.
    public var metrics: [ModelMetric]

    public init(
        id: String, experimentID: ExperimentID, name: String, artifactURI: String, creationTime: Int64, lastUpdatedTime: Int64,
        modelType: String?, sourceRunID: String?, status: LoggedModelStatus, statusMessage: String?, tags: [Tag], params: [Param],
        metrics: [ModelMetric] = []
    ) {
        self.id = id
        self.experimentID = experimentID
        self.name = name
        self.artifactURI = artifactURI
        self.creationTime = creationTime
        self.lastUpdatedTime = lastUpdatedTime
        self.modelType = modelType
        self.sourceRunID = sourceRunID
        self.status = status
        self.statusMessage = statusMessage
        self.tags = tags
        self.params = params
        self.metrics = metrics
    }

    /// A new model id in MLflow's form: `m-` and 32 hex digits.
    public static func makeID() -> String {
        "m-" + RunIDGenerator.make()
    }

    /// Whether `text` has the shape of a logged-model id (`models:/<id>` names one).
    public static func looksLikeID(_ text: String) -> Bool {
        text.hasPrefix("m-") && text.count == 34 && text.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}
