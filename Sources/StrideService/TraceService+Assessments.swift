public import StrideDomain
import StrideStore

/// Feedback and expectations on a trace (`traces/<id>/assessments`).
extension TraceService {
    /// Stores a new assessment with a fresh id; with `overrides`, the overridden one (on the same
    /// trace) becomes invalid.
    public func createAssessment(_ draft: Assessment, project: String = ProjectContext.current) async throws -> Assessment {
        try TraceID.validate(draft.traceID, field: "assessment.trace_id")
        try Self.validate(draft)
        let trace = try await trace(id: draft.traceID, project: project)
        if let overrides = draft.overrides, !trace.assessments.contains(where: { $0.id == overrides }) {
            throw StrideError.notFound("Assessment with ID '\(overrides)' not found for trace '\(trace.id)'")
        }
        var assessment = draft
        assessment.id = Assessment.makeID()
        let now = clock.nowMilliseconds()
        if assessment.createTime == 0 { assessment.createTime = now }
        assessment.lastUpdateTime = now
        assessment.valid = true
        try await store.saveAssessment(assessment)
        return assessment
    }

    public func assessment(traceID: String, id: String, project: String = ProjectContext.current) async throws -> Assessment {
        guard let assessment = try await trace(id: traceID, project: project).assessments.first(where: { $0.id == id }) else {
            throw Self.missingAssessment(id, traceID)
        }
        return assessment
    }

    /// Replaces a stored assessment with `change` applied to it, stamping the update time.
    public func updateAssessment(
        traceID: String, id: String, project: String = ProjectContext.current, change: (inout Assessment) throws(StrideError) -> Void
    ) async throws -> Assessment {
        var assessment = try await assessment(traceID: traceID, id: id, project: project)
        try change(&assessment)
        assessment.id = id
        assessment.traceID = traceID
        assessment.lastUpdateTime = clock.nowMilliseconds()
        try Self.validate(assessment)
        try await store.saveAssessment(assessment)
        return assessment
    }

    public func deleteAssessment(traceID: String, id: String, project: String = ProjectContext.current) async throws {
        try await requireTraces([traceID], in: project)
        try await store.deleteAssessment(traceID: traceID, id: id)
    }

    private static func validate(_ assessment: Assessment) throws(StrideError) {
        try Assessment.validateName(assessment.name)
        guard assessment.details.utf8.count <= Limits.maxAssessmentBytes else {
            throw StrideError.invalidParameter(
                "The assessment is \(assessment.details.utf8.count) bytes, more than \(Limits.maxAssessmentBytes) (the limit of one assessment).")
        }
    }

    static func missingAssessment(_ id: String, _ traceID: String) -> StrideError {
        .notFound("Assessment with ID '\(id)' not found for trace '\(traceID)'")
    }
}
