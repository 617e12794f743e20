import HTTPTypes
import Hummingbird
import StrideDomain
import StrideService
import StrideStore

/// Multipart uploads (`mpu/create`, part PUTs, `mpu/complete`, `mpu/abort`).
///
/// The client uses them for files of 500 MiB and more when server-info reports them enabled: it PUTs
/// 10 MiB parts in parallel to the URLs `create` hands out, then asks for them to be joined.
extension ArtifactRoutes {
    func registerMultipart<Context: RequestContext>(on router: GuardedRouter<Context>, root: String) {
        let artifacts = self.artifacts
        for action in MultipartAction.allCases {
            let actionRoot = root + "/" + action.rawValue
            // The directory is the URL tail; a URI at the very root of the store has none.
            for path in [actionRoot, actionRoot + "/**"] {
                router.on(path, method: .post, access: .role(.writer)) { request, _ -> Response in
                    if let refusal = self.refusalUnlessServing() { return refusal }
                    let directory = try Self.artifactPath(of: request, after: actionRoot)
                    let fields = try await MLflowRequest.decode(request).fields
                    switch action {
                    case .create: return try await self.create(request, directory, fields)
                    case .complete: return try await self.complete(directory, fields)
                    case .abort: return try await self.abort(directory, fields)
                    }
                }
            }
        }
        // The client PUTs parts to the URLs `create` returned with a plain HTTP request and no
        // credentials, as to S3 presigned URLs: the unguessable upload id is the capability, and a
        // part only lands in that upload's staging area until an authorized `complete`.
        router.on(root + "/upload/:upload_id/:part_number", method: .put, access: .anyone) { request, context -> Response in
            if let refusal = self.refusalUnlessServing() { return refusal }
            let upload = try MultipartUploadID(parsing: context.parameters.get("upload_id") ?? "")
            guard let partNumber = context.parameters.get("part_number", as: Int.self) else {
                throw StrideError.invalidParameter("The part number must be an integer")
            }
            let receipt = try await artifacts.uploadPart(partNumber, of: upload, body: UploadBody(body: request.body))
            return Response(status: .ok, headers: [.eTag: "\"\(receipt.etag)\""])
        }
    }

    private func create(_ request: Request, _ directory: ArtifactPath, _ fields: RequestFields) async throws -> Response {
        let partCount = try fields.int("num_parts") ?? 0
        let clientFile = try fields.requiredString("path")
        let upload = try await artifacts.createMultipartUpload(
            in: directory, clientFile: clientFile, partCount: partCount, project: ProjectContext.current)
        // With S3 behind, parts go straight to the bucket as with MLflow's S3 store; else through us.
        let direct = try await artifacts.directPartURLs(
            for: upload, in: directory, clientFile: clientFile, partCount: partCount, project: ProjectContext.current)
        let base = Self.partUploadBase(of: request) + "/" + upload.value
        var writer = JSONWriter(capacity: 160 * partCount + 64)
        writer.beginObject()
        writer.field("upload_id", upload.value)
        writer.key("credentials")
        writer.beginArray()
        for partNumber in 1...max(partCount, 1) {
            writer.beginObject()
            let directURL = direct.flatMap { $0.indices.contains(partNumber - 1) ? $0[partNumber - 1] : nil }
            writer.field("url", directURL ?? "\(base)/\(partNumber)")
            writer.field("part_number", Int64(partNumber))
            writer.key("headers")
            writer.beginObject()
            writer.endObject()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return JSONResponse.make(writer)
    }

    private enum MultipartAction: String, CaseIterable {
        case create, complete, abort
    }

    private func complete(_ directory: ArtifactPath, _ fields: RequestFields) async throws -> Response {
        let parts = try fields.messages("parts").map { part throws(StrideError) in
            MultipartPartReceipt(partNumber: try part.int("part_number") ?? 0, etag: try part.string("etag") ?? "")
        }
        try await artifacts.completeMultipartUpload(
            try Self.uploadID(fields), in: directory, clientFile: try fields.requiredString("path"), parts: parts,
                project: ProjectContext.current)
        return JSONResponse.empty()
    }

    private func abort(_ directory: ArtifactPath, _ fields: RequestFields) async throws -> Response {
        try await artifacts.abortMultipartUpload(
            try Self.uploadID(fields), in: directory, clientFile: try fields.requiredString("path"), project: ProjectContext.current)
        return JSONResponse.empty()
    }

    private static func uploadID(_ fields: RequestFields) throws(StrideError) -> MultipartUploadID {
        try MultipartUploadID(parsing: try fields.requiredString("upload_id"))
    }

    /// The absolute URL parts go to, on the host and scheme the client reached us by (a reverse
    /// proxy says which with `X-Forwarded-Proto` and `X-Forwarded-Host`).
    static func partUploadBase(of request: Request) -> String {
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? "http"
        let host = request.headers[HTTPField.Name("X-Forwarded-Host")!] ?? request.head.authority ?? "127.0.0.1"
        return "\(scheme)://\(host)/api" + partUploadRoot
    }
}
