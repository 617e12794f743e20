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
                return try await Self.history(runID: runID, key: key, maxResults: maxResults, pageToken: pageToken,
                    project: request.project, tracking: tracking)
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

    /// Points read and sent at a time: the client's pages hold 25,000 points (about 2 MB of JSON).
    static let historyChunk = 5_000

    /// A page of `maxResults` points, or without it every point (as MLflow answers then).
    ///
    /// Stride reads and writes a page a chunk at a time, sending each chunk as soon as it is written:
    /// the client receives the first points while the next are read, and neither the page's points nor
    /// its JSON are ever held whole, so a million-point history streams in constant memory. Each chunk
    /// continues from the previous one's page token, so the points are exactly those of one read of
    /// the whole page, and the last chunk's token is the page's. A history that fits in one chunk is
    /// answered with its length, as before.
    static func history(runID: String, key: String, maxResults: Int?, pageToken: String?, project: String, tracking: TrackingService)
        async throws -> Response
    {
        // A `max_results` the service refuses goes to it unchanged, so its error is MLflow's.
        let firstChunk = maxResults.map { (1...Limits.maxMetricHistoryResults).contains($0) ? min($0, historyChunk) : $0 } ?? historyChunk
        let first = try await tracking.metricHistory(runID: runID, key: key, maxResults: firstChunk, pageToken: pageToken, project: project)
        let remainingAfterFirst = maxResults.map { $0 - first.metrics.count }
        guard let second = first.nextPageToken, remainingAfterFirst != 0 else {
            return JSONResponse.page("metrics", first.metrics, nextPageToken: first.nextPageToken, bytesPerItem: 80) { $0.write($1) }
        }
        let body = ResponseBody { writer in
            var json = JSONWriter(capacity: historyChunk * 80)
            json.beginObject()
            json.key("metrics")
            json.beginArray()
            var points = first.metrics
            var token: String? = second
            var remaining = remainingAfterFirst
            while true {
                json.writeHistoryPoints(points)
                try await writer.write(ByteBuffer(bytes: json.takeBytes()))
                guard let current = token, remaining != 0 else { break }
                let chunk = remaining.map { min($0, historyChunk) } ?? historyChunk
                let page = try await tracking.metricHistory(runID: runID, key: key, maxResults: chunk, pageToken: current, project: project)
                (points, token) = (page.metrics, page.nextPageToken)
                remaining = remaining.map { $0 - page.metrics.count }
            }
            json.endArray()
            // Only a page that stopped at `max_results` can end with points left over.
            if let token { json.field("next_page_token", token) }
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
        JSONResponse.streamedPage("metrics", points, bytesPerItem: 120) { $0.write($1.metric, runID: $1.runID) }
    }
}
