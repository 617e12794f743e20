import Hummingbird
import StrideDomain
import StrideService

extension MLflowAPI {
    func experimentEndpoints() -> [MLflowEndpoint] {
        let tracking = self.tracking
        return [
            MLflowEndpoint(method: .post, path: "/experiments/create", access: .writer) { request in
                let fields = request.fields
                let (name, artifactLocation) = (try fields.requiredString("name"), try fields.string("artifact_location"))
                let tags = try fields.messages("tags").map { (tag) throws(StrideError) in
                    Tag(key: try tag.requiredString("key"), value: try tag.string("value") ?? "")
                }
                let id = try await tracking.createExperiment(name: name, artifactLocation: artifactLocation, tags: tags, project: request.project)
                var writer = JSONWriter()
                writer.beginObject()
                writer.field("experiment_id", id.description)
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .get, path: "/experiments/get", access: .reader, isSmall: true) { request in
                let experiment = try await tracking.experiment(id: try request.fields.requiredString("experiment_id"),
                    project: request.project)
                return Self.experimentResponse(experiment)
            },
            MLflowEndpoint(method: .get, path: "/experiments/get-by-name", access: .reader, isSmall: true) { request in
                let experiment = try await tracking.experiment(
                    named: try request.fields.requiredString("experiment_name"), project: request.project)
                return Self.experimentResponse(experiment)
            },
            MLflowEndpoint(method: .post, path: "/experiments/search", access: .reader, maxBodyBytes: Limits.maxSearchRequestBodyBytes) { request in
                try await Self.searchExperiments(request, tracking: tracking)
            },
            MLflowEndpoint(method: .get, path: "/experiments/search", access: .reader) { request in
                try await Self.searchExperiments(request, tracking: tracking)
            },
            // The datasets MLflow's web UI offers as filters; MLflow serves it under /ajax-api only.
            MLflowEndpoint(
                method: .post, path: "/experiments/search-datasets", access: .reader, prefixes: ["/ajax-api"],
                maxBodyBytes: Limits.maxSearchRequestBodyBytes
            ) { request in
                let summaries = try await tracking.searchDatasets(experimentIDs: try request.fields.strings("experiment_ids"), project: request.project)
                return JSONResponse.page("dataset_summaries", summaries, bytesPerItem: 128) { writer, summary in
                    writer.beginObject()
                    writer.field("experiment_id", summary.experimentID.description)
                    writer.field("name", summary.name)
                    writer.field("digest", summary.digest)
                    if let context = summary.context { writer.field("context", context) }
                    writer.endObject()
                }
            },
            MLflowEndpoint(method: .post, path: "/experiments/update", access: .writer) { request in
                try await tracking.renameExperiment(
                    id: try request.fields.requiredString("experiment_id"), newName: try request.fields.requiredString("new_name"),
                        project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/experiments/delete", access: .maintainer) { request in
                try await tracking.deleteExperiment(id: try request.fields.requiredString("experiment_id"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/experiments/restore", access: .maintainer) { request in
                try await tracking.restoreExperiment(id: try request.fields.requiredString("experiment_id"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/experiments/set-experiment-tag", access: .writer) { request in
                let fields = request.fields
                guard let value = try fields.string("value") else { throw StrideError.missingValue("value") }
                try await tracking.setExperimentTag(
                    id: try fields.requiredString("experiment_id"), tag: Tag(key: try fields.requiredString("key"), value: value),
                        project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/experiments/delete-experiment-tag", access: .writer) { request in
                try await tracking.deleteExperimentTag(
                    id: try request.fields.requiredString("experiment_id"), key: try request.fields.requiredString("key"),
                        project: request.project)
                return JSONResponse.empty()
            },
        ]
    }

    static func experimentResponse(_ experiment: Experiment) -> Response {
        JSONResponse.object("experiment") { $0.write(experiment) }
    }

    static func searchExperiments(_ request: MLflowRequest, tracking: TrackingService) async throws -> Response {
        let fields = request.fields
        // An unset proto2 int64 reads as 0, which MLflow rejects; the client always sends it.
        let maxResults = try fields.int("max_results") ?? 0
        let viewType = try fields.enumeration("view_type", ViewType.init(wireValue:)) ?? .activeOnly
        let page = try await tracking.searchExperiments(
            filter: try fields.string("filter"), orderBy: try fields.strings("order_by"), viewType: viewType,
            maxResults: maxResults, pageToken: try fields.string("page_token"), project: request.project)
        return JSONResponse.page("experiments", page.experiments, nextPageToken: page.nextPageToken, bytesPerItem: 256) { $0.write($1) }
    }
}
