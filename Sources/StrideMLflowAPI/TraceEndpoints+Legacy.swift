import Hummingbird
import StrideDomain
import StrideService

/// MLflow 2's trace routes, which MLflow 3's server still serves: start and end a trace by
/// request id, read its `TraceInfo` (v2), and search (v2).
extension MLflowAPI {
    func legacyTraceEndpoints(_ service: TraceService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/traces", access: .writer) { request in
                let fields = request.fields
                let trace = try await service.startLegacy(
                    experimentID: try fields.requiredString("experiment_id"), timestampMs: try fields.int64("timestamp_ms") ?? 0,
                    metadata: try Self.keyValues(fields, "request_metadata"), tags: try Self.keyValues(fields, "tags"), project: request.project)
                return JSONResponse.object("trace_info", capacity: 1024) { $0.writeV2(trace) }
            },
            MLflowEndpoint(method: .patch, path: "/traces/:trace_id", access: .writer) { request in
                let fields = request.fields
                let trace = try await service.endLegacy(
                    id: try request.pathParameter("trace_id"), timestampMs: try fields.int64("timestamp_ms") ?? 0,
                    state: try fields.enumeration("status", TraceState.init(parsing:)) ?? .unspecified,
                    metadata: try Self.keyValues(fields, "request_metadata"), tags: try Self.keyValues(fields, "tags"), project: request.project)
                return JSONResponse.object("trace_info", capacity: 1024) { $0.writeV2(trace) }
            },
            MLflowEndpoint(method: .get, path: "/traces/:trace_id/info", access: .reader) { request in
                let trace = try await service.trace(id: try request.pathParameter("trace_id"), project: request.project)
                return JSONResponse.object("trace_info", capacity: 1024) { $0.writeV2(trace) }
            },
            MLflowEndpoint(method: .get, path: "/traces", access: .reader) { request in
                let fields = request.fields
                let page = try await service.search(
                    experimentIDs: try fields.strings("experiment_ids"), filter: try fields.string("filter"), orderBy: try fields.strings("order_by"),
                    maxResults: try fields.int("max_results"), pageToken: try fields.string("page_token"), project: request.project)
                return JSONResponse.page("traces", page.traces, nextPageToken: page.nextPageToken, bytesPerItem: 1024) { $0.writeV2($1) }
            },
        ]
    }

    /// A map sent as protobuf's repeated `{key, value}` messages, or as a JSON object.
    static func keyValues(_ fields: RequestFields, _ name: String) throws(StrideError) -> [KeyValue] {
        if case .object? = fields.json(name) { return try fields.stringMap(name) }
        return try fields.messages(name).map { (pair) throws(StrideError) in
            KeyValue(key: try pair.requiredString("key"), value: try pair.string("value") ?? "")
        }
    }
}

extension JSONWriter {
    /// MLflow 2's `TraceInfo`: times in milliseconds, the state as a `TraceStatus`, maps as lists of pairs.
    mutating func writeV2(_ trace: TraceInfo) {
        beginObject()
        field("request_id", trace.id)
        field("experiment_id", trace.experimentID.description)
        field("timestamp_ms", trace.requestTime)
        field("execution_time_ms", trace.executionDuration ?? 0)
        field("status", trace.state == .unspecified ? "TRACE_STATUS_UNSPECIFIED" : trace.state.name)
        for (name, pairs) in [("request_metadata", trace.metadata), ("tags", trace.tags)] {
            writeArray(name, pairs) { writer, pair in
                writer.beginObject()
                writer.field("key", pair.key)
                writer.field("value", pair.value)
                writer.endObject()
            }
        }
        endObject()
    }
}
