import StrideDomain
import Hummingbird

extension MLflowAPI {
    /// `GET /api/3.0/mlflow/server-info`: the capabilities the client reads before artifact transfers.
    func serverInfoEndpoints() -> [MLflowEndpoint] {
        // Multipart uploads go through Stride itself, so they are on whenever the proxy is.
        let servesArtifacts = artifactRoutes?.isServing ?? false
        return [
            MLflowEndpoint(method: .get, path: "/server-info", access: .reader, version: "3.0") { _ in
                var writer = JSONWriter()
                writer.beginObject()
                writer.field("store_type", "SqlStore")
                writer.field("workspaces_enabled", projects != nil)
                writer.field("trace_archival_enabled", false)
                writer.field("multipart_uploads_enabled", servesArtifacts)
                writer.field("multipart_downloads_enabled", false)
                writer.field("artifact_serving_enabled", servesArtifacts)
                writer.field("artifacts_presigned_only", false)
                writer.field("tracking_auth", "")
                writer.endObject()
                return JSONResponse.make(writer)
            },
        ]
    }
}
