import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: the experiment key summary")
struct ExperimentKeysContractTests {
    @Test("params, metrics and tags logged by any run are listed once, sorted, per experiment", arguments: StoreBackend.all)
    func keysFollowLogging(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let vision = try await store.makeExperiment("vision")
            let other = try await store.makeExperiment("other")
            let first = try await store.makeRun(in: vision)
            let second = try await store.makeRun(in: vision)
            try await store.logBatch(runID: first, RunBatch(
                metrics: [Metric(key: "loss", value: 1, timestamp: 1, step: 0), Metric(key: "loss", value: 0.5, timestamp: 2, step: 1)],
                params: [Param(key: "lr", value: "0.1")], tags: [Tag(key: "team", value: "a")]))
            try await store.logBatch(runID: second, RunBatch(
                metrics: [Metric(key: "acc", value: 1, timestamp: 1, step: 0)], params: [Param(key: "lr", value: "0.2"), Param(key: "batch", value: "8")]))
            try await store.logBatch(runID: try await store.makeRun(in: other), RunBatch(params: [Param(key: "elsewhere", value: "1")]))

            let keys = try await store.experimentKeys(experimentID: vision)
            #expect(keys.params == ["batch", "lr"])
            #expect(keys.metrics == ["acc", "loss"])
            #expect(keys.tags == [ReservedTag.runName, "team"].sorted(), "tags given at run creation count too")
            #expect(try await store.experimentKeys(experimentID: ExperimentID(999)) == ExperimentKeys())
        }
    }

    @Test("a refused batch leaves its keys out of the summary, and a later batch still adds them", arguments: StoreBackend.all)
    func refusedBatchAddsNoKeys(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("refusals")
            let run = try await store.makeRun(in: experiment)
            let point = Metric(key: "late", value: 1, timestamp: 1, step: 0)
            let refused = RunBatch(metrics: [point], modelMetrics: [ModelMetric(modelID: "m-missing", runID: run, metric: point)])
            await #expect(performing: { try await store.logBatch(runID: run, refused) }, throws: isRefusal(StoreError.notFound(.loggedModel(id: "m-missing"))))
            #expect(try await store.experimentKeys(experimentID: experiment).metrics.isEmpty)
            try await store.logBatch(runID: run, RunBatch(metrics: [point]))
            try await store.logBatch(runID: run, RunBatch(metrics: [Metric(key: "late", value: 2, timestamp: 2, step: 1)]))
            #expect(try await store.experimentKeys(experimentID: experiment).metrics == ["late"])
        }
    }
}
