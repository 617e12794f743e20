import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: logged models")
struct LoggedModelContractTests {
    @Test("a created model is pending, found by id, and carries its tags and params", arguments: StoreBackend.all)
    func createAndGet(backend: StoreBackend) async throws {
        try await withLoggedModels(backend) { store in
            let created = try await store.makeLoggedModel(
                "m-00000000000000000000000000000001", tags: [Tag(key: "t", value: "1")], params: [Param(key: "alpha", value: "0.5")])
            #expect(created.status == .pending)
            #expect(created.experimentID == .defaultExperiment)
            #expect(created.sourceRunID == "run1")
            let loaded = try #require(try await store.loggedModel(id: created.id, allowDeleted: false))
            #expect(loaded == created)
            #expect(loaded.tags == [Tag(key: "t", value: "1")])
            #expect(loaded.params == [Param(key: "alpha", value: "0.5")])
            #expect(try await store.loggedModel(id: "m-missing", allowDeleted: false) == nil)
            await #expect(
                performing: { _ = try await store.makeLoggedModel("m-2", experiment: ExperimentID(99)) },
                throws: isRefusal(StoreError.notFound(.experiment(ExperimentID(99)))))
        }
    }

    @Test("finalize sets the status; delete hides the model except with allowDeleted", arguments: StoreBackend.all)
    func finalizeAndDelete(backend: StoreBackend) async throws {
        try await withLoggedModels(backend) { store in
            let created = try await store.makeLoggedModel("m-1")
            let ready = try await store.finalizeLoggedModel(id: "m-1", status: .ready, at: 2000)
            #expect(ready.status == .ready)
            #expect(ready.lastUpdatedTime == 2000)
            #expect(ready.creationTime == created.creationTime)
            try await store.deleteLoggedModel(id: "m-1", at: 3000)
            #expect(try await store.loggedModel(id: "m-1", allowDeleted: false) == nil)
            #expect(try await store.loggedModel(id: "m-1", allowDeleted: true)?.id == "m-1")
            #expect(try await store.searchLoggedModels(LoggedModelQuery(experimentIDs: [.defaultExperiment])).items.isEmpty)
            await #expect(performing: { try await store.deleteLoggedModel(id: "m-1", at: 4000) }, throws: isRefusal(StoreError.notFound(.loggedModel(id: "m-1"))))
            await #expect(
                performing: { _ = try await store.finalizeLoggedModel(id: "m-x", status: .ready, at: 1) }, throws: isRefusal(StoreError.notFound(.loggedModel(id: "m-x"))))
        }
    }

    @Test("tags overwrite, delete-tag needs the tag, params are added", arguments: StoreBackend.all)
    func tagsAndParams(backend: StoreBackend) async throws {
        try await withLoggedModels(backend) { store in
            try await store.makeLoggedModel("m-1", tags: [Tag(key: "a", value: "1")])
            try await store.setLoggedModelTags(id: "m-1", tags: [Tag(key: "a", value: "2"), Tag(key: "b", value: "3")], at: 2)
            try await store.logLoggedModelParams(id: "m-1", params: [Param(key: "p", value: "x")], at: 3)
            var model = try #require(try await store.loggedModel(id: "m-1", allowDeleted: false))
            #expect(model.tags == [Tag(key: "a", value: "2"), Tag(key: "b", value: "3")])
            #expect(model.params == [Param(key: "p", value: "x")])
            try await store.deleteLoggedModelTag(id: "m-1", key: "a")
            model = try #require(try await store.loggedModel(id: "m-1", allowDeleted: false))
            #expect(model.tags == [Tag(key: "b", value: "3")])
            await #expect(performing: { try await store.deleteLoggedModelTag(id: "m-1", key: "a") }, throws: isRefusal(StoreError.notFound(.loggedModelTag(model: "m-1", key: "a"))))
            await #expect(
                performing: { try await store.setLoggedModelTags(id: "m-x", tags: [], at: 1) }, throws: isRefusal(StoreError.notFound(.loggedModel(id: "m-x"))))
        }
    }

    @Test("search returns the live models of the named experiments only, newest first", arguments: StoreBackend.all)
    func listing(backend: StoreBackend) async throws {
        try await withLoggedModels(backend) { store in
            try await store.makeLoggedModel("m-1", createdAt: 1000)
            try await store.makeLoggedModel("m-2", createdAt: 2000)
            #expect(try await store.search().ids == ["m-2", "m-1"])
            #expect(try await store.searchLoggedModels(LoggedModelQuery(experimentIDs: [ExperimentID(42)])).items.isEmpty)
        }
    }

    @Test("metrics logged with a model id are attached to the model, with run and dataset", arguments: StoreBackend.all)
    func modelMetrics(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let models = try #require(store as? any LoggedModelStore)
            try await models.makeLoggedModel("m-1")
            let run = try await store.makeRun(in: .defaultExperiment)
            let accuracy = Metric(key: "acc", value: 0.9, timestamp: 5, step: 1)
            let batch = RunBatch(
                metrics: [accuracy, Metric(key: "loss", value: 0.1, timestamp: 5, step: 1)],
                modelMetrics: [ModelMetric(modelID: "m-1", runID: run, metric: accuracy, datasetName: "eval", datasetDigest: "abc")])
            try await store.logBatch(runID: run, batch)
            try await store.logBatch(runID: run, batch)  // an exact repeat adds nothing
            let model = try #require(try await models.loggedModel(id: "m-1", allowDeleted: false))
            #expect(model.metrics == [ModelMetric(modelID: "m-1", runID: run, metric: accuracy, datasetName: "eval", datasetDigest: "abc")])

            let unknown = RunBatch(
                metrics: [Metric(key: "x", value: 1, timestamp: 6, step: 0)],
                modelMetrics: [ModelMetric(modelID: "m-missing", runID: run, metric: Metric(key: "x", value: 1, timestamp: 6, step: 0))])
            await #expect(performing: { try await store.logBatch(runID: run, unknown) }, throws: isRefusal(StoreError.notFound(.loggedModel(id: "m-missing"))))
            let history = try await store.metricHistory(runID: run, key: "x", limit: nil, after: nil)
            #expect(history.metrics.isEmpty, "a refused batch leaves no point behind")
        }
    }

    @Test("search filters on attributes, params, tags and any point of a metric", arguments: StoreBackend.all)
    func searchFilters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let models = try #require(store as? any LoggedModelStore)
            try await models.makeLoggedModel("m-a", name: "alpha", createdAt: 1, tags: [Tag(key: "team", value: "vision")], params: [Param(key: "depth", value: "3")])
            try await models.makeLoggedModel("m-b", name: "beta", createdAt: 2, tags: [Tag(key: "team", value: "nlp")], params: [Param(key: "depth", value: "5")])
            try await models.makeLoggedModel("m-c", name: "gamma", createdAt: 3)
            _ = try await models.finalizeLoggedModel(id: "m-b", status: .ready, at: 10)
            let run = try await store.makeRun(in: .defaultExperiment)
            try await store.logModelMetrics(run: run, [("m-a", "acc", 0.7, 1), ("m-a", "acc", 0.95, 2), ("m-b", "acc", 0.8, 1)])

            #expect(try await models.search("name = 'beta'").ids == ["m-b"])
            #expect(try await models.search("name LIKE '%a'").ids == ["m-c", "m-b", "m-a"])
            #expect(try await models.search("status = 'LOGGED_MODEL_READY'").ids == ["m-b"])
            #expect(try await models.search("creation_timestamp >= 2").ids == ["m-c", "m-b"])
            #expect(try await models.search("params.depth = '3'").ids == ["m-a"])
            #expect(try await models.search("tags.team IN ('nlp', 'vision')").ids == ["m-b", "m-a"])
            #expect(try await models.search("metrics.acc > 0.9").ids == ["m-a"], "any point of the key counts, not only the latest")
            #expect(try await models.search("metrics.acc < 0.75").ids == ["m-a"])
            #expect(try await models.search("metrics.acc > 0.75 AND tags.team = 'nlp'").ids == ["m-b"])
            #expect(try await models.search("NOT tags.team = 'nlp'").ids == ["m-c", "m-a"])
        }
    }

    @Test("search orders by a metric's latest point with missing values last, by attributes, and pages", arguments: StoreBackend.all)
    func searchOrderAndPaging(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let models = try #require(store as? any LoggedModelStore)
            for (index, id) in ["m-1", "m-2", "m-3", "m-4"].enumerated() {
                try await models.makeLoggedModel(id, name: "model-\(4 - index)", createdAt: Int64(index))
            }
            let run = try await store.makeRun(in: .defaultExperiment)
            // m-1's latest acc is 0.5 (a higher value came earlier); m-4 has none.
            try await store.logModelMetrics(run: run, [("m-1", "acc", 0.99, 1), ("m-1", "acc", 0.5, 2), ("m-2", "acc", 0.7, 1), ("m-3", "acc", 0.6, 1)])
            let byAcc = try LoggedModelFilter.Order(field: "metrics.acc", ascending: false)
            #expect(try await models.search(order: [byAcc]).ids == ["m-2", "m-3", "m-1", "m-4"])
            let byAccAscending = try LoggedModelFilter.Order(field: "metrics.acc", ascending: true)
            #expect(try await models.search(order: [byAccAscending]).ids == ["m-1", "m-3", "m-2", "m-4"])
            #expect(try await models.search(order: [try LoggedModelFilter.Order(field: "name", ascending: true)]).ids == ["m-4", "m-3", "m-2", "m-1"])

            let first = try await models.searchLoggedModels(LoggedModelQuery(experimentIDs: [.defaultExperiment], order: [byAcc], maxResults: 3))
            #expect(first.items.map(\.id) == ["m-2", "m-3", "m-1"])
            #expect(first.nextOffset == 3)
            let second = try await models.searchLoggedModels(
                LoggedModelQuery(experimentIDs: [.defaultExperiment], order: [byAcc], maxResults: 3, offset: 3))
            #expect(second.items.map(\.id) == ["m-4"])
            #expect(second.nextOffset == nil)
        }
    }

    @Test("the datasets clause restricts metric comparisons, or requires a point on the dataset", arguments: StoreBackend.all)
    func searchDatasets(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let models = try #require(store as? any LoggedModelStore)
            try await models.makeLoggedModel("m-1", createdAt: 1)
            try await models.makeLoggedModel("m-2", createdAt: 2)
            let run = try await store.makeRun(in: .defaultExperiment)
            let point = Metric(key: "acc", value: 0.9, timestamp: 1, step: 0)
            try await store.logBatch(runID: run, RunBatch(metrics: [point], modelMetrics: [
                ModelMetric(modelID: "m-1", runID: run, metric: point, datasetName: "train", datasetDigest: "d1"),
                ModelMetric(modelID: "m-2", runID: run, metric: point, datasetName: "test", datasetDigest: "d2"),
            ]))
            let test = try LoggedModelFilter.Dataset(name: "test", digest: nil)
            #expect(try await models.search("metrics.acc > 0.5", datasets: [test]).ids == ["m-2"])
            #expect(try await models.search(datasets: [try LoggedModelFilter.Dataset(name: "train", digest: "d1")]).ids == ["m-1"])
            #expect(try await models.search(datasets: [try LoggedModelFilter.Dataset(name: "train", digest: "other")]).ids.isEmpty)
        }
    }
}

