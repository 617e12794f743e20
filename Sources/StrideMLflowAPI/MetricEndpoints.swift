import Hummingbird
import StrideDomain
import StrideService

extension MLflowAPI {
    func metricEndpoints() -> [MLflowEndpoint] {
        let tracking = self.tracking
        return [
            MLflowEndpoint(method: .get, path: "/metrics/get-history", access: .reader) { request in
                let fields = request.fields
                let key = try fields.requiredString("metric_key")
                let runID = try fields.runID()
                let maxResults = try fields.int("max_results")
                let pageToken = try fields.string("page_token")
                guard maxResults != nil else {
                    return try await Self.wholeHistory(runID: runID, key: key, pageToken: pageToken, project: request.project, tracking: tracking)
                }
                let page = try await tracking.metricHistory(runID: runID, key: key, maxResults: maxResults, pageToken: pageToken,
                    project: request.project)
                return JSONResponse.page("metrics", page.metrics, nextPageToken: page.nextPageToken, bytesPerItem: 80) { $0.write($1) }
            },
            MLflowEndpoint(method: .get, path: "/metrics/get-history-bulk-interval", access: .reader) { request in
                let fields = request.fields
                let points = try await tracking.sampledMetricHistory(
                    runIDs: try fields.strings("run_ids"), key: try fields.requiredString("metric_key"),
                    maxResults: try fields.int("max_results"), startStep: try fields.int64("start_step"),
                    endStep: try fields.int64("end_step"), project: request.project)
                return Self.runMetricsResponse(points)
            },
            MLflowEndpoint(method: .get, path: "/metrics/get-history-bulk", access: .reader, prefixes: ["/ajax-api"]) { request in
                try await Self.getHistoryBulk(request, tracking: tracking)
            },
        ]
    }

    /// Points read and sent at a time when a history is answered whole.
    static let historyChunk = 10_000

    /// Without `max_results` MLflow answers every point at once. Stride reads and sends the points a
    /// chunk at a time, so a million-point history streams in constant memory.
    static func wholeHistory(runID: String, key: String, pageToken: String?, project: String, tracking: TrackingService) async throws -> Response {
        let first = try await tracking.metricHistory(runID: runID, key: key, maxResults: historyChunk, pageToken: pageToken, project: project)
        guard let second = first.nextPageToken else {
            return JSONResponse.page("metrics", first.metrics, bytesPerItem: 80) { $0.write($1) }
        }
        let body = ResponseBody { writer in
            var json = JSONWriter(capacity: historyChunk * 80)
            json.beginObject()
            json.key("metrics")
            json.beginArray()
            var points = first.metrics
            var token: String? = second
            while true {
                for point in points { json.write(point) }
                try await writer.write(ByteBuffer(bytes: json.takeBytes()))
                guard let current = token else { break }
                let page = try await tracking.metricHistory(runID: runID, key: key, maxResults: historyChunk, pageToken: current, project: project)
                (points, token) = (page.metrics, page.nextPageToken)
            }
            json.endArray()
            json.endObject()
            try await writer.write(ByteBuffer(bytes: json.takeBytes()))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// The legacy UI endpoint: full histories of one key for several runs, capped at 25,000 points.
    static func getHistoryBulk(_ request: MLflowRequest, tracking: TrackingService) async throws -> Response {
        let fields = request.fields
        let runIDs = try fields.strings("run_id")
        guard !runIDs.isEmpty else { throw StrideError.invalidParameter("GetMetricHistoryBulk request must specify at least one run_id.") }
        guard runIDs.count <= Limits.maxRunsPerBulkHistory else {
            throw StrideError.invalidParameter(
                "GetMetricHistoryBulk request cannot specify more than \(Limits.maxRunsPerBulkHistory) run_ids. Received \(runIDs.count) run_ids.")
        }
        guard let key = try fields.string("metric_key") else {
            throw StrideError.invalidParameter("GetMetricHistoryBulk request must specify a metric_key.")
        }
        var remaining = min(try fields.int("max_results") ?? 25_000, 25_000)
        var points: [RunMetric] = []
        // MLflow answers run by run in the order of the sorted run ids, whatever order the request names them in.
        for runID in runIDs.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where remaining > 0 {
            let page = try await tracking.metricHistory(runID: runID, key: key, maxResults: remaining, pageToken: nil,
                project: request.project)
            points += page.metrics.map { RunMetric(runID: runID, metric: $0) }
            remaining -= page.metrics.count
        }
        return Self.runMetricsResponse(points)
    }

    static func runMetricsResponse(_ points: [RunMetric]) -> Response {
        JSONResponse.page("metrics", points, bytesPerItem: 120) { $0.write($1.metric, runID: $1.runID) }
    }
}
