import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: the web UI's browse queries")
struct BrowseContractTests {
    @Test("experiment summaries count the runs in the experiment's stage, match names in any case, most recently active first", arguments: StoreBackend.all)
    func experimentSummaries(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let quiet = try await store.makeExperiment("Quiet Vision", at: 5000)
            let busy = try await store.makeExperiment("busy vision", at: 2000)
            _ = try await store.makeRun(in: busy, startTime: 9000)
            let deletedRun = try await store.makeRun(in: busy, startTime: 3000)
            try await store.setRunLifecycle(id: deletedRun, to: .deleted, at: 9500)
            let gone = try await store.makeExperiment("gone vision", at: 1000)
            try await store.setExperimentLifecycle(id: gone, to: .deleted, at: 1500)

            let active = try await store.experimentSummaries(project: "default", nameContains: "VISION", viewType: .activeOnly, limit: 10)
            #expect(active == [
                ExperimentSummary(
                    id: busy, name: "busy vision", lifecycleStage: .active, creationTime: 2000, lastUpdateTime: 2000, runCount: 1,
                    lastRunStartTime: 9000),
                ExperimentSummary(
                    id: quiet, name: "Quiet Vision", lifecycleStage: .active, creationTime: 5000, lastUpdateTime: 5000, runCount: 0,
                    lastRunStartTime: nil),
            ])
            let deleted = try await store.experimentSummaries(project: "default", nameContains: "vision", viewType: .deletedOnly, limit: 10)
            #expect(deleted.map(\.id) == [gone])
            #expect(try await store.experimentSummaries(project: "default", nameContains: "", viewType: .all, limit: 2).map(\.id) == [busy, quiet])
            #expect(try await store.experimentSummaries(project: "elsewhere", nameContains: "", viewType: .all, limit: 10).isEmpty)
        }
    }

    @Test("runs come back by id in the order asked, unknown ids left out; child runs by their parent tag, oldest first", arguments: StoreBackend.all)
    func runsAndChildren(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("family")
            let parent = try await store.makeRun(in: experiment, name: "parent", startTime: 10)
            let late = try await store.makeRun(in: experiment, name: "late", startTime: 30)
            let early = try await store.makeRun(in: experiment, name: "early", startTime: 20)
            for child in [late, early] {
                try await store.logBatch(runID: child, RunBatch(tags: [Tag(key: ReservedTag.parentRunID, value: parent)]))
            }
            try await store.logBatch(runID: parent, RunBatch(params: [Param(key: "lr", value: "0.1")]))

            let loaded = try await store.runs(ids: [early, "unknown", parent])
            #expect(loaded.map(\.info.runName) == ["early", "parent"])
            #expect(loaded.last?.params == [Param(key: "lr", value: "0.1")])
            #expect(try await store.runs(ids: []).isEmpty)
            #expect(try await store.childRuns(of: parent, limit: 10).map(\.runName) == ["early", "late"])
            #expect(try await store.childRuns(of: parent, limit: 1).map(\.runName) == ["early"])
            #expect(try await store.childRuns(of: early, limit: 10).isEmpty)
        }
    }

    @Test("metric ranges leave NaN out; the value at a step is the point logged last at that step", arguments: StoreBackend.all)
    func metricAggregates(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let first = try await store.makeRun(in: .defaultExperiment)
            let second = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: first, RunBatch(metrics: [
                Metric(key: "loss", value: 0.9, timestamp: 1, step: 0),
                Metric(key: "loss", value: .nan, timestamp: 2, step: 1),
                Metric(key: "loss", value: 0.4, timestamp: 3, step: 1),
                Metric(key: "loss", value: 0.2, timestamp: 4, step: 2),
                Metric(key: "acc", value: 0.5, timestamp: 1, step: 1),
            ]))
            try await store.logBatch(runID: second, RunBatch(metrics: [Metric(key: "loss", value: .nan, timestamp: 1, step: 1)]))

            let ranges = try await store.metricRanges(runIDs: [first, second], keys: ["loss", "missing"])
                .sorted { ($0.runID == first ? 0 : 1) < ($1.runID == first ? 0 : 1) }
            #expect(ranges == [
                MetricRange(runID: first, key: "loss", min: 0.2, max: 0.9),
                MetricRange(runID: second, key: "loss", min: nil, max: nil),
            ])
            let atStep = try await store.metricValues(atStep: 1, runIDs: [first], keys: ["loss", "acc"]).sorted { $0.metric.key < $1.metric.key }
            #expect(atStep == [
                RunMetric(runID: first, metric: Metric(key: "acc", value: 0.5, timestamp: 1, step: 1)),
                RunMetric(runID: first, metric: Metric(key: "loss", value: 0.4, timestamp: 3, step: 1)),
            ])
            let nan = try await store.metricValues(atStep: 1, runIDs: [second], keys: ["loss"])
            #expect(nan.count == 1 && nan[0].metric.value.isNaN)
            #expect(try await store.metricValues(atStep: 7, runIDs: [first], keys: ["loss"]).isEmpty)
        }
    }
}
