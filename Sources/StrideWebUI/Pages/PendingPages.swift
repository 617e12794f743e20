import Hummingbird
import StrideDomain

// Placeholder pages until their real files land (removed before the core commit).
extension WebUI {
    enum ArtifactUse { case download, inline }
    func comparePage(_ request: Request) async throws -> Response { throw StrideError.notFound("Not yet") }
    func artifactsPage(_ request: Request, runID: String) async throws -> Response { throw StrideError.notFound("Not yet") }
    func artifactFile(_ request: Request, runID: String, use: ArtifactUse) async throws -> Response { throw StrideError.notFound("Not yet") }
    func modelsPage(_ request: Request) async throws -> Response { throw StrideError.notFound("Not yet") }
    func modelPage(_ request: Request, name: String) async throws -> Response { throw StrideError.notFound("Not yet") }
    func modelVersionPage(name: String, version: String) async throws -> Response { throw StrideError.notFound("Not yet") }
}
extension Templates {
    static let compare = ""
    static let artifacts = ""
    static let models = ""
    static let model = ""
    static let modelVersion = ""
}
