import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: run search")
struct RunSearchContractTests {
    /// Five runs with known values: loss 0.1...0.5 except run 3 (NaN) and run 4 (no loss).
    private func fixture(_ store: any TrackingStore) async throws -> (ExperimentID, [String]) {
        let experiment = try await store.makeExperiment("search")
        var ids: [String] = []
        for index in 0..<5 {
            let id = try await store.makeRun(in: experiment, name: "run-\(index)", startTime: Int64(100 + index))
            var metrics = [Metric(key: "acc", value: Double(index), timestamp: 1, step: 0)]
            if index == 3 { metrics.append(Metric(key: "loss", value: .nan, timestamp: 1, step: 0)) }
            if index < 3 { metrics.append(Metric(key: "loss", value: Double(index + 1) / 10, timestamp: 1, step: 0)) }
            try await store.logBatch(runID: id, RunBatch(
                metrics: metrics, params: index.isMultiple(of: 2) ? [Param(key: "kind", value: "even")] : [],
                tags: [Tag(key: "group", value: index < 2 ? "A" : "b")]))
            ids.append(id)
        }
        return (experiment, ids)
    }

    private func search(_ store: any TrackingStore, _ experiment: ExperimentID, _ filter: String = "", order: [String] = [],
                        view: ViewType = .activeOnly, max: Int = 100, offset: Int = 0) async throws -> ResultPage<Run> {
        try await store.searchRuns(RunQuery(
            experimentIDs: [experiment], filter: try RunFilterClause.parse(filter), order: try RunOrder.parse(order),
            viewType: view, maxResults: max, offset: offset))
    }

    @Test("filters on metrics, params, tags and attributes", arguments: StoreBackend.all)
    func filters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            func names(_ filter: String) async throws -> Set<String> {
                Set(try await search(store, experiment, filter).items.map(\.info.runName))
            }
            #expect(try await names("metrics.loss < 0.25") == ["run-0", "run-1"])
            #expect(try await names("metrics.loss != 0.1") == ["run-1", "run-2"])
            #expect(try await names("params.kind = 'even'") == ["run-0", "run-2", "run-4"])
            #expect(try await names("params.kind IS NULL") == ["run-1", "run-3"])
            #expect(try await names("tags.group LIKE 'a'").isEmpty)
            #expect(try await names("tags.group ILIKE 'a'") == ["run-0", "run-1"])
            #expect(try await names("attributes.run_name = 'run-4'") == ["run-4"])
            #expect(try await names("start_time >= 103 AND metrics.acc > 3") == ["run-4"])
            #expect(try await names("run_id IN ('\(ids[1])', '\(ids[2])')") == ["run-1", "run-2"])
            #expect(try await names("status = 'RUNNING'").count == 5)
        }
    }

    @Test("ordering puts NaN and missing values last in both directions; the default is newest first", arguments: StoreBackend.all)
    func ordering(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, _) = try await fixture(store)
            let ascending = try await search(store, experiment, order: ["metrics.loss ASC"]).items.map(\.info.runName)
            #expect(ascending == ["run-0", "run-1", "run-2", "run-3", "run-4"])
            let descending = try await search(store, experiment, order: ["metrics.loss DESC"]).items.map(\.info.runName)
            #expect(descending == ["run-2", "run-1", "run-0", "run-3", "run-4"])
            let byDefault = try await search(store, experiment).items.map(\.info.runName)
            #expect(byDefault == ["run-4", "run-3", "run-2", "run-1", "run-0"])
            let byParam = try await search(store, experiment, order: ["params.kind DESC", "run_name ASC"]).items.map(\.info.runName)
            #expect(byParam == ["run-0", "run-2", "run-4", "run-1", "run-3"])
        }
    }

    @Test("pages cover every run once and view types select by lifecycle", arguments: StoreBackend.all)
    func pagingAndViews(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            var seen: [String] = []
            var offset: Int? = 0
            while let current = offset {
                let page = try await search(store, experiment, max: 2, offset: current)
                seen += page.items.map(\.info.runID)
                offset = page.nextOffset
            }
            #expect(Set(seen) == Set(ids))
            #expect(seen.count == 5)
            try await store.setRunLifecycle(id: ids[0], to: .deleted, at: 9)
            #expect(try await search(store, experiment).items.count == 4)
            #expect(try await search(store, experiment, view: .deletedOnly).items.map(\.info.runID) == [ids[0]])
            #expect(try await search(store, experiment, view: .all).items.count == 5)
        }
    }

    @Test("each returned run carries its params, tags and latest metrics", arguments: StoreBackend.all)
    func loadsData(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            let run = try #require(try await search(store, experiment, "attributes.run_id = '\(ids[0])'").items.first)
            #expect(run.params == [Param(key: "kind", value: "even")])
            #expect(run.tags.contains(Tag(key: "group", value: "A")))
            #expect(Set(run.latestMetrics.map(\.key)) == ["acc", "loss"])
        }
    }
}
