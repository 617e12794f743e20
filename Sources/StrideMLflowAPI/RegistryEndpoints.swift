import Hummingbird
import StrideDomain
import StrideService

/// `registered-models/*`: the models themselves, their tags and aliases.
extension MLflowAPI {
    func registeredModelEndpoints(_ registry: RegistryService) -> [MLflowEndpoint] {
        let project = RegistryService.defaultProject
        return [
            MLflowEndpoint(method: .post, path: "/registered-models/create") { request in
                let fields = request.fields
                let model = try await registry.createRegisteredModel(
                    name: try fields.requiredString("name"), description: try fields.string("description"),
                    tags: try Self.keyValues(fields.messages("tags")), project: project)
                return Self.registeredModelResponse(model)
            },
            MLflowEndpoint(method: .get, path: "/registered-models/get") { request in
                Self.registeredModelResponse(try await registry.registeredModel(named: try request.fields.requiredString("name"), project: project))
            },
            MLflowEndpoint(method: .post, path: "/registered-models/rename") { request in
                let fields = request.fields
                let model = try await registry.renameRegisteredModel(
                    named: try fields.requiredString("name"), to: try fields.requiredString("new_name"), project: project)
                return Self.registeredModelResponse(model)
            },
            MLflowEndpoint(method: .patch, path: "/registered-models/update") { request in
                let fields = request.fields
                let model = try await registry.updateRegisteredModel(
                    named: try fields.requiredString("name"), description: try fields.string("description"), project: project)
                return Self.registeredModelResponse(model)
            },
            MLflowEndpoint(method: .delete, path: "/registered-models/delete") { request in
                try await registry.deleteRegisteredModel(named: try request.fields.requiredString("name"), project: project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .get, path: "/registered-models/search") { request in
                let fields = request.fields
                let page = try await registry.searchRegisteredModels(
                    filter: try fields.string("filter"), orderBy: try fields.strings("order_by"),
                    maxResults: try fields.int("max_results") ?? 100, pageToken: try fields.string("page_token"), project: project)
                return JSONResponse.page("registered_models", page.models, nextPageToken: page.nextPageToken, bytesPerItem: 512) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/registered-models/get-latest-versions") { request in
                try await Self.latestVersions(request, registry: registry, project: project)
            },
            MLflowEndpoint(method: .get, path: "/registered-models/get-latest-versions") { request in
                try await Self.latestVersions(request, registry: registry, project: project)
            },
            MLflowEndpoint(method: .post, path: "/registered-models/set-tag") { request in
                let fields = request.fields
                guard let value = try fields.string("value") else { throw StrideError.missingValue("value") }
                try await registry.setRegisteredModelTag(
                    named: try fields.requiredString("name"), tag: Tag(key: try fields.requiredString("key"), value: value), project: project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/registered-models/delete-tag") { request in
                let fields = request.fields
                try await registry.deleteRegisteredModelTag(
                    named: try fields.requiredString("name"), key: try fields.requiredString("key"), project: project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/registered-models/alias") { request in
                let fields = request.fields
                try await registry.setAlias(
                    try fields.requiredString("alias"), model: try fields.requiredString("name"),
                    version: try fields.requiredString("version"), project: project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/registered-models/alias") { request in
                let fields = request.fields
                try await registry.deleteAlias(try fields.requiredString("alias"), model: try fields.requiredString("name"), project: project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .get, path: "/registered-models/alias") { request in
                let fields = request.fields
                let version = try await registry.modelVersion(
                    alias: try fields.requiredString("alias"), model: try fields.requiredString("name"), project: project)
                return Self.modelVersionResponse(version)
            },
        ]
    }

    static func latestVersions(_ request: MLflowRequest, registry: RegistryService, project: String) async throws -> Response {
        let fields = request.fields
        let versions = try await registry.latestVersions(
            named: try fields.requiredString("name"), stages: try fields.strings("stages"), project: project)
        return JSONResponse.page("model_versions", versions, bytesPerItem: 512) { $0.write($1) }
    }

    static func registeredModelResponse(_ model: RegisteredModel) -> Response {
        JSONResponse.object("registered_model") { $0.write(model) }
    }
}
