import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: traces")
struct TraceContractTests {
    @Test("a started trace is stored with its tags, metadata and assessments; starting it again replaces its fields", arguments: StoreBackend.all)
    func startAndRestart(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            let first = try await traces.startTrace(trace(
                "tr-1", in: experiment, at: 1000, duration: 50, state: .inProgress, clientRequestID: "req-1",
                tags: [StrideDomain.Tag(key: "b", value: "2"), StrideDomain.Tag(key: "a", value: "1")], metadata: [KeyValue(key: "m", value: "x")],
                assessments: [assessment("a-1", on: "tr-1", at: 5)]))
            #expect(first.id == "tr-1")
            #expect(first.experimentID == experiment)
            #expect(first.requestTime == 1000 && first.executionDuration == 50 && first.state == .inProgress)
            #expect(first.clientRequestID == "req-1" && first.requestPreview == "request" && first.responsePreview == "response")
            #expect(first.tags == [StrideDomain.Tag(key: "a", value: "1"), StrideDomain.Tag(key: "b", value: "2")])
            #expect(first.metadata == [KeyValue(key: "m", value: "x")])
            #expect(first.assessments.map(\.id) == ["a-1"])
            #expect(first.assessments.first?.valid == true)

            var again = trace("tr-1", in: experiment, at: 900, duration: 200, state: .ok, tags: [StrideDomain.Tag(key: "a", value: "3")])
            again.requestPreview = nil
            let second = try await traces.startTrace(again)
            #expect(second.requestTime == 900 && second.executionDuration == 200 && second.state == .ok)
            #expect(second.clientRequestID == "req-1", "a missing client request id keeps the stored one")
            #expect(second.requestPreview == "request", "a missing preview keeps the stored one")
            #expect(second.tags == [StrideDomain.Tag(key: "a", value: "3"), StrideDomain.Tag(key: "b", value: "2")])
            #expect(try await traces.traceInfos(ids: ["tr-1"]) == [second])
            #expect(try await traces.traceExperiments(ids: ["tr-1", "tr-none"]) == ["tr-1": experiment])

            await #expect(
                performing: { _ = try await traces.startTrace(trace("tr-2", in: ExperimentID(999), at: 1)) },
                throws: isRefusal(StoreError.notFound(.experiment(ExperimentID(999)))))
        }
    }

    @Test("batch reads keep the order of the ids asked for and skip unknown ones", arguments: StoreBackend.all)
    func batchRead(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            for (index, id) in ["tr-a", "tr-b", "tr-c"].enumerated() {
                _ = try await traces.startTrace(trace(id, in: experiment, at: Int64(index)))
            }
            #expect(try await traces.traceInfos(ids: ["tr-c", "tr-x", "tr-a"]).map(\.id) == ["tr-c", "tr-a"])
            #expect(try await traces.traceInfos(ids: []).isEmpty)
            #expect(try await traces.traceExperiments(ids: []).isEmpty)
        }
    }

    @Test("tags overwrite by key; deleting a missing tag or touching a missing trace is not found", arguments: StoreBackend.all)
    func tags(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            _ = try await traces.startTrace(trace("tr-1", in: experiment, at: 1, tags: [StrideDomain.Tag(key: "k", value: "old")]))
            try await traces.setTraceTag(id: "tr-1", tag: StrideDomain.Tag(key: "k", value: "new"))
            try await traces.setTraceTag(id: "tr-1", tag: StrideDomain.Tag(key: "j", value: "v"))
            try await traces.deleteTraceTag(id: "tr-1", key: "j")
            #expect(try await traces.traceInfos(ids: ["tr-1"]).first?.tags == [StrideDomain.Tag(key: "k", value: "new")])
            await #expect(
                performing: { try await traces.deleteTraceTag(id: "tr-1", key: "j") },
                throws: isStrideError(.notFound("No trace tag with key 'j' for trace with ID 'tr-1'")))
            await #expect(
                performing: { try await traces.setTraceTag(id: "tr-x", tag: StrideDomain.Tag(key: "k", value: "v")) },
                throws: isStrideError(.notFound("Trace with ID 'tr-x' not found.")))
            await #expect(
                performing: { try await traces.deleteTraceTag(id: "tr-x", key: "k") },
                throws: isStrideError(.notFound("Trace with ID 'tr-x' not found.")))
        }
    }

    @Test("search filters by attributes, tags, metadata and run, recorded or linked", arguments: StoreBackend.all)
    func searchFilters(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            let other = try await store.makeExperiment("f")
            let run = try await store.makeRun(in: experiment)
            _ = try await traces.startTrace(trace(
                "tr-1", in: experiment, at: 1000, duration: 100, state: .ok, clientRequestID: "c-1",
                tags: [StrideDomain.Tag(key: TraceKeys.traceName, value: "answer"), StrideDomain.Tag(key: "team", value: "ml")],
                metadata: [KeyValue(key: TraceKeys.sourceRun, value: run)]))
            _ = try await traces.startTrace(trace(
                "tr-2", in: experiment, at: 2000, duration: 300, state: .error, tags: [StrideDomain.Tag(key: TraceKeys.traceName, value: "Retrieve")]))
            _ = try await traces.startTrace(trace("tr-3", in: experiment, at: 3000, duration: nil, state: .inProgress))
            _ = try await traces.startTrace(trace("tr-4", in: other, at: 4000, state: .ok))
            try await traces.linkTraces(ids: ["tr-3", "tr-3", "tr-x"], toRun: "linked-run")
            try await traces.linkTraces(ids: ["tr-3"], toRun: "linked-run")

            func ids(_ filter: String, in experiments: [ExperimentID] = [experiment]) async throws -> [String] {
                try await traces.searchTraces(TraceQuery(experimentIDs: experiments, filter: try TraceFilter.parse(filter))).traces.map(\.id)
            }
            #expect(try await ids("") == ["tr-3", "tr-2", "tr-1"], "newest first")
            #expect(try await ids("", in: [experiment, other]) == ["tr-4", "tr-3", "tr-2", "tr-1"])
            #expect(try await ids("trace.status = 'ERROR'") == ["tr-2"])
            #expect(try await ids("trace.status IN ('OK', 'IN_PROGRESS')") == ["tr-3", "tr-1"])
            #expect(try await ids("trace.timestamp_ms >= 2000") == ["tr-3", "tr-2"])
            #expect(try await ids("trace.execution_time_ms > 100") == ["tr-2"])
            #expect(try await ids("trace.end_time_ms <= 1100") == ["tr-1"])
            #expect(try await ids("NOT trace.end_time_ms <= 1100") == ["tr-3", "tr-2"], "a trace without an end is no match, so NOT takes it")
            #expect(try await ids("trace.name = 'answer'") == ["tr-1"])
            #expect(try await ids("trace.name LIKE 'r%'") == [], "LIKE is case-sensitive")
            #expect(try await ids("trace.name ILIKE 'r%'") == ["tr-2"])
            #expect(try await ids("trace.client_request_id = 'c-1'") == ["tr-1"])
            #expect(try await ids("trace.request_id != 'tr-1'") == ["tr-3", "tr-2"])
            #expect(try await ids("tags.team = 'ml'") == ["tr-1"])
            #expect(try await ids("tags.team IS NULL") == ["tr-3", "tr-2"])
            #expect(try await ids("metadata.`\(TraceKeys.sourceRun)` = '\(run)'") == ["tr-1"])
            #expect(try await ids("trace.run_id = '\(run)'") == ["tr-1"], "recorded in the run")
            #expect(try await ids("trace.run_id = 'linked-run'") == ["tr-3"], "linked to the run")
            #expect(try await ids("trace.status = 'ERROR' OR tags.team = 'ml'") == ["tr-2", "tr-1"])
        }
    }

    @Test("search orders as asked, ties broken by id, and pages with keyset cursors", arguments: StoreBackend.all)
    func searchOrderAndPages(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            let names = ["tr-1": "b", "tr-2": "a", "tr-3": "b", "tr-4": "c", "tr-5": "a"]
            for (id, name) in names.sorted(by: { $0.key < $1.key }) {
                _ = try await traces.startTrace(trace(
                    id, in: experiment, at: id < "tr-3" ? 100 : 200, duration: id == "tr-4" ? nil : 10,
                    tags: [StrideDomain.Tag(key: TraceKeys.traceName, value: name)]))
            }
            func all(_ order: [String], pageSize: Int) async throws -> [String] {
                var query = TraceQuery(experimentIDs: [experiment], order: try TraceFilter.parseOrder(order), maxResults: pageSize)
                var seen: [String] = []
                for _ in 0..<10 {
                    let page = try await traces.searchTraces(query)
                    seen += page.traces.map(\.id)
                    guard let next = page.next else { return seen }
                    #expect(page.traces.count == pageSize)
                    query.after = next
                }
                return seen
            }
            #expect(try await all([], pageSize: 2) == ["tr-3", "tr-4", "tr-5", "tr-1", "tr-2"])
            #expect(try await all(["timestamp_ms ASC"], pageSize: 2) == ["tr-1", "tr-2", "tr-3", "tr-4", "tr-5"])
            #expect(try await all(["name"], pageSize: 2) == ["tr-2", "tr-5", "tr-1", "tr-3", "tr-4"])
            #expect(try await all(["name DESC"], pageSize: 3) == ["tr-4", "tr-1", "tr-3", "tr-2", "tr-5"])
            #expect(try await all(["execution_time_ms", "timestamp_ms DESC"], pageSize: 1) == ["tr-4", "tr-3", "tr-5", "tr-1", "tr-2"])
            #expect(try await all(["status", "request_id DESC"], pageSize: 4) == ["tr-5", "tr-4", "tr-3", "tr-2", "tr-1"])
            let page = try await traces.searchTraces(TraceQuery(experimentIDs: [experiment], maxResults: 5))
            #expect(page.traces.count == 5 && page.next == nil, "an exactly full last page has no next")
        }
    }

    @Test("deleting traces by id or by age removes everything they hold, oldest first", arguments: StoreBackend.all)
    func delete(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            for (index, id) in ["tr-1", "tr-2", "tr-3", "tr-4"].enumerated() {
                _ = try await traces.startTrace(trace(
                    id, in: experiment, at: Int64(index + 1) * 100, tags: [StrideDomain.Tag(key: "k", value: id)], metadata: [KeyValue(key: "m", value: id)],
                    assessments: [assessment("a-\(id)", on: id, at: 1)]))
            }
            try await traces.logSpans(spanGroups([span("tr-1", "01", parent: nil, start: 100, end: 200)]), experimentID: experiment)
            try await traces.linkTraces(ids: ["tr-1"], toRun: "r")
            #expect(try await traces.deleteTraces(ids: ["tr-1", "tr-x"]) == 1)
            #expect(try await traces.deleteTraces(ids: []) == 0)
            #expect(try await traces.spans(traceID: "tr-1").isEmpty)
            #expect(try await traces.traceExperiments(ids: ["tr-1"]).isEmpty)
            #expect(try await traces.deleteTraces(experimentID: experiment, before: 400, limit: 2) == 2)
            #expect(try await traces.traceInfos(ids: ["tr-2", "tr-3", "tr-4"]).map(\.id) == ["tr-4"])
            #expect(try await traces.deleteTraces(experimentID: experiment, before: 300, limit: 10) == 0)

            // A trace started again under the deleted id holds nothing of the old one.
            _ = try await traces.startTrace(trace("tr-1", in: experiment, at: 1))
            let fresh = try #require(try await traces.traceInfos(ids: ["tr-1"]).first)
            #expect(fresh.tags.isEmpty && fresh.metadata.isEmpty && fresh.assessments.isEmpty)
            #expect(try await traces.searchTraces(TraceQuery(experimentIDs: [experiment], filter: try TraceFilter.parse("trace.run_id = 'r'")))
                .traces.isEmpty)
        }
    }

    @Test("an overriding assessment invalidates the one it overrides until it is deleted; replacing keeps the id", arguments: StoreBackend.all)
    func assessments(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            _ = try await traces.startTrace(trace("tr-1", in: experiment, at: 1))
            try await traces.saveAssessment(assessment("a-1", on: "tr-1", at: 10))
            try await traces.saveAssessment(assessment("a-2", on: "tr-1", at: 10))
            var overriding = assessment("a-3", on: "tr-1", at: 20)
            overriding.overrides = "a-1"
            try await traces.saveAssessment(overriding)
            var listed = try #require(try await traces.traceInfos(ids: ["tr-1"]).first).assessments
            #expect(listed.map(\.id) == ["a-1", "a-2", "a-3"])
            #expect(listed.map(\.valid) == [false, true, true])
            #expect(listed[2].overrides == "a-1")

            var replaced = assessment("a-1", on: "tr-1", at: 10)
            replaced.name = "renamed"
            replaced.details = #"{"feedback": {"value": 2}}"#
            replaced.valid = false
            try await traces.saveAssessment(replaced)
            listed = try #require(try await traces.traceInfos(ids: ["tr-1"]).first).assessments
            #expect(listed.map(\.id) == ["a-2", "a-1", "a-3"], "a replaced assessment lists after others of its creation time")
            #expect(listed[1] == replaced)

            try await traces.deleteAssessment(traceID: "tr-1", id: "a-3")
            listed = try #require(try await traces.traceInfos(ids: ["tr-1"]).first).assessments
            #expect(listed.map(\.id) == ["a-2", "a-1"])
            #expect(listed.map(\.valid) == [true, true], "the overridden assessment is valid again")
            await #expect(
                performing: { try await traces.deleteAssessment(traceID: "tr-1", id: "a-3") },
                throws: isStrideError(.notFound("Assessment with ID 'a-3' not found for trace 'tr-1'")))
            await #expect(
                performing: { try await traces.saveAssessment(assessment("a-9", on: "tr-x", at: 1)) },
                throws: isStrideError(.notFound("Trace with ID 'tr-x' not found.")))
        }
    }

    @Test("spans create a trace with their times, state, previews, usage and tags, and come back in start order", arguments: StoreBackend.all)
    func spansCreateATrace(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            var groups = spanGroups([
                span("tr-1", "02", parent: "01", start: 1_500, end: 1_900, usage: 7),
                span("tr-1", "01", parent: nil, start: 1_000, end: 3_000, status: TraceSpan.errorStatusCode, request: "q?", response: "a!",
                     tags: [StrideDomain.Tag(key: "env", value: "prod")]),
                span("tr-2", "0a", parent: "09", start: 5_000, end: nil),
            ])
            groups[0].artifactLocation = "mlflow-artifacts:/1/traces/tr-1/artifacts"
            try await traces.logSpans(groups, experimentID: experiment)

            let created = try #require(try await traces.traceInfos(ids: ["tr-1"]).first)
            #expect(created.experimentID == experiment)
            #expect(created.requestTime == 1_000 && created.executionDuration == 2_000 && created.state == .error)
            #expect(created.requestPreview == "q?" && created.responsePreview == "a!")
            #expect(created.tags == [
                StrideDomain.Tag(key: "env", value: "prod"), StrideDomain.Tag(key: TraceKeys.artifactLocation, value: "mlflow-artifacts:/1/traces/tr-1/artifacts"),
                StrideDomain.Tag(key: TraceKeys.spansLocation, value: TraceKeys.spansInTrackingStore),
            ])
            #expect(created.metadata == [KeyValue(key: TraceKeys.tokenUsage, value: usage(7).jsonText)])
            let spans = try await traces.spans(traceID: "tr-1")
            #expect(spans.map(\.spanID) == ["01", "02"])
            #expect(spans[0] == groups[0].spans.first { $0.spanID == "01" })
            #expect(spans[1].parentSpanID == "01" && spans[1].endTimeNanos == 1_900_000_000 && spans[1].spanType == "LLM")

            let open = try #require(try await traces.traceInfos(ids: ["tr-2"]).first)
            #expect(open.state == .inProgress && open.executionDuration == nil && open.requestPreview == nil)
            #expect(try await traces.spans(traceID: "tr-2").map(\.endTimeNanos) == [nil])
            #expect(try await traces.spans(traceID: "tr-x").isEmpty)

            await #expect(
                performing: { try await traces.logSpans(groups, experimentID: ExperimentID(999)) },
                throws: isRefusal(StoreError.notFound(.experiment(ExperimentID(999)))))
        }
    }

    @Test("later spans widen an open trace, add usage, fill previews and replace spans sent again; the trace keeps its experiment",
          arguments: StoreBackend.all)
    func laterSpans(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            let other = try await store.makeExperiment("f")
            try await traces.logSpans(spanGroups([span("tr-1", "02", parent: "01", start: 2_000, end: 2_500, usage: 3)]), experimentID: experiment)
            var stored = try #require(try await traces.traceInfos(ids: ["tr-1"]).first)
            #expect(stored.state == .inProgress && stored.requestTime == 2_000 && stored.executionDuration == 500)

            try await traces.logSpans(spanGroups([
                span("tr-1", "01", parent: nil, start: 1_000, end: 4_000, request: "q", response: "r", usage: 5),
                span("tr-1", "02", parent: "01", start: 2_000, end: 2_600, name: "again"),
            ]), experimentID: other)
            stored = try #require(try await traces.traceInfos(ids: ["tr-1"]).first)
            #expect(stored.experimentID == experiment)
            #expect(stored.requestTime == 1_000 && stored.executionDuration == 3_000 && stored.state == .ok)
            #expect(stored.requestPreview == "q" && stored.responsePreview == "r")
            #expect(stored.metadata == [KeyValue(key: TraceKeys.tokenUsage, value: usage(3).adding(usage(5)).jsonText)])
            let spans = try await traces.spans(traceID: "tr-1")
            #expect(spans.map(\.name) == ["01", "again"])
            #expect(spans[1].endTimeNanos == 2_600_000_000)

            try await traces.logSpans(spanGroups([span("tr-1", "03", parent: nil, start: 500, end: 600, request: "other")]), experimentID: experiment)
            stored = try #require(try await traces.traceInfos(ids: ["tr-1"]).first)
            #expect(stored.requestPreview == "q", "a stored preview stays")
            #expect(stored.state == .ok, "a finished trace keeps its state")
            #expect(stored.requestTime == 500 && stored.executionDuration == 3_500, "the range widens to a span before it")
        }
    }

    @Test("spans of a trace start_trace finalized keep its times and usage", arguments: StoreBackend.all)
    func spansOfAFinalizedTrace(backend: StoreBackend) async throws {
        try await withTraceStore(backend) { store, traces in
            let experiment = try await store.makeExperiment("e")
            _ = try await traces.startTrace(trace(
                "tr-1", in: experiment, at: 10, duration: 5, state: .ok,
                metadata: [KeyValue(key: TraceKeys.infoFinalized, value: "true"), KeyValue(key: TraceKeys.tokenUsage, value: usage(1).jsonText)]))
            try await traces.logSpans(spanGroups([span("tr-1", "01", parent: nil, start: 1_000, end: 90_000, status: 2, usage: 9)]), experimentID: experiment)
            let stored = try #require(try await traces.traceInfos(ids: ["tr-1"]).first)
            #expect(stored.requestTime == 10 && stored.executionDuration == 5 && stored.state == .ok)
            #expect(stored.metadata.first { $0.key == TraceKeys.tokenUsage }?.value == usage(1).jsonText)
            #expect(try await traces.spans(traceID: "tr-1").count == 1)
        }
    }
}

