import Hummingbird
import StrideDomain
import StrideService

/// The download and listing helpers MLflow's web UI calls, addressed by run or model version.
extension ArtifactRoutes {
    static let runArtifactListPaths = prefixes.map { $0 + "/2.0/mlflow/artifacts/list" }

    func registerUIHelpers<Context: RequestContext>(on router: GuardedRouter<Context>) {
        let artifacts = self.artifacts
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
