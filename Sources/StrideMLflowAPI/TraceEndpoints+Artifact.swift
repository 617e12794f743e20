import HTTPTypes
import Hummingbird
import StrideDomain
import StrideOTLP
import StrideService

/// `get-trace-artifact`: a trace's `traces.json` (MLflow's web UI reads spans from it), built
/// from the spans the server holds, or else the file the client uploaded; with `path`, one of
/// the trace's attachments.
extension MLflowAPI {
    func traceArtifactEndpoints(_ service: TraceService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .get, path: "/get-trace-artifact", access: .reader) { [artifactRoutes] request in
                guard let id = try request.fields.string("request_id"), !id.isEmpty else {
                    throw StrideError.invalidParameter("Request must include the \"request_id\" query parameter.")
                }
                let (trace, spans) = try await service.traceWithSpans(id: id, project: request.project)
                let attachment = try request.fields.string("path").flatMap { $0.isEmpty ? nil : $0 }
                if attachment == nil, !spans.isEmpty {
                    return Self.traceDataFile(Array(MLflowTraceData.json(spans).utf8))
                }
                guard let artifacts = artifactRoutes?.artifacts else { throw StrideError.notFound("Trace data of trace '\(id)' not found.") }
                let file = attachment.map { "attachments/\($0)" } ?? "traces.json"
                let download = try await artifacts.traceArtifact(trace, file: file, project: request.project)
                let body = ResponseBody(contentLength: Int(clamping: download.size)) { writer in
                    try await artifacts.read(download, range: 0..<download.size) { chunk in try await writer.write(chunk) }
                    try await writer.finish(nil)
                }
                return Response(status: .ok, headers: Self.traceDataHeaders(download.fileName), body: body)
            }
        ]
    }

    private static func traceDataFile(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: traceDataHeaders("traces.json"), body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func traceDataHeaders(_ name: String) -> HTTPFields {
        [.contentType: "application/octet-stream", .contentDisposition: ContentDisposition.attachment(fileName: name)]
    }
}