private func withLoggedModels(_ backend: StoreBackend, _ body: (any LoggedModelStore) async throws -> Void) async throws {
    try await withStore(backend) { store in
        let models = try #require(store as? any LoggedModelStore, "the \(backend.name) store must also be a LoggedModelStore")
        try await body(models)
    }
}

extension LoggedModelStore {
    @discardableResult
    func makeLoggedModel(
        _ id: String, experiment: ExperimentID = .defaultExperiment, name: String = "model", createdAt: Int64 = 1000,
        tags: [StrideDomain.Tag] = [], params: [Param] = []
    ) async throws -> LoggedModel {
        try await createLoggedModel(NewLoggedModel(
            id: id, experimentID: experiment, name: name, artifactURI: "mlflow-artifacts:/0/models/\(id)/artifacts", modelType: nil,
            sourceRunID: "run1", tags: tags, params: params, creationTime: createdAt))
    }

    func search(
        _ filter: String = "", datasets: [LoggedModelFilter.Dataset] = [], order: [LoggedModelFilter.Order] = []
    ) async throws -> [LoggedModel] {
        try await searchLoggedModels(
            LoggedModelQuery(experimentIDs: [.defaultExperiment], filter: LoggedModelFilter.parse(filter), datasets: datasets, order: order)
        ).items
    }
}

extension TrackingStore {
    /// Logs `(model id, key, value, timestamp)` points to the run and to the models.
    func logModelMetrics(run: String, _ points: [(String, String, Double, Int64)]) async throws {
        let linked = points.map { model, key, value, time in
            ModelMetric(modelID: model, runID: run, metric: Metric(key: key, value: value, timestamp: time, step: 0))
        }
        try await logBatch(runID: run, RunBatch(metrics: linked.map(\.metric), modelMetrics: linked))
    }
}

extension [LoggedModel] {
    var ids: [String] { map(\.id) }
}
