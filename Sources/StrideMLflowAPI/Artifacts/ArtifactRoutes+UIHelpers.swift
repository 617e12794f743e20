import Foundation
import Hummingbird
import StrideDomain
import StrideService

/// The download and listing helpers MLflow's web UI calls, addressed by run or model version.
extension ArtifactRoutes {
    static let runArtifactListPaths = prefixes.map { $0 + "/2.0/mlflow/artifacts/list" }

    func registerUIHelpers<Context: RequestContext>(on router: GuardedRouter<Context>) {
        let artifacts = self.artifacts
        registerUIUpload(on: router)
        registerLoggedModelFiles(on: router)
        // `GET /get-artifact?run_uuid=<id>&path=<file>` (also `run_id`): one file of a run.
        router.on("/get-artifact", method: .get, access: .role(.reader)) { request, _ -> Response in
            let fields = try await MLflowRequest.decode(request).fields
            let download = try await artifacts.runArtifact(runID: try Self.runID(fields), path: try fields.requiredString("path"),
                project: ProjectContext.current)
            return ArtifactDownloadResponse.make(download, request: request, artifacts: artifacts)
        }
        // `GET /model-versions/get-artifact?name=&version=&path=`: needs the model registry (a seam until then).
        router.on("/model-versions/get-artifact", method: .get, access: .role(.reader)) { request, _ -> Response in
            let fields = try await MLflowRequest.decode(request).fields
            let download = try await artifacts.modelVersionArtifact(
                name: try fields.requiredString("name"), version: try fields.requiredString("version"),
                path: try fields.requiredString("path"), project: ProjectContext.current)
            return ArtifactDownloadResponse.make(download, request: request, artifacts: artifacts)
        }
        // `GET /api/2.0/mlflow/artifacts/list?run_id=&path=`: the tracking API's listing, paths relative to the run.
        for path in Self.runArtifactListPaths {
            router.on(path, method: .get, access: .role(.reader)) { request, _ -> Response in
                let fields = try await MLflowRequest.decode(request).fields
                let listing = try await artifacts.listRunArtifacts(runID: try Self.runID(fields), path: try fields.string("path"),
                    project: ProjectContext.current)
                return Self.listing(listing.entries) { writer in writer.field("root_uri", listing.rootURI) }
            }
        }
    }

    /// `POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=`: the UI's upload of one small file
    /// into a run, checked in MLflow's order and words.
    static let uploadPath = "/ajax-api/2.0/mlflow/upload-artifact"

    func registerUIUpload<Context: RequestContext>(on router: GuardedRouter<Context>) {
        let artifacts = self.artifacts
        router.on(Self.uploadPath, method: .post, access: .role(.writer)) { request, _ -> Response in
            let fields = RequestFields(query: request.uri.query.map(MLflowRequest.parseQuery) ?? [])
            guard let runID = try fields.string("run_uuid"), !runID.isEmpty else {
                throw StrideError.invalidParameter("Request must specify run_uuid.")
            }
            guard let text = try fields.string("path"), !text.isEmpty else { throw StrideError.invalidParameter("Request must specify path.") }
            let path = try ArtifactPath(validating: text)
            if let length = request.declaredContentLength, length > Limits.maxUIUploadBytes {
                throw StrideError.invalidParameter("Artifact size is too large. Max size is 10MB.")
            }
            let data: ByteBuffer
            do {
                data = try await request.body.collect(upTo: Limits.maxUIUploadBytes)
            } catch {
                throw StrideError.invalidParameter("Artifact size is too large. Max size is 10MB.")
            }
            guard data.readableBytes > 0 else { throw StrideError.invalidParameter("Request must specify data.") }
            try await artifacts.uploadRunArtifact(runID: runID, path: path, body: RequestBody(buffer: data), project: ProjectContext.current)
            return JSONResponse.empty()
        }
    }

    /// The logged-model file routes MLflow's UI calls: a listing (also served under `/api`) and a download.
    static let loggedModelListPaths = prefixes.map { $0 + "/2.0/mlflow/logged-models/:model_id/artifacts/directories" }
    static let loggedModelFilePath = "/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files"

    func registerLoggedModelFiles<Context: RequestContext>(on router: GuardedRouter<Context>) {
        let artifacts = self.artifacts
        for path in Self.loggedModelListPaths {
            router.on(path, method: .get, access: .role(.reader)) { request, context -> Response in
                let fields = try await MLflowRequest.decode(request).fields
                let listing = try await artifacts.listLoggedModelArtifacts(
                    modelID: try Self.modelID(context), path: try fields.string("artifact_directory_path"), project: ProjectContext.current)
                return Self.listing(listing.entries) { writer in writer.field("root_uri", listing.rootURI) }
            }
        }
        router.on(Self.loggedModelFilePath, method: .get, access: .role(.reader)) { request, context -> Response in
            let fields = try await MLflowRequest.decode(request).fields
            guard let path = try fields.string("artifact_file_path"), !path.isEmpty else {
                throw StrideError(.badRequest, #"Request must include the "artifact_file_path" query parameter."#)
            }
            let download = try await artifacts.loggedModelArtifact(modelID: try Self.modelID(context), path: path, project: ProjectContext.current)
            return ArtifactDownloadResponse.make(download, request: request, artifacts: artifacts)
        }
    }

    private static func modelID(_ context: some RequestContext) throws(StrideError) -> String {
        guard let raw = context.parameters.get("model_id"), !raw.isEmpty else { throw StrideError.missingValue("model_id") }
        return String(raw).removingPercentEncoding ?? String(raw)
    }

    /// The UI sends `run_uuid`, newer callers `run_id`.
    private static func runID(_ fields: RequestFields) throws(StrideError) -> String {
        let runID = try fields.string("run_id")
        let runUUID = try fields.string("run_uuid")
        guard let runID = runID ?? runUUID, !runID.isEmpty else {
            throw StrideError.missingValue("run_id")
        }
        return runID
    }
}