// MARK: Fixtures

/// Opens a fresh store, as ``withStore(_:_:)``, and hands it over with its trace side.
private func withTraceStore(_ backend: StoreBackend, _ body: (any BackendStore, any TraceStore) async throws -> Void) async throws {
    try await withStore(backend) { store in
        let traces = try #require(store as? any TraceStore, "\(backend.name) stores traces")
        try await body(store, traces)
    }
}

private func trace(
    _ id: String, in experiment: ExperimentID, at time: Int64, duration: Int64? = 10, state: TraceState = .ok, clientRequestID: String? = nil,
    tags: [StrideDomain.Tag] = [], metadata: [KeyValue] = [], assessments: [Assessment] = []
) -> TraceInfo {
    TraceInfo(
        id: id, experimentID: experiment, requestTime: time, executionDuration: duration, state: state, clientRequestID: clientRequestID,
        requestPreview: "request", responsePreview: "response", metadata: metadata, tags: tags, assessments: assessments)
}

private func assessment(_ id: String, on traceID: String, at time: Int64) -> Assessment {
    Assessment(
        id: id, traceID: traceID, name: "quality", spanID: nil, createTime: time, lastUpdateTime: time, valid: true, overrides: nil,
        details: #"{"feedback": {"value": 1}}"#)
}

private func usage(_ tokens: Int64) -> TokenUsage {
    // Input and output tokens are MLflow's keys, so the usage exists.
    TokenUsage(reported: [(key: "input_tokens", value: tokens), (key: "output_tokens", value: 1)])!
}

/// A span as an export delivers it; times in milliseconds.
private func span(
    _ traceID: String, _ id: String, parent: String?, start: Int64, end: Int64?, status: Int = 1, name: String? = nil, request: String? = nil,
    response: String? = nil, tags: [StrideDomain.Tag] = [], usage tokens: Int64? = nil
) -> IngestedSpan {
    IngestedSpan(
        span: TraceSpan(
            traceID: traceID, spanID: id, parentSpanID: parent, name: name ?? id, startTimeNanos: start * 1_000_000,
            endTimeNanos: end.map { $0 * 1_000_000 }, statusCode: status, spanType: "LLM", content: #"{"span_id": "\#(id)"}"#),
        tokenUsage: tokens.map(usage), requestPreview: request, responsePreview: response, traceTags: tags)
}

private func spanGroups(_ spans: [IngestedSpan]) -> [TraceSpanGroup] {
    TraceSpanGroup.grouping(spans)
}

/// Whether a store refused a call with exactly the MLflow error `expected`.
private func isStrideError(_ expected: StrideError) -> @Sendable (any Error) -> Bool {
    { error in (error as? StrideError) == expected }
}
