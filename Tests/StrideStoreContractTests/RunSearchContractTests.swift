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
                        view: ViewType = .activeOnly, max: Int = 100, after: RunSearchCursor? = nil) async throws -> RunPage {
        try await search(store, [experiment], filter, order: order, view: view, max: max, after: after)
    }

    private func search(_ store: any TrackingStore, _ experiments: [ExperimentID], _ filter: String = "", order: [String] = [],
                        view: ViewType = .activeOnly, max: Int = 100, after: RunSearchCursor? = nil) async throws -> RunPage {
        try await store.searchRuns(RunQuery(
            experimentIDs: experiments, filter: try RunFilterClause.parse(filter), order: try RunOrder.parse(order),
            viewType: view, maxResults: max, after: after))
    }

    /// The names of the runs a filter matches.
    private func matching(_ store: any TrackingStore, _ experiment: ExperimentID, _ filter: String) async throws -> Set<String> {
        Set(try await search(store, experiment, filter).runs.map(\.info.runName))
    }

    /// Every run of a search, page by page, following the cursors.
    private func allPages(_ store: any TrackingStore, _ experiment: ExperimentID, _ filter: String = "", order: [String] = [],
                          max: Int, between: () async throws -> Void = {}) async throws -> [String] {
        var seen: [String] = []
        var cursor: RunSearchCursor?
        repeat {
            let page = try await search(store, experiment, filter, order: order, max: max, after: cursor)
            seen += page.runs.map(\.info.runName)
            cursor = page.next
            try await between()
        } while cursor != nil
        return seen
    }

    @Test("filters on metrics, params, tags and attributes", arguments: StoreBackend.all)
    func filters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            func names(_ filter: String) async throws -> Set<String> { try await matching(store, experiment, filter) }
            #expect(try await names("metrics.loss < 0.25") == ["run-0", "run-1"])
            // NaN is unequal to everything (run-3), as in MLflow; a run without the metric (run-4) matches nothing.
            #expect(try await names("metrics.loss != 0.1") == ["run-1", "run-2", "run-3"])
            #expect(try await names("params.kind = 'even'") == ["run-0", "run-2", "run-4"])
            #expect(try await names("params.kind IS NULL") == ["run-1", "run-3"])
            #expect(try await names("tags.group LIKE 'a'").isEmpty)
            #expect(try await names("tags.group ILIKE 'a'") == ["run-0", "run-1"])
            #expect(try await names("attributes.run_name = 'run-4'") == ["run-4"])
            #expect(try await names("start_time >= 103 AND metrics.acc > 3") == ["run-4"])
            #expect(try await names("run_id IN ('\(ids[1])', '\(ids[2])')") == ["run-1", "run-2"])
            #expect(try await names("status = 'RUNNING'").count == 5)
            #expect(try await names("dataset.name = 'none'").isEmpty)
        }
    }

    @Test("OR, NOT, parentheses and IN on params and tags", arguments: StoreBackend.all)
    func booleanFilters(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, _) = try await fixture(store)
            func names(_ filter: String) async throws -> Set<String> { try await matching(store, experiment, filter) }
            #expect(try await names("metrics.loss < 0.15 OR tags.group = 'b'") == ["run-0", "run-2", "run-3", "run-4"])
            #expect(try await names("metrics.acc > 3 OR metrics.acc < 1 AND params.kind = 'even'") == ["run-0", "run-4"])
            #expect(try await names("(metrics.acc > 3 OR metrics.acc < 1) AND tags.group = 'A'") == ["run-0"])
            // Plain negation: a run without the param matches NOT of a comparison on it.
            #expect(try await names("NOT params.kind = 'even'") == ["run-1", "run-3"])
            #expect(try await names("NOT (metrics.loss < 0.25 OR tags.group = 'b')") == [])
            #expect(try await names("NOT end_time > 0") == ["run-0", "run-1", "run-2", "run-3", "run-4"])
            #expect(try await names("tags.group IN ('A', 'x')") == ["run-0", "run-1"])
            // Like `!=`, NOT IN needs the key: runs lacking the param do not match.
            #expect(try await names("params.kind NOT IN ('odd')") == ["run-0", "run-2", "run-4"])
        }
    }

    @Test("ordering puts NaN and missing values last in both directions; the default is newest first", arguments: StoreBackend.all)
    func ordering(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, _) = try await fixture(store)
            let ascending = try await search(store, experiment, order: ["metrics.loss ASC"]).runs.map(\.info.runName)
            #expect(ascending == ["run-0", "run-1", "run-2", "run-3", "run-4"])
            let descending = try await search(store, experiment, order: ["metrics.loss DESC"]).runs.map(\.info.runName)
            #expect(descending == ["run-2", "run-1", "run-0", "run-3", "run-4"])
            let byDefault = try await search(store, experiment).runs.map(\.info.runName)
            #expect(byDefault == ["run-4", "run-3", "run-2", "run-1", "run-0"])
            let byParam = try await search(store, experiment, order: ["params.kind DESC", "run_name ASC"]).runs.map(\.info.runName)
            #expect(byParam == ["run-0", "run-2", "run-4", "run-1", "run-3"])
        }
    }

    @Test("ties on every order key fall back to start time, then run id", arguments: StoreBackend.all)
    func ties(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("ties")
            for (id, start) in [("c", 5), ("a", 5), ("b", 9), ("d", 1)] {
                _ = try await store.makeRun(in: experiment, id: String(repeating: id, count: 32), name: id, startTime: Int64(start))
            }
            #expect(try await search(store, experiment).runs.map(\.info.runName) == ["b", "a", "c", "d"])
            #expect(try await search(store, experiment, order: ["status"]).runs.map(\.info.runName) == ["b", "a", "c", "d"])
            #expect(try await search(store, experiment, order: ["start_time ASC"]).runs.map(\.info.runName) == ["d", "a", "c", "b"])
        }
    }

    @Test("paging visits every run once in every ordering, across NaN and missing values", arguments: StoreBackend.all)
    func paging(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, _) = try await fixture(store)
            for order in [[], ["metrics.loss ASC"], ["metrics.loss DESC", "run_name"], ["params.kind"], ["tags.group DESC"],
                          ["end_time"], ["run_name DESC"], ["metrics.missing"]] {
                let whole = try await search(store, experiment, order: order).runs.map(\.info.runName)
                for size in 1...3 {
                    #expect(try await allPages(store, experiment, order: order, max: size) == whole, "order \(order), page size \(size)")
                }
            }
            #expect(try await allPages(store, experiment, "metrics.loss < 1", order: ["metrics.loss DESC"], max: 1) == ["run-2", "run-1", "run-0"])
        }
    }

    @Test("a cursor holds the last run's value of each order key, and a cursor of another order is refused", arguments: StoreBackend.all)
    func cursorValues(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            let first = try await search(store, experiment, order: ["metrics.loss"], max: 1)
            #expect(first.next == RunSearchCursor(values: [.number(0.1), .time(100), .text(ids[0])]))
            let nan = try await search(store, experiment, order: ["metrics.loss"], max: 4)
            #expect(nan.next == RunSearchCursor(values: [.nan, .time(103), .text(ids[3])]))
            let byGroup = try await search(store, experiment, order: ["params.kind DESC", "tags.group"], max: 4)
            #expect(byGroup.next == RunSearchCursor(values: [.missing, .text("A"), .time(101), .text(ids[1])]))
            await #expect(
                performing: { _ = try await search(store, experiment, order: ["params.kind"], after: first.next) },
                throws: isRefusal(.cursorMismatch))
        }
    }

    @Test("runs created while a client pages are neither repeated nor make it skip a run", arguments: StoreBackend.all)
    func pagingWhileRunsArrive(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, _) = try await fixture(store)
            var created = 0
            let seen = try await allPages(store, experiment, max: 2) {
                created += 1
                _ = try await store.makeRun(in: experiment, name: "late-\(created)", startTime: Int64(1000 + created))
            }
            #expect(seen == ["run-4", "run-3", "run-2", "run-1", "run-0"])
        }
    }

    @Test("several experiments are searched at once; view types select by lifecycle", arguments: StoreBackend.all)
    func experimentsAndViews(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            let other = try await store.makeExperiment("other")
            _ = try await store.makeRun(in: other, name: "elsewhere", startTime: 50)
            #expect(try await search(store, [experiment, other]).runs.map(\.info.runName).last == "elsewhere")
            #expect(try await search(store, [other]).runs.map(\.info.runName) == ["elsewhere"])
            try await store.setRunLifecycle(id: ids[0], to: .deleted, at: 9)
            #expect(try await search(store, experiment).runs.count == 4)
            #expect(try await search(store, experiment, view: .deletedOnly).runs.map(\.info.runID) == [ids[0]])
            #expect(try await search(store, experiment, view: .all).runs.count == 5)
        }
    }

    @Test("each returned run carries its params, tags and latest metrics", arguments: StoreBackend.all)
    func loadsData(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (experiment, ids) = try await fixture(store)
            let run = try #require(try await search(store, experiment, "attributes.run_id = '\(ids[0])'").runs.first)
            #expect(run.params == [Param(key: "kind", value: "even")])
            #expect(run.tags.contains(Tag(key: "group", value: "A")))
            #expect(Set(run.latestMetrics.map(\.key)) == ["acc", "loss"])
        }
    }
}
