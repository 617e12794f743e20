import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: experiments")
struct ExperimentContractTests {
    @Test("the Default experiment 0 exists after bootstrap", arguments: StoreBackend.all)
    func defaultExperiment(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try #require(try await store.experiment(id: .defaultExperiment))
            #expect(experiment.name == "Default")
            #expect(experiment.artifactLocation == "mlflow-artifacts:/0")
            #expect(experiment.project == "default")
        }
    }

    @Test("created experiments get sequential ids, derived locations and their tags", arguments: StoreBackend.all)
    func create(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let first = try await store.makeExperiment("a", tags: [Tag(key: "k", value: "v")])
            let second = try await store.makeExperiment("b")
            #expect(first == ExperimentID(1))
            #expect(second == ExperimentID(2))
            let loaded = try #require(try await store.experiment(named: "a", project: "default"))
            #expect(loaded.artifactLocation == "mlflow-artifacts:/1")
            #expect(loaded.tags == [Tag(key: "k", value: "v")])
            #expect(loaded.lifecycleStage == .active)
            #expect(try await store.experiment(named: "missing", project: "default") == nil)
        }
    }

    @Test("names stay reserved by deleted experiments", arguments: StoreBackend.all)
    func uniqueNames(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let id = try await store.makeExperiment("taken")
            try await store.setExperimentLifecycle(id: id, to: .deleted, at: 5)
            await #expect(performing: { _ = try await store.makeExperiment("taken") }, throws: isRefusal(StoreError.alreadyExists(.experimentNamed("taken"))))
            let other = try await store.makeExperiment("other")
            // MLflow reports a rename onto a taken name as BAD_REQUEST, unlike create.
            await #expect(performing: { try await store.renameExperiment(id: other, to: "taken", at: 6) }, throws: isRefusal(StoreError.alreadyExists(.experimentNamed("taken"))))
        }
    }

    @Test("deleting an experiment deletes its runs and restoring restores them", arguments: StoreBackend.all)
    func deleteCascades(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let id = try await store.makeExperiment("e")
            let runID = try await store.makeRun(in: id)
            try await store.setExperimentLifecycle(id: id, to: .deleted, at: 10)
            #expect(try await store.run(id: runID)?.info.lifecycleStage == .deleted)
            #expect(try await store.experiment(id: id)?.lifecycleStage == .deleted)
            try await store.setExperimentLifecycle(id: id, to: .active, at: 11)
            #expect(try await store.run(id: runID)?.info.lifecycleStage == .active)
        }
    }

    @Test("tags are upserted and deleted", arguments: StoreBackend.all)
    func tags(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let id = try await store.makeExperiment("e")
            try await store.setExperimentTag(id: id, tag: Tag(key: "k", value: "1"))
            try await store.setExperimentTag(id: id, tag: Tag(key: "k", value: "2"))
            #expect(try await store.experiment(id: id)?.tags == [Tag(key: "k", value: "2")])
            try await store.deleteExperimentTag(id: id, key: "k")
            #expect(try await store.experiment(id: id)?.tags == [])
            await #expect(performing: { try await store.setExperimentTag(id: ExperimentID(99), tag: Tag(key: "k", value: "v")) },
                          throws: isRefusal(StoreError.notFound(.experiment(ExperimentID(99)))))
        }
    }

    @Test("search filters by name and tags, orders, and pages without repeats", arguments: StoreBackend.all)
    func search(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            for index in 0..<7 {
                _ = try await store.makeExperiment("exp-\(index)", tags: index.isMultiple(of: 2) ? [Tag(key: "even", value: "yes")] : [], at: Int64(index))
            }
            _ = try await store.makeExperiment("Other", at: 100)
            func query(_ filter: String, order: [String] = [], max: Int = 100, offset: Int = 0, view: ViewType = .activeOnly) throws -> ExperimentQuery {
                ExperimentQuery(
                    project: "default", filter: try ExperimentFilterClause.parse(filter), order: try ExperimentOrder.parse(order),
                    viewType: view, maxResults: max, offset: offset)
            }
            let liked = try await store.searchExperiments(try query("name LIKE 'exp-%'", order: ["name ASC"]))
            #expect(liked.items.map(\.name) == (0..<7).map { "exp-\($0)" })
            #expect(liked.nextOffset == nil)
            #expect(try await store.searchExperiments(try query("name LIKE 'EXP-%'")).items.isEmpty)
            #expect(try await store.searchExperiments(try query("name ILIKE 'EXP-%'")).items.count == 7)
            let even = try await store.searchExperiments(try query("tags.even = 'yes'", order: ["name"]))
            #expect(even.items.map(\.name) == ["exp-0", "exp-2", "exp-4", "exp-6"])
            let noTag = try await store.searchExperiments(try query("tags.even IS NULL AND name != 'Default'", order: ["name"]))
            #expect(noTag.items.map(\.name) == ["Other", "exp-1", "exp-3", "exp-5"])

            var seen: [String] = []
            var offset = 0
            while true {
                let page = try await store.searchExperiments(try query("", max: 3, offset: offset))
                seen += page.items.map(\.name)
                guard let next = page.nextOffset else { break }
                offset = next
            }
            #expect(seen.count == 9)
            #expect(Set(seen).count == 9)
            // Default order is newest first.
            #expect(seen.first == "Other")
        }
    }
}
