import Hummingbird
import StrideDomain
import StrideService

extension MLflowAPI {
    func runEndpoints() -> [MLflowEndpoint] {
        let tracking = self.tracking
        return [
            MLflowEndpoint(method: .post, path: "/runs/create", access: .writer, isSmall: true) { request in
                let fields = request.fields
                let run = try await tracking.createRun(
                    experimentID: try fields.string("experiment_id"), userID: try fields.string("user_id"),
                    runName: try fields.string("run_name"), startTime: try fields.int64("start_time"),
                    tags: try Self.keyValues(fields.messages("tags")), project: request.project)
                return Self.runResponse(run)
            },
            MLflowEndpoint(method: .get, path: "/runs/get", access: .reader) { request in
                Self.runResponse(try await tracking.run(id: try request.fields.runID(), project: request.project))
            },
            MLflowEndpoint(method: .post, path: "/runs/search", access: .reader, maxBodyBytes: Limits.maxSearchRequestBodyBytes) { request in
                let fields = request.fields
                let page = try await tracking.searchRuns(
                    experimentIDs: try fields.strings("experiment_ids"), filter: try fields.string("filter"),
                    orderBy: try fields.strings("order_by"),
                    viewType: try fields.enumeration("run_view_type", ViewType.init(wireValue:)) ?? .activeOnly,
                    maxResults: try fields.int("max_results"), pageToken: try fields.string("page_token"), project: request.project)
                return JSONResponse.page("runs", page.runs, nextPageToken: page.nextPageToken, bytesPerItem: 2048) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/runs/update", access: .writer, isSmall: true) { request in
                let fields = request.fields
                let info = try await tracking.updateRun(
                    id: try fields.runID(), status: try fields.enumeration("status", RunStatus.init(wireValue:)),
                    endTime: try fields.int64("end_time"), name: try fields.string("run_name"), project: request.project)
                var writer = JSONWriter()
                writer.beginObject()
                writer.key("run_info")
                writer.write(info)
                writer.endObject()
                return JSONResponse.make(writer)
            },
            MLflowEndpoint(method: .post, path: "/runs/delete", access: .maintainer, isSmall: true) { request in
                try await tracking.deleteRun(id: try request.fields.requiredString("run_id"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/restore", access: .maintainer, isSmall: true) { request in
                try await tracking.restoreRun(id: try request.fields.requiredString("run_id"), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/log-metric", access: .writer, isSmall: true) { request in
                let fields = request.fields
                try await tracking.logMetric(runID: try fields.runID(), metric: try Self.metric(fields), model: try Self.modelLink(fields),
                    project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/log-parameter", access: .writer, isSmall: true) { request in
                let fields = request.fields
                // Read in MLflow's schema order, so the first bad field is the one MLflow names.
                let (runID, key) = (try fields.runID(), try fields.requiredString("key"))
                guard let value = try fields.string("value") else { throw StrideError.missingValue("value") }
                try await tracking.logParam(runID: runID, param: Param(key: key, value: value), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/set-tag", access: .writer, isSmall: true) { request in
                let fields = request.fields
                let (runID, key) = (try fields.runID(), try fields.requiredString("key"))
                guard let value = try fields.string("value") else { throw StrideError.missingValue("value") }
                try await tracking.setTag(runID: runID, tag: Tag(key: key, value: value), project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/delete-tag", access: .writer, isSmall: true) { request in
                try await tracking.deleteTag(runID: try request.fields.requiredString("run_id"), key: try request.fields.requiredString("key"),
                    project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/log-batch", access: .writer, maxBodyBytes: Limits.maxBatchRequestBytes, isSmall: true) { request in
                let fields = request.fields
                let messages = try fields.messages("metrics")
                var metrics: [Metric] = []
                var modelLinks: [(Int, ModelMetricLink)] = []
                metrics.reserveCapacity(messages.count)
                for message in messages {
                    if let link = try Self.modelLink(message) { modelLinks.append((metrics.count, link)) }
                    metrics.append(try Self.metric(message))
                }
                try await tracking.logBatch(
                    runID: try fields.runID(), metrics: metrics, params: try Self.keyValues(fields.messages("params")),
                    tags: try Self.keyValues(fields.messages("tags")), modelLinks: modelLinks, project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/log-inputs", access: .writer, maxBodyBytes: Limits.maxDatasetRequestBodyBytes) { request in
                let fields = request.fields
                let datasets = try fields.messages("datasets").map { (input) throws(StrideError) -> DatasetInput in
                    guard let dataset = try input.message("dataset") else { throw StrideError.missingValue("datasets.dataset") }
                    return DatasetInput(
                        dataset: Dataset(
                            name: try dataset.requiredString("name"), digest: try dataset.requiredString("digest"),
                            sourceType: try dataset.requiredString("source_type"), source: try dataset.requiredString("source"),
                            schema: try dataset.string("schema"), profile: try dataset.string("profile")),
                        tags: try Self.keyValues(input.messages("tags")))
                }
                let models = try fields.messages("models").map { (model) throws(StrideError) in
                    ModelInput(modelID: try model.requiredString("model_id"))
                }
                try await tracking.logInputs(
                    runID: try fields.requiredString("run_id"), datasets: datasets, models: models, project: request.project)
                return JSONResponse.empty()
            },
            MLflowEndpoint(method: .post, path: "/runs/outputs", access: .writer) { request in
                let fields = request.fields
                let models = try fields.messages("models").map { (model) throws(StrideError) in
                    ModelOutput(modelID: try model.requiredString("model_id"), step: try model.requiredInt64("step"))
                }
                guard !models.isEmpty else { throw StrideError.missingValue("models") }
                try await tracking.logOutputs(runID: try fields.requiredString("run_id"), models: models, project: request.project)
                return JSONResponse.empty()
            },
        ]
    }

    /// A metric from `log-metric` or one `log-batch` element: key, value and timestamp required,
    /// step defaulting to 0.
    static func metric(_ fields: RequestFields) throws(StrideError) -> Metric {
        Metric(
            key: try fields.requiredString("key"), value: try fields.requiredDouble("value"),
            timestamp: try fields.requiredInt64("timestamp"), step: try fields.int64("step") ?? 0)
    }

    /// The logged model a metric message is also logged against (MLflow 3's `model_id`), if any.
    static func modelLink(_ fields: RequestFields) throws(StrideError) -> ModelMetricLink? {
        guard let modelID = try fields.string("model_id"), !modelID.isEmpty else { return nil }
        return ModelMetricLink(modelID: modelID, datasetName: try fields.string("dataset_name"), datasetDigest: try fields.string("dataset_digest"))
    }

    /// Params or tags: a key is required, a missing value is the empty string.
    static func keyValues(_ messages: [RequestFields]) throws(StrideError) -> [KeyValue] {
        var pairs: [KeyValue] = []
        pairs.reserveCapacity(messages.count)
        for message in messages {
            pairs.append(KeyValue(key: try message.requiredString("key"), value: try message.string("value") ?? ""))
        }
        return pairs
    }

    static func runResponse(_ run: Run) -> Response {
        JSONResponse.object("run", capacity: 1024) { $0.write(run) }
    }
}
