import Hummingbird
import StrideDomain
import StrideService
import StrideStore

extension ArtifactRoutes {
    /// `PUT`, `GET` and `DELETE /…/mlflow-artifacts/artifacts/<path>`, and `GET …/artifacts?path=` to list.
    func registerTransfers<Context: RequestContext>(on router: GuardedRouter<Context>, root: String) {
        let artifacts = self.artifacts
        router.on(root + "/**", method: .put, access: .role(.writer)) { request, _ -> Response in
            if let refusal = self.refusalUnlessServing() { return refusal }
            guard !request.uri.path.hasSuffix("/") else {
                throw StrideError.invalidParameter("Artifact path must include a filename (cannot end with '/').")
            }
            let path = try Self.artifactPath(of: request, after: root)
            try await artifacts.upload(
                to: path, body: UploadBody(body: request.body), declaredLength: UploadBody.declaredLength(of: request), project: ProjectContext.current)
            return Response(status: .ok)
        }
        router.on(root + "/**", method: .get, access: .role(.reader)) { request, _ -> Response in
            if let refusal = self.refusalUnlessServing() { return refusal }
            let download = try await artifacts.download(try Self.artifactPath(of: request, after: root), project: ProjectContext.current)
            return ArtifactDownloadResponse.make(download, request: request, artifacts: artifacts)
        }
        router.on(root + "/**", method: .delete, access: .role(.maintainer)) { request, _ -> Response in
            if let refusal = self.refusalUnlessServing() { return refusal }
            try await artifacts.delete(try Self.artifactPath(of: request, after: root), project: ProjectContext.current)
            return JSONResponse.empty()
        }
        router.on(root, method: .get, access: .role(.reader)) { request, _ -> Response in
            if let refusal = self.refusalUnlessServing() { return refusal }
            let fields = try await MLflowRequest.decode(request).fields
            let entries = try await artifacts.list(try Self.directoryPath(fields.string("path")), project: ProjectContext.current)
            return Self.listing(entries)
        }
    }

    /// A `?path=` value: like a URL tail, a trailing `/` only says "directory".
    static func directoryPath(_ text: String?) throws(StrideError) -> ArtifactPath {
        guard var text else { return .root }
        if text.hasSuffix("/") { text.removeLast() }
        return try ArtifactPath(validating: text)
    }

    /// `{"files":[{"path","is_dir","file_size"}]}`; directories carry no size, and nothing at all is `{}`.
    static func listing(_ entries: [ArtifactEntry], extraFields: (inout JSONWriter) -> Void = { _ in }) -> Response {
        var writer = JSONWriter(capacity: 64 * entries.count + 64)
        writer.beginObject()
        extraFields(&writer)
        if !entries.isEmpty {
            writer.key("files")
            writer.beginArray()
            for entry in entries {
                writer.beginObject()
                writer.field("path", entry.name)
                switch entry.item {
                case .directory:
                    writer.field("is_dir", true)
                case .file(let size):
                    writer.field("is_dir", false)
                    writer.field("file_size", size)
                }
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        return JSONResponse.make(writer)
    }
}
