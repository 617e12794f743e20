import Hummingbird
import StrideDomain
import StrideService

/// `logged-models/*`: MLflow 3 logged models, addressed by id in the path (`/logged-models/<id>`).
extension MLflowAPI {
    func loggedModelEndpoints(_ service: LoggedModelService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/logged-models", access: .writer) { request in
                let fields = request.fields
                let model = try await service.create(
                    experimentID: try fields.requiredString("experiment_id"), name: try fields.string("name"),
                    modelType: try fields.string("model_type"), sourceRunID: try fields.string("source_run_id"),
                    tags: try Self.keyValues(fields.messages("tags")), params: try Self.keyValues(fields.messages("params")),
                        project: request.project)
                return Self.loggedModelResponse(model)
            },
            MLflowEndpoint(method: .get, path: "/logged-models/:model_id", access: .reader) { request in
                let allowDeleted = try request.fields.bool("allow_deleted") ?? false
                return Self.loggedModelResponse(try await service.model(id: try request.pathParameter("model_id"), allowDeleted: allowDeleted,
                    project: request.project))
            },
            MLflowEndpoint(method: .patch, path: "/logged-models/:model_id", access: .writer) { request in
                let status = try LoggedModelStatus(parsing: try request.fields.requiredString("status"))
                return Self.loggedModelResponse(try await service.finalize(id: try request.pathParameter("model_id"), status: status,
                    project: request.project))
            },
            MLflowEndpoint(method: .delete, path: "/logged-models/:model_id", access: .maintainer) { request in
                try await service.delete(id: try request.pathParameter("model_id"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .patch, path: "/logged-models/:model_id/tags", access: .writer) { request in
                try await service.setTags(id: try request.pathParameter("model_id"), tags: try Self.keyValues(request.fields.messages("tags")),
                    project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/logged-models/:model_id/tags/:tag_key", access: .writer) { request in
                try await service.deleteTag(id: try request.pathParameter("model_id"), key: try request.pathParameter("tag_key"),
                    project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/logged-models/:model_id/params", access: .writer) { request in
                try await service.logParams(id: try request.pathParameter("model_id"), params: try Self.keyValues(request.fields.messages("params")),
                    project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/logged-models/search", access: .reader, maxBodyBytes: Limits.maxSearchRequestBodyBytes) { request in
                let fields = request.fields
                let order = try fields.messages("order_by").map { (term) throws(StrideError) in
                    try LoggedModelFilter.Order(
                        field: try term.requiredString("field_name"), ascending: try term.bool("ascending") ?? true,
                        datasetName: try term.string("dataset_name"), datasetDigest: try term.string("dataset_digest"))
                }
                let datasets = try fields.messages("datasets").map { (dataset) throws(StrideError) in
                    try LoggedModelFilter.Dataset(name: try dataset.string("dataset_name") ?? "", digest: try dataset.string("dataset_digest"))
                }
                let page = try await service.search(
                    experimentIDs: try fields.strings("experiment_ids"), filter: try fields.string("filter"), datasets: datasets,
                    orderBy: order, maxResults: try fields.int("max_results"), pageToken: try fields.string("page_token"),
                        project: request.project)
                return JSONResponse.page("models", page.models, nextPageToken: page.nextPageToken, bytesPerItem: 768) { $0.write($1) }
            },
        ]
    }

    /// Without logged models served, search answers an empty page: the 3.x client asks it before
    /// every run-artifact listing and download (`runs_artifact_repo.py`).
    func emptyLoggedModelSearchEndpoints() -> [MLflowEndpoint] {
        [MLflowEndpoint(method: .post, path: "/logged-models/search", access: .reader) { _ in JSONResponse.empty() }]
    }

    static func loggedModelResponse(_ model: LoggedModel) -> Response {
        JSONResponse.object("model", capacity: 1024) { $0.write(model) }
    }
}

extension JSONWriter {
    /// MLflow's `LoggedModel` message: `info` with the attributes and tags, `data` with params and metrics.
    mutating func write(_ model: LoggedModel) {
        beginObject()
        key("info")
        beginObject()
        field("model_id", model.id)
        field("experiment_id", model.experimentID.description)
        field("name", model.name)
        field("creation_timestamp_ms", model.creationTime)
        field("last_updated_timestamp_ms", model.lastUpdatedTime)
        field("artifact_uri", model.artifactURI)
        field("status", model.status.name)
        if let modelType = model.modelType { field("model_type", modelType) }
        if let sourceRunID = model.sourceRunID { field("source_run_id", sourceRunID) }
        if let statusMessage = model.statusMessage { field("status_message", statusMessage) }
        writeKeyValues("tags", model.tags)
        endObject()
        key("data")
        beginObject()
        writeKeyValues("params", model.params)
        writeArray("metrics", model.metrics) { writer, point in
            writer.beginObject()
            writer.writeFields(of: point.metric)
            writer.field("run_id", point.runID)
            writer.field("model_id", point.modelID)
            if let name = point.datasetName { writer.field("dataset_name", name) }
            if let digest = point.datasetDigest { writer.field("dataset_digest", digest) }
            writer.endObject()
        }
        endObject()
        endObject()
    }
}
