import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: runs")
struct RunContractTests {
    @Test("a created run reads back with its info and tags", arguments: StoreBackend.all)
    func createAndRead(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment, name: "first", startTime: 42)
            let run = try #require(try await store.run(id: runID))
            #expect(run.info.runName == "first")
            #expect(run.info.startTime == 42)
            #expect(run.info.endTime == nil)
            #expect(run.info.status == .running)
            #expect(run.tags == [Tag(key: ReservedTag.runName, value: "first")])
            #expect(try await store.run(id: "nope") == nil)
        }
    }

    @Test("a run cannot be created in a deleted experiment", arguments: StoreBackend.all)
    func deletedExperiment(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let id = try await store.makeExperiment("gone")
            try await store.setExperimentLifecycle(id: id, to: .deleted, at: 1)
            await #expect(performing: { _ = try await store.makeRun(in: id) }, throws: isRefusal(StoreError.notActive(.experiment(id), stage: .deleted)))
        }
    }

    @Test("update applies only the fields given and a new name rewrites the runName tag", arguments: StoreBackend.all)
    func update(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            let info = try await store.updateRun(id: runID, RunUpdate(status: .finished, endTime: 99))
            #expect(info.status == .finished)
            #expect(info.endTime == 99)
            #expect(info.runName == "run")
            _ = try await store.updateRun(id: runID, RunUpdate(name: "renamed"))
            let run = try #require(try await store.run(id: runID))
            #expect(run.info.runName == "renamed")
            #expect(run.info.status == .finished)
            #expect(run.tags.first { $0.key == ReservedTag.runName }?.value == "renamed")
        }
    }

    @Test("deleted runs refuse writes until restored", arguments: StoreBackend.all)
    func deletedRuns(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            try await store.setRunLifecycle(id: runID, to: .deleted, at: 3)
            await #expect(performing: { try await store.logBatch(runID: runID, RunBatch(params: [Param(key: "p", value: "1")])) },
                          throws: isRefusal(StoreError.notActive(.run(id: runID), stage: .deleted)))
            #expect(try await store.run(id: runID)?.info.lifecycleStage == .deleted)
            try await store.setRunLifecycle(id: runID, to: .active, at: 4)
            try await store.logBatch(runID: runID, RunBatch(params: [Param(key: "p", value: "1")]))
        }
    }

    @Test("a single metric, param or tag for a missing or deleted run, or a changed param alone, writes nothing", arguments: StoreBackend.all)
    func singleWritesRefused(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: runID, RunBatch(metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)], params: [Param(key: "p", value: "1")]))
            await #expect(throws: ParamValueConflict(runID: runID, changes: [.init(key: "p", oldValue: "1", newValue: "2")])) {
                try await store.logBatch(runID: runID, RunBatch(params: [Param(key: "p", value: "2")]))
            }
            await #expect(performing: { try await store.logBatch(runID: "missing", RunBatch(metrics: [Metric(key: "m", value: 2, timestamp: 2, step: 1)])) },
                          throws: isRefusal(StoreError.notFound(.run(id: "missing"))))
            try await store.setRunLifecycle(id: runID, to: .deleted, at: 3)
            for batch in [RunBatch(metrics: [Metric(key: "m", value: 2, timestamp: 2, step: 1)]), RunBatch(tags: [Tag(key: "t", value: "v")])] {
                await #expect(performing: { try await store.logBatch(runID: runID, batch) },
                              throws: isRefusal(StoreError.notActive(.run(id: runID), stage: .deleted)))
            }
            let run = try #require(try await store.run(id: runID))
            #expect(run.params == [Param(key: "p", value: "1")])
            #expect(run.latestMetrics == [Metric(key: "m", value: 1, timestamp: 1, step: 0)])
            #expect(!run.tags.contains { $0.key == "t" })
        }
    }

    @Test("a batch writes params, tags and the latest metric per key", arguments: StoreBackend.all)
    func batch(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: runID, RunBatch(
                metrics: [
                    Metric(key: "loss", value: 0.9, timestamp: 10, step: 0),
                    Metric(key: "loss", value: 0.5, timestamp: 11, step: 2),
                    Metric(key: "loss", value: 0.7, timestamp: 12, step: 1),
                    Metric(key: "acc", value: .nan, timestamp: 10, step: 0),
                ],
                params: [Param(key: "lr", value: "0.1")], tags: [Tag(key: "t", value: "x")]))
            // A later batch with an older step must not move the latest value back.
            try await store.logBatch(runID: runID, RunBatch(metrics: [Metric(key: "loss", value: 0.1, timestamp: 99, step: 1)]))
            let run = try #require(try await store.run(id: runID))
            #expect(run.params == [Param(key: "lr", value: "0.1")])
            #expect(run.tags.contains(Tag(key: "t", value: "x")))
            let loss = try #require(run.latestMetrics.first { $0.key == "loss" })
            #expect(loss == Metric(key: "loss", value: 0.5, timestamp: 11, step: 2))
            let acc = try #require(run.latestMetrics.first { $0.key == "acc" })
            #expect(acc.value.isNaN)
        }
    }

    @Test("re-logging a param with the same value is fine; a new value is a conflict and writes nothing", arguments: StoreBackend.all)
    func paramImmutability(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: runID, RunBatch(params: [Param(key: "p", value: "1")]))
            try await store.logBatch(runID: runID, RunBatch(params: [Param(key: "p", value: "1")]))
            await #expect(throws: ParamValueConflict(runID: runID, changes: [.init(key: "p", oldValue: "1", newValue: "2")])) {
                try await store.logBatch(runID: runID, RunBatch(
                    metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)], params: [Param(key: "p", value: "2")],
                    tags: [Tag(key: "t", value: "v")]))
            }
            let run = try #require(try await store.run(id: runID))
            #expect(run.latestMetrics.isEmpty)
            #expect(!run.tags.contains { $0.key == "t" })
            let history = try await store.metricHistory(runID: runID, key: "m", limit: nil, after: nil)
            #expect(history.metrics.isEmpty)
        }
    }

    @Test("tags overwrite and deleting a missing tag is RESOURCE_DOES_NOT_EXIST", arguments: StoreBackend.all)
    func runTags(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: runID, RunBatch(tags: [Tag(key: "t", value: "1")]))
            try await store.logBatch(runID: runID, RunBatch(tags: [Tag(key: "t", value: "2")]))
            #expect(try await store.run(id: runID)?.tags.first { $0.key == "t" }?.value == "2")
            try await store.deleteRunTag(runID: runID, key: "t")
            await #expect(performing: { try await store.deleteRunTag(runID: runID, key: "t") }, throws: isRefusal(StoreError.notFound(.runTag(run: runID, key: "t"))))
        }
    }

    @Test("inputs are de-duplicated per experiment, model inputs kept once each by id, and outputs are kept", arguments: StoreBackend.all)
    func inputsAndOutputs(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            let input = DatasetInput(
                dataset: Dataset(name: "d", digest: "abc", sourceType: "code", source: "{}", schema: nil, profile: "{\"rows\": 3}"),
                tags: [Tag(key: ReservedTag.datasetContext, value: "train")])
            try await store.logInputs(runID: runID, datasets: [input], models: [ModelInput(modelID: "m-2")])
            try await store.logInputs(runID: runID, datasets: [input], models: [ModelInput(modelID: "m-1"), ModelInput(modelID: "m-2")])
            try await store.logOutputs(runID: runID, models: [ModelOutput(modelID: "m-1", step: 3)])
            let run = try #require(try await store.run(id: runID))
            #expect(run.datasetInputs == [input])
            #expect(run.modelInputs == [ModelInput(modelID: "m-1"), ModelInput(modelID: "m-2")])
            #expect(run.modelOutputs == [ModelOutput(modelID: "m-1", step: 3)])
        }
    }
}
