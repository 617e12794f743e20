import Hummingbird
import StrideDomain
import StrideService

/// `model-versions/*`: numbered versions of registered models, their stages and tags.
extension MLflowAPI {
    func modelVersionEndpoints(_ registry: RegistryService) -> [MLflowEndpoint] {
        return [
            MLflowEndpoint(method: .post, path: "/model-versions/create", access: .maintainer) { request in
                let fields = request.fields
                let version = try await registry.createModelVersion(
                    name: try fields.requiredString("name"), source: try fields.requiredString("source"),
                    runID: try fields.string("run_id"), runLink: try fields.string("run_link"), modelID: try fields.string("model_id"),
                    description: try fields.string("description"), tags: try Self.keyValues(fields.messages("tags")),
                        project: request.project)
                return Self.modelVersionResponse(version)
            },
            MLflowEndpoint(method: .get, path: "/model-versions/get", access: .reader) { request in
                let fields = request.fields
                return Self.modelVersionResponse(try await registry.modelVersion(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"), project: request.project))
            },
            MLflowEndpoint(method: .patch, path: "/model-versions/update", access: .maintainer) { request in
                let fields = request.fields
                return Self.modelVersionResponse(try await registry.updateModelVersion(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"),
                    description: try fields.string("description"), project: request.project))
            },
            MLflowEndpoint(method: .delete, path: "/model-versions/delete", access: .maintainer) { request in
                let fields = request.fields
                try await registry.deleteModelVersion(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/model-versions/transition-stage", access: .maintainer) { request in
                let fields = request.fields
                guard let archive = try fields.bool("archive_existing_versions") else {
                    throw StrideError.missingValue("archive_existing_versions")
                }
                return Self.modelVersionResponse(try await registry.transitionModelVersion(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"),
                    stage: try fields.requiredString("stage"), archiveExistingVersions: archive, project: request.project))
            },
            MLflowEndpoint(method: .get, path: "/model-versions/search", access: .reader) { request in
                let fields = request.fields
                let page = try await registry.searchModelVersions(
                    filter: try fields.string("filter"), orderBy: try fields.strings("order_by"),
                    maxResults: try fields.int("max_results") ?? RegistryService.maxVersionSearchResults,
                    pageToken: try fields.string("page_token"), project: request.project)
                return JSONResponse.page("model_versions", page.versions, nextPageToken: page.nextPageToken, bytesPerItem: 512) { $0.write($1) }
            },
            MLflowEndpoint(method: .get, path: "/model-versions/get-download-uri", access: .reader) { request in
                let fields = request.fields
                let uri = try await registry.downloadURI(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"), project: request.project)
                var writer = JSONWriter()
                writer.beginObject()
                writer.field("artifact_uri", uri)
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .post, path: "/model-versions/set-tag", access: .maintainer) { request in
                let fields = request.fields
                guard let value = try fields.string("value") else { throw StrideError.missingValue("value") }
                try await registry.setModelVersionTag(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"),
                    tag: Tag(key: try fields.requiredString("key"), value: value), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/model-versions/delete-tag", access: .maintainer) { request in
                let fields = request.fields
                try await registry.deleteModelVersionTag(
                    model: try fields.requiredString("name"), version: try fields.requiredString("version"),
                    key: try fields.requiredString("key"), project: request.project)
                return JSONResponse.empty()
            },
        ]
    }

    static func modelVersionResponse(_ version: ModelVersion) -> Response {
        JSONResponse.object("model_version") { $0.write(version) }
    }
}
