import Foundation
import Hummingbird
import StrideDomain
import StrideService

/// `traces/<trace_id>/assessments`: feedback and expectations (`mlflow.log_feedback`, `log_expectation`).
extension MLflowAPI {
    func assessmentEndpoints(_ service: TraceService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/traces/:trace_id/assessments", access: .writer, version: "3.0") { request in
                guard let message = try request.fields.message("assessment") else { throw StrideError.missingValue("assessment") }
                let traceID = try request.pathParameter("trace_id")
                var draft = try Self.assessment(message, traceID: traceID)
                draft.traceID = traceID
                let assessment = try await service.createAssessment(draft, project: request.project)
                return Self.assessmentResponse(assessment)
            },
            MLflowEndpoint(method: .get, path: "/traces/:trace_id/assessments/:assessment_id", access: .reader, version: "3.0") { request in
                let assessment = try await service.assessment(
                    traceID: try request.pathParameter("trace_id"), id: try request.pathParameter("assessment_id"), project: request.project)
                return Self.assessmentResponse(assessment)
            },
            MLflowEndpoint(method: .patch, path: "/traces/:trace_id/assessments/:assessment_id", access: .writer, version: "3.0") { request in
                guard let message = try request.fields.message("assessment") else { throw StrideError.missingValue("assessment") }
                let paths = try Self.updateMask(request.fields)
                let assessment = try await service.updateAssessment(
                    traceID: try request.pathParameter("trace_id"), id: try request.pathParameter("assessment_id"), project: request.project
                ) { (assessment) throws(StrideError) in
                    try Self.apply(message, paths: paths, to: &assessment)
                }
                return Self.assessmentResponse(assessment)
            },
            MLflowEndpoint(method: .delete, path: "/traces/:trace_id/assessments/:assessment_id", access: .writer, version: "3.0") { request in
                try await service.deleteAssessment(
                    traceID: try request.pathParameter("trace_id"), id: try request.pathParameter("assessment_id"), project: request.project)
                return JSONResponse.empty()
            },
        ]
    }

    static func assessmentResponse(_ assessment: Assessment) -> Response {
        JSONResponse.object("assessment", capacity: 1024) { $0.write(assessment) }
    }

    /// `update_mask`: protobuf-JSON writes a `FieldMask` as one comma-separated string of
    /// lowerCamelCase paths; snake_case and a `{"paths": [...]}` object are read too.
    static func updateMask(_ fields: RequestFields) throws(StrideError) -> Set<String> {
        let paths: [String]
        if let mask = try? fields.string("update_mask") {
            paths = mask.split(separator: ",").map(String.init)
        } else {
            paths = try fields.message("update_mask")?.strings("paths") ?? []
        }
        guard !paths.isEmpty else { throw StrideError.missingValue("update_mask") }
        return Set(paths.map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "").lowercased() })
    }

    /// Applies the masked fields of `message` to a stored assessment.
    static func apply(_ message: RequestFields, paths: Set<String>, to assessment: inout Assessment) throws(StrideError) {
        let detailPaths = Set(Assessment.detailMembers.filter { paths.contains($0.replacingOccurrences(of: "_", with: "")) })
        let known = detailPaths.map { $0.replacingOccurrences(of: "_", with: "") } + ["assessmentname", "spanid", "valid", "overrides"]
        if let unknown = paths.first(where: { !known.contains($0) }) {
            throw StrideError.invalidParameter("Invalid update_mask path '\(unknown)'.")
        }
        if paths.contains("assessmentname") { assessment.name = try message.string("assessment_name") ?? "" }
        if paths.contains("spanid") { assessment.spanID = try message.string("span_id").flatMap { $0.isEmpty ? nil : $0 } }
        if paths.contains("valid") { assessment.valid = try message.bool("valid") ?? true }
        if paths.contains("overrides") { assessment.overrides = try message.string("overrides").flatMap { $0.isEmpty ? nil : $0 } }
        guard !detailPaths.isEmpty else { return }
        // Feedback and expectation are one oneof: setting either replaces the other.
        var replacing = detailPaths
        if replacing.contains("feedback") || replacing.contains("expectation") { replacing.formUnion(["feedback", "expectation"]) }
        var stored: [(key: String, value: JSONValue)] = []
        if case .object(let members)? = try? JSONParser.parse(assessment.details.utf8) { stored = members }
        assessment.details = details(of: message, over: stored, replacing: replacing)
    }
}
