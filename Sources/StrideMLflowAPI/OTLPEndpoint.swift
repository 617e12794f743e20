import HTTPTypes
import Hummingbird
import NIOCore
import StrideDomain
import StrideOTLP
import StrideService

/// `POST /v1/traces`: OpenTelemetry's trace export (OTLP/HTTP, protobuf or JSON, optionally gzip),
/// as MLflow's client from 3.4 on sends every span it ends, and as any OpenTelemetry SDK can.
/// The experiment comes from MLflow's `x-mlflow-experiment-id` header.
struct OTLPEndpoint: Sendable {
    static let path = "/v1/traces"
    static let experimentHeader = HTTPField.Name("x-mlflow-experiment-id")!
    static let runHeader = HTTPField.Name("x-mlflow-run-id")!

    let traces: TraceService
    let bodyBudget: RequestBodyBudget

    func register<Context: RequestContext>(on router: GuardedRouter<Context>) {
        router.on(Self.path, method: .post, access: .role(.writer)) { request, _ -> Response in
            try await self.export(request)
        }
    }

    private func export(_ request: Request) async throws -> Response {
        guard let encoding = OTLPTraceExport.Encoding(contentType: request.headers[.contentType]) else {
            throw StrideError.invalidParameter(
                "Invalid Content-Type: \(request.headers[.contentType]?.prefix(100) ?? "none"). Expected: application/x-protobuf or application/json")
        }
        guard let experimentID = request.headers[Self.experimentHeader], !experimentID.isEmpty else {
            throw StrideError.invalidParameter("Missing header \(Self.experimentHeader.rawName): the experiment to store the spans in.")
        }
        let maxBytes = Limits.maxOTLPBodyBytes
        let expected = request.declaredContentLength.map { min($0, maxBytes) } ?? maxBytes
        let spans = try await bodyBudget.withReservation(of: expected) {
            let body = try await RequestBodyLimit(maxBytes: maxBytes, path: Self.path).collect(request)
            let bytes = try OTLPBodyDecompression.decode(Array(body.readableBytesView), encoding: request.headers[.contentEncoding])
            return try OTLPTraceExport.spans(from: bytes, encoding: encoding)
        }
        _ = try await traces.logSpans(
            spans, experimentID: experimentID, runID: request.headers[Self.runHeader], project: ProjectContext.current)
        let answer = OTLPTraceExport.emptyResponse(encoding)
        return Response(
            status: .ok, headers: [.contentType: answer.contentType], body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
