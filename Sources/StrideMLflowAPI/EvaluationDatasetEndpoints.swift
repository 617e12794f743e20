import Hummingbird
import StrideDomain
import StrideService

/// `datasets/*` (3.0 API): MLflow 3's evaluation datasets, addressed by id in the path. Tags and
/// records travel as JSON text inside the message, as MLflow's protocol has them.
extension MLflowAPI {
    func evaluationDatasetEndpoints(_ service: EvaluationDatasetService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/datasets/create", access: .writer, version: "3.0") { request in
                let fields = request.fields
                let dataset = try await service.create(
                    name: try fields.requiredString("name"), experimentIDs: try fields.strings("experiment_ids"),
                    tagsJSON: try fields.string("tags"), project: request.project)
                return Self.datasetResponse(dataset)
            },
            MLflowEndpoint(method: .get, path: "/datasets/:dataset_id", access: .reader, version: "3.0") { request in
                Self.datasetResponse(try await service.dataset(id: try request.pathParameter("dataset_id"), project: request.project))
            },
            MLflowEndpoint(method: .delete, path: "/datasets/:dataset_id", access: .maintainer, version: "3.0") { request in
                try await service.delete(id: try request.pathParameter("dataset_id"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/datasets/search", access: .reader, version: "3.0", maxBodyBytes: Limits.maxSearchRequestBodyBytes) {
                request in try await Self.searchDatasets(request, service)
            },
            MLflowEndpoint(method: .get, path: "/datasets/search", access: .reader, version: "3.0") { request in
                try await Self.searchDatasets(request, service)
            },
            MLflowEndpoint(method: .patch, path: "/datasets/:dataset_id/tags", access: .writer, version: "3.0") { request in
                try await service.setTags(
                    id: try request.pathParameter("dataset_id"), tagsJSON: try request.fields.requiredString("tags"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .delete, path: "/datasets/:dataset_id/tags/:key", access: .writer, version: "3.0") { request in
                try await service.deleteTag(id: try request.pathParameter("dataset_id"), key: try request.pathParameter("key"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .get, path: "/datasets/:dataset_id/experiment-ids", access: .reader, version: "3.0") { request in
                let dataset = try await service.dataset(id: try request.pathParameter("dataset_id"), project: request.project)
                var writer = JSONWriter(capacity: 64 + 24 * dataset.experimentIDs.count)
                writer.beginObject()
                writer.writeArray("experiment_ids", dataset.experimentIDs) { $0.value($1.description) }
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .post, path: "/datasets/:dataset_id/add-experiments", access: .writer, version: "3.0") { request in
                Self.datasetResponse(try await service.addExperiments(
                    id: try request.pathParameter("dataset_id"), experimentIDs: try request.fields.strings("experiment_ids"),
                    project: request.project))
            },
            MLflowEndpoint(method: .post, path: "/datasets/:dataset_id/remove-experiments", access: .writer, version: "3.0") { request in
                Self.datasetResponse(try await service.removeExperiments(
                    id: try request.pathParameter("dataset_id"), experimentIDs: try request.fields.strings("experiment_ids"),
                    project: request.project))
            },
            MLflowEndpoint(
                method: .post, path: "/datasets/:dataset_id/records", access: .writer, version: "3.0",
                maxBodyBytes: Limits.maxEvaluationDatasetRecordsRequestBytes
            ) { request in
                let counts = try await service.upsertRecords(
                    id: try request.pathParameter("dataset_id"), recordsJSON: try request.fields.requiredString("records"), project: request.project)
                var writer = JSONWriter(capacity: 64)
                writer.beginObject()
                writer.field("inserted_count", Int64(counts.inserted))
                writer.field("updated_count", Int64(counts.updated))
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .get, path: "/datasets/:dataset_id/records", access: .reader, version: "3.0") { request in
                let page = try await service.records(
                    id: try request.pathParameter("dataset_id"), maxResults: try request.fields.int("max_results"),
                    pageToken: try request.fields.string("page_token"), project: request.project)
                var records = JSONWriter(capacity: 512 * page.records.count + 16)
                records.beginArray()
                for record in page.records { records.write(record) }
                records.endArray()
                var writer = JSONWriter(capacity: records.bytes.count * 11 / 10 + 64)
                writer.beginObject()
                writer.field("records", String(decoding: records.bytes, as: UTF8.self))
                if let token = page.nextPageToken { writer.field("next_page_token", token) }
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .delete, path: "/datasets/:dataset_id/records", access: .writer, version: "3.0") { request in
                let deleted = try await service.deleteRecords(
                    id: try request.pathParameter("dataset_id"), recordIDs: try request.fields.strings("dataset_record_ids"), project: request.project)
                var writer = JSONWriter(capacity: 32)
                writer.beginObject()
                writer.field("deleted_count", Int64(deleted))
                writer.endObject()
                return JSONResponse.make(writer)
            },
        ]
    }

    private static func searchDatasets(_ request: MLflowRequest, _ service: EvaluationDatasetService) async throws -> Response {
        let fields = request.fields
        let page = try await service.search(
            experimentIDs: try fields.strings("experiment_ids"), filter: try fields.string("filter_string"), orderBy: try fields.strings("order_by"),
            maxResults: try fields.int("max_results"), pageToken: try fields.string("page_token"), project: request.project)
        return JSONResponse.page("datasets", page.datasets, nextPageToken: page.nextPageToken, bytesPerItem: 512) { $0.write($1) }
    }

    static func datasetResponse(_ dataset: EvaluationDataset) -> Response {
        JSONResponse.object("dataset", capacity: 512 + (dataset.schema?.utf8.count ?? 0)) { $0.write(dataset) }
    }
}

extension JSONWriter {
    /// MLflow's `Dataset` message: tags as a JSON object text, experiment ids as strings.
    mutating func write(_ dataset: EvaluationDataset) {
        beginObject()
        field("dataset_id", dataset.id)
        field("name", dataset.name)
        field("tags", JSONValue.object(dataset.tags.map { ($0.key, JSONValue.string($0.value)) }).pythonText())
        if let schema = dataset.schema { field("schema", schema) }
        if let profile = dataset.profile { field("profile", profile) }
        field("digest", dataset.digest)
        field("created_time", dataset.creationTime)
        field("last_update_time", dataset.lastUpdateTime)
        if let createdBy = dataset.createdBy { field("created_by", createdBy) }
        if let lastUpdatedBy = dataset.lastUpdatedBy { field("last_updated_by", lastUpdatedBy) }
        writeArray("experiment_ids", dataset.experimentIDs) { $0.value($1.description) }
        endObject()
    }

    /// One record as MLflow's `DatasetRecord.to_dict()` gives it: JSON fields as JSON, times as numbers.
    mutating func write(_ record: DatasetRecord) {
        beginObject()
        field("dataset_record_id", record.id)
        field("dataset_id", record.datasetID)
        key("inputs")
        rawValue(record.inputs)
        if let expectations = record.expectations {
            key("expectations")
            rawValue(expectations)
        }
        key("tags")
        rawValue(record.tags)
        if let source = record.source {
            key("source")
            rawValue(source.json)
            if let sourceID = source.sourceID { field("source_id", sourceID) }
            field("source_type", source.type)
        }
        field("created_time", record.creationTime)
        field("last_update_time", record.lastUpdateTime)
        if let createdBy = record.createdBy { field("created_by", createdBy) }
        if let lastUpdatedBy = record.lastUpdatedBy { field("last_updated_by", lastUpdatedBy) }
        if let outputs = record.outputs {
            key("outputs")
            rawValue(outputs)
        }
        endObject()
    }
}
