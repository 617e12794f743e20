import Hummingbird
import StrideDomain
import StrideService

/// `registered-models/*`: the models themselves, their tags and aliases.
extension MLflowAPI {
    func registeredModelEndpoints(_ registry: RegistryService) -> [MLflowEndpoint] {
        return [
            MLflowEndpoint(method: .post, path: "/registered-models/create", access: .maintainer) { request in
                let fields = request.fields
                let model = try await registry.createRegisteredModel(
                    name: try fields.requiredString("name"), description: try fields.string("description"),
                    tags: try Self.keyValues(fields.messages("tags")), project: request.project)
                return Self.registeredModelResponse(model)
            },
            MLflowEndpoint(method: .get, path: "/registered-models/get", access: .reader) { request in
                Self.registeredModelResponse(try await registry.registeredModel(named: try request.fields.requiredString("name"),
                    project: request.project))
            },
            MLflowEndpoint(method: .post, path: "/registered-models/rename", access: .maintainer) { request in
                let fields = request.fields
                let model = try await registry.renameRegisteredModel(
                    named: try fields.requiredString("name"), to: try fields.requiredString("new_name"), project: request.project)
                return Self.registeredModelResponse(model)
            },
            MLflowEndpoint(method: .patch, path: "/registered-models/update", access: .maintainer) { request in
                let fields = request.fields
                let model = try await registry.updateRegisteredModel(
                    named: try fields.requiredString("name"), description: try fields.string("description"), project: request.project)
                return Self.registeredModelResponse(model)
            },
            MLflowEndpoint(method: .delete, path: "/registered-models/delete", access: .maintainer) { request in
                try await registry.deleteRegisteredModel(named: try request.fields.requiredString("name"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .get, path: "/registered-models/search", access: .reader) { request in
                let fields = request.fields
                let page = try await registry.searchRegisteredModels(
                    filter: try fields.string("filter"), orderBy: try fields.strings("order_by"),
                    maxResults: try fields.int("max_results") ?? 100, pageToken: try fields.string("page_token"), project: request.project)
                return JSONResponse.page("registered_models", page.models, nextPageToken: page.nextPageToken, bytesPerItem: 512) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/registered-models/get-latest-versions", access: .reader, maxBodyBytes: Limits.maxSearchRequestBodyBytes) { request in
                try await Self.latestVersions(request, registry: registry, project: request.project)
            },
            MLflowEndpoint(method: .get, path: "/registered-models/get-latest-versions", access: .reader) { request in
                try await Self.latestVersions(request, registry: registry, project: request.project)
            },
            MLflowEndpoint(method: .post, path: "/registered-models/set-tag", access: .maintainer) { request in
                let fields = request.fields
                guard let value = try fields.string("value") else { throw StrideError.missingValue("value") }
                try await registry.setRegisteredModelTag(
                    named: try fields.requiredString("name"), tag: Tag(key: try fields.requiredString("key"), value: value),
                        project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/registered-models/delete-tag", access: .maintainer) { request in
                let fields = request.fields
                try await registry.deleteRegisteredModelTag(
                    named: try fields.requiredString("name"), key: try fields.requiredString("key"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/registered-models/alias", access: .maintainer) { request in
                let fields = request.fields
                try await registry.setAlias(
                    try fields.requiredString("alias"), model: try fields.requiredString("name"),
                    version: try fields.requiredString("version"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/registered-models/alias", access: .maintainer) { request in
                let fields = request.fields
                try await registry.deleteAlias(try fields.requiredString("alias"), model: try fields.requiredString("name"),
                    project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .get, path: "/registered-models/alias", access: .reader) { request in
                let fields = request.fields
                let version = try await registry.modelVersion(
                    alias: try fields.requiredString("alias"), model: try fields.requiredString("name"), project: request.project)
                return Self.modelVersionResponse(version)
            },
        ]
    }

    static func latestVersions(_ request: MLflowRequest, registry: RegistryService, project: String) async throws -> Response {
        let fields = request.fields
        let versions = try await registry.latestVersions(
            named: try fields.requiredString("name"), stages: try fields.strings("stages"), project: request.project)
        return JSONResponse.page("model_versions", versions, bytesPerItem: 512) { $0.write($1) }
    }

    static func registeredModelResponse(_ model: RegisteredModel) -> Response {
        JSONResponse.object("registered_model") { $0.write(model) }
    }
}
