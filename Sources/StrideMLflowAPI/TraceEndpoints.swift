import Hummingbird
import StrideDomain
import StrideService

/// `traces/*`: MLflow 3 traces (the 3.0 API) and the 2.0 routes the client still calls for tags,
/// deletion, links to runs and prompts, and the trace artifact.
extension MLflowAPI {
    func traceEndpoints(_ service: TraceService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/traces", access: .writer, version: "3.0") { request in
                guard let info = try request.fields.message("trace")?.message("trace_info") else { throw StrideError.missingValue("trace") }
                let trace = try await service.start(try Self.traceInfo(info), project: request.project)
                return JSONResponse.object("trace", capacity: 2048) { $0.write(trace, spans: nil) }
            },
            MLflowEndpoint(method: .get, path: "/traces/get", access: .reader, version: "3.0") { request in
                let (info, spans) = try await service.traceWithSpans(id: try request.fields.requiredString("trace_id"), project: request.project)
                return JSONResponse.object("trace", capacity: 4096) { $0.write(info, spans: spans) }
            },
            MLflowEndpoint(method: .get, path: "/traces/batchGet", access: .reader, version: "3.0") { request in
                let traces = try await service.tracesWithSpans(ids: try request.fields.strings("trace_ids"), project: request.project)
                return JSONResponse.page("traces", traces, bytesPerItem: 4096) { $0.write($1.0, spans: $1.1) }
            },
            MLflowEndpoint(method: .post, path: "/traces/batchGetInfos", access: .reader, version: "3.0") { request in
                let traces = try await service.traces(ids: try request.fields.strings("trace_ids"), project: request.project)
                return JSONResponse.page("trace_infos", traces, bytesPerItem: 2048) { $0.write($1) }
            },
            MLflowEndpoint(method: .get, path: "/traces/:trace_id", access: .reader, version: "3.0") { request in
                let trace = try await service.trace(id: try request.pathParameter("trace_id"), project: request.project)
                return JSONResponse.object("trace", capacity: 2048) { $0.write(trace, spans: nil) }
            },
            MLflowEndpoint(method: .post, path: "/traces/search", access: .reader, version: "3.0", maxBodyBytes: Limits.maxSearchRequestBodyBytes) {
                request in
                let fields = request.fields
                let experimentIDs = try fields.messages("locations").compactMap { (location) throws(StrideError) in
                    try location.message("mlflow_experiment")?.string("experiment_id")
                } + (try fields.strings("experiment_ids"))
                let page = try await service.search(
                    experimentIDs: experimentIDs, filter: try fields.string("filter"), orderBy: try fields.strings("order_by"),
                    maxResults: try fields.int("max_results"), pageToken: try fields.string("page_token"), project: request.project)
                return JSONResponse.page("traces", page.traces, nextPageToken: page.nextPageToken, bytesPerItem: 2048) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/traces/link-to-run", access: .writer) { request in
                try await service.link(
                    traceIDs: try request.fields.strings("trace_ids"), toRun: try request.fields.requiredString("run_id"), project: request.project)
                return JSONResponse.empty()
            },
        ] + ["2.0", "3.0"].flatMap { version in
            [
                MLflowEndpoint(method: .post, path: "/traces/delete-traces", access: .writer, version: version) { request in
                    let fields = request.fields
                    let deleted = try await service.delete(
                        experimentID: try fields.requiredString("experiment_id"), ids: try fields.strings("request_ids"),
                        maxTimestamp: try fields.int64("max_timestamp_millis"), maxTraces: try fields.int("max_traces"), project: request.project)
                    var writer = JSONWriter()
                    writer.beginObject()
                    writer.field("traces_deleted", Int64(deleted))
                    writer.endObject()
                    return JSONResponse.make(writer)
                },
                MLflowEndpoint(method: .patch, path: "/traces/:trace_id/tags", access: .writer, version: version) { request in
                    try await service.setTag(
                        id: try request.pathParameter("trace_id"), key: try request.fields.requiredString("key"),
                        value: try request.fields.string("value") ?? "", project: request.project)
                    return JSONResponse.empty()
                },
                MLflowEndpoint(method: .delete, path: "/traces/:trace_id/tags", access: .writer, version: version) { request in
                    try await service.deleteTag(
                        id: try request.pathParameter("trace_id"), key: try request.fields.requiredString("key"), project: request.project)
                    return JSONResponse.empty()
                },
            ]
        } + ["2.0", "3.0"].flatMap { version in
            traceArtifactEndpoints(service).map { endpoint in
                var endpoint = endpoint
                endpoint.version = version
                return endpoint
            } + [
                MLflowEndpoint(method: .post, path: "/traces/link-prompts", access: .writer, version: version) { request in
                    let versions = try request.fields.messages("prompt_versions").map { (ref) throws(StrideError) in
                        TraceService.PromptVersionRef(name: try ref.string("name") ?? "", version: try ref.string("version") ?? "")
                    }
                    try await service.linkPrompts(traceID: try request.fields.requiredString("trace_id"), versions: versions, project: request.project)
                    return JSONResponse.empty()
                },
            ]
        } + assessmentEndpoints(service) + traceAnalyticsEndpoints(service) + legacyTraceEndpoints(service)
    }
}
