import Testing
import StrideDomain
import StrideStore

@Suite("Purge store contract: only deleted runs and experiments go, each with every row of theirs")
struct PurgeContractTests {
    private static func purger(_ store: any TrackingStore) throws -> any PurgeStore {
        try #require(store as? any PurgeStore)
    }

    private static func logPoints(_ count: Int, to runID: String, in store: any TrackingStore) async throws {
        try await store.logBatch(runID: runID, RunBatch(
            metrics: (0..<Int64(count)).map { Metric(key: "loss", value: Double($0), timestamp: 10 + $0, step: $0) },
            params: [Param(key: "lr", value: "0.1")], tags: [Tag(key: "team", value: "vision")]))
    }

    @Test("deleted runs are listed by deletion time; their points go in bounded steps, then the runs with their rows", arguments: StoreBackend.all)
    func runsArePurgedInSteps(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let purge = try Self.purger(store)
            let experiment = try await store.makeExperiment("gc")
            let doomed = try await store.makeRun(in: experiment)
            let live = try await store.makeRun(in: experiment)
            try await Self.logPoints(250, to: doomed, in: store)
            try await Self.logPoints(5, to: live, in: store)
            try await store.setRunLifecycle(id: doomed, to: .deleted, at: 500)

            #expect(try await purge.purgeableRuns(.deletedAtOrBefore(499), after: nil, limit: 10).isEmpty)
            let listed = try await purge.purgeableRuns(.deletedAtOrBefore(500), after: nil, limit: 10)
            #expect(listed.map(\.id) == [doomed] && listed.first?.deletedTime == 500 && listed.first?.project == "default")
            #expect(try await purge.purgeMetricPoints(runID: live, limit: 100) == 0)
            #expect(try await purge.purgeMetricPoints(runID: doomed, limit: 100) == 100)
            #expect(try await purge.purgeMetricPoints(runID: doomed, limit: 100) == 100)
            #expect(try await purge.purgeMetricPoints(runID: doomed, limit: 100) == 50)
            #expect(try await purge.purgeMetricPoints(runID: doomed, limit: 100) == 0)
            #expect(try await purge.purgeRuns(ids: [doomed, live, "unknown"]) == [doomed])

            #expect(try await store.run(id: doomed) == nil)
            let kept = try #require(try await store.run(id: live))
            #expect(kept.params == [Param(key: "lr", value: "0.1")] && kept.latestMetrics.map(\.value) == [4])
            #expect(try await store.metricHistory(runID: live, key: "loss", limit: nil, after: nil).metrics.count == 5)
        }
    }

    @Test("a deleted experiment goes once its runs are gone; a live one, or one with runs, stays", arguments: StoreBackend.all)
    func experimentsArePurgedLast(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let purge = try Self.purger(store)
            let gone = try await store.makeExperiment("gone", tags: [Tag(key: "k", value: "v")])
            let kept = try await store.makeExperiment("kept")
            let run = try await store.makeRun(in: gone)
            try await store.setExperimentLifecycle(id: gone, to: .deleted, at: 700)

            #expect(try await purge.purgeableExperiments(.deletedAtOrBefore(700)).map(\.id) == [gone])
            #expect(try await purge.purgeableExperiments(.ids([gone, kept, ExperimentID(9999)])).map(\.stage) == [.deleted, .active])
            #expect(try await purge.purgeExperiment(id: kept) == false)
            #expect(try await purge.purgeExperiment(id: gone) == false)
            #expect(try await purge.purgeableRuns(.experiment(gone), after: nil, limit: 10).map(\.id) == [run])
            #expect(try await purge.purgeRuns(ids: [run]) == [run])
            #expect(try await purge.purgeExperiment(id: gone) == true)
            #expect(try await store.experiment(id: gone) == nil)
            #expect(try await store.experiment(id: kept) != nil)
        }
    }

    @Test("a purged experiment leaves no evaluation-dataset link behind for an experiment that later takes its id", arguments: StoreBackend.all)
    func purgedExperimentsLoseTheirDatasetLinks(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let purge = try Self.purger(store)
            let datasets = try #require(store as? any EvaluationDatasetStore)
            // The newest experiment, so a store that hands out the highest id + 1 would give its id to the next one.
            let gone = try await store.makeExperiment("gone")
            _ = try await datasets.createEvaluationDataset(NewEvaluationDataset(
                id: "d-purge", project: "default", name: "evals", tags: [], experimentIDs: [gone], digest: "0", creationTime: 1,
                createdBy: nil))
            try await store.setExperimentLifecycle(id: gone, to: .deleted, at: 700)
            #expect(try await purge.purgeExperiment(id: gone) == true)

            _ = try await store.makeExperiment("successor")
            #expect(try await datasets.evaluationDataset(id: "d-purge", project: "default")?.experimentIDs == [])
        }
    }

    @Test("a purged experiment takes its traces along, across several transactions; an experiment that later takes its id has none", arguments: StoreBackend.all)
    func purgedExperimentsLoseTheirTraces(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let purge = try Self.purger(store)
            let traces = try #require(store as? any TraceStore)
            // The newest experiment, so a store that hands out the highest id + 1 gives its id to the next one.
            let gone = try await store.makeExperiment("gone")
            let count = Limits.gcTracesPerTransaction + 50
            for index in 0..<count {
                _ = try await traces.startTrace(TraceInfo(
                    id: "tr-\(index)", experimentID: gone, requestTime: Int64(index), executionDuration: 1, state: .ok, clientRequestID: nil,
                    requestPreview: nil, responsePreview: nil, metadata: [KeyValue(key: "m", value: "v")], tags: [Tag(key: "k", value: "v")],
                    assessments: []))
            }
            try await traces.logSpans(TraceSpanGroup.grouping([IngestedSpan(span: TraceSpan(
                traceID: "tr-0", spanID: "01", parentSpanID: nil, name: "root", startTimeNanos: 0, endTimeNanos: 1, statusCode: 1, spanType: nil,
                content: #"{"span_id": "01"}"#))]), experimentID: gone)
            try await store.setExperimentLifecycle(id: gone, to: .deleted, at: 700)
            #expect(try await purge.purgeExperiment(id: gone) == true)

            let successor = try await store.makeExperiment("successor")
            #expect(try await traces.searchTraces(TraceQuery(experimentIDs: [successor, gone], filter: .matchAll)).traces.isEmpty)
            #expect(try await traces.traceInfos(ids: (0..<count).map { "tr-\($0)" }).isEmpty)
            #expect(try await traces.spans(traceID: "tr-0").isEmpty)
        }
    }
}
