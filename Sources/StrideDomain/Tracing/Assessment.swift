/// Feedback or an expectation logged against a trace (`mlflow.log_feedback`,
/// `mlflow.log_expectation`; MLflow's `Assessment` message).
///
/// The fields Stride reads (id, name, trace, span, times, validity, the assessment it overrides)
/// are typed; the rest of the message (source, value, rationale, error, metadata) is kept as the
/// client sent it, a JSON object of at most ``Limits/maxAssessmentBytes``.
public struct Assessment: Sendable, Equatable {
    public var id: String
    public var traceID: String
    public var name: String
    public var spanID: String?
    public var createTime: Int64
    public var lastUpdateTime: Int64
    /// False once another assessment overrides this one.
    public var valid: Bool
    /// The assessment this one supersedes.
    public var overrides: String?
    /// The remaining members of the message, as one JSON object text.
    public var details: String

    public init(
        id: String, traceID: String, name: String, spanID: String?, createTime: Int64, lastUpdateTime: Int64, valid: Bool,
        overrides: String?, details: String
    ) {
        self.id = id
        self.traceID = traceID
        self.name = name
        self.spanID = spanID
        self.createTime = createTime
        self.lastUpdateTime = lastUpdateTime
        self.valid = valid
        self.overrides = overrides
        self.details = details
    }

    /// A new assessment id in MLflow's form: `a-` and 32 hex digits.
    public static func makeID() -> String {
        "a-" + RunIDGenerator.make()
    }

    /// The members of an assessment message a client may set besides the typed ones; anything
    /// else it sends is ignored, as protobuf ignores unknown fields.
    public static let detailMembers: Set<String> = ["source", "feedback", "expectation", "issue", "rationale", "error", "metadata"]

    /// Checks a name as MLflow does: present, at most 250 characters.
    public static func validateName(_ name: String) throws(StrideError) {
        guard !name.isEmpty else { throw .missingValue("assessment.assessment_name") }
        guard name.unicodeScalars.count <= Limits.maxEntityKeyLength else {
            throw .invalidParameter("Assessment name exceeds the maximum length of \(Limits.maxEntityKeyLength) characters.")
        }
    }
}
