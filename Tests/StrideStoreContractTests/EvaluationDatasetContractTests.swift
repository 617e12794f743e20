import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: evaluation datasets")
struct EvaluationDatasetContractTests {
    @Test("a created dataset carries its tags, experiments and creator, and only its project finds it", arguments: StoreBackend.all)
    func createAndGet(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("e1")
            let created = try await store.makeDataset(
                "d-1", name: "qa", tags: [Tag(key: "team", value: "ml"), Tag(key: "env", value: "dev")],
                experiments: [experiment, .defaultExperiment], createdBy: "alice")
            #expect(created.name == "qa")
            #expect(created.tags == [Tag(key: "env", value: "dev"), Tag(key: "team", value: "ml")])
            #expect(created.experimentIDs == [.defaultExperiment, experiment])
            #expect(created.createdBy == "alice")
            #expect(created.lastUpdatedBy == "alice")
            #expect(created.schema == nil)
            #expect(created.profile == nil)
            #expect(created.digest == "digest-1000")
            #expect(try await store.evaluationDataset(id: "d-1", project: "default") == created)
            _ = try await store.createProject(named: "other", at: 1)
            #expect(try await store.evaluationDataset(id: "d-1", project: "other") == nil)
            #expect(try await store.evaluationDataset(id: "d-missing", project: "default") == nil)
            await #expect(
                performing: { try await store.setEvaluationDatasetTags(id: "d-1", project: "other", tags: []) },
                throws: isRefusal(StoreError.notFound(.evaluationDataset(id: "d-1"))))
            await #expect(
                performing: { _ = try await store.makeDataset("d-2", name: "x", project: "nowhere") },
                throws: isRefusal(StoreError.notFound(.project(name: "nowhere"))))
        }
    }

    @Test("tags overwrite by key; deleting a tag or dataset that is not there is fine", arguments: StoreBackend.all)
    func tagsAndDelete(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.makeDataset("d-1", name: "qa", tags: [Tag(key: "a", value: "1"), Tag(key: "b", value: "2")])
            try await store.setEvaluationDatasetTags(id: "d-1", project: "default", tags: [Tag(key: "a", value: "3"), Tag(key: "c", value: "4")])
            try await store.deleteEvaluationDatasetTag(id: "d-1", project: "default", key: "b")
            try await store.deleteEvaluationDatasetTag(id: "d-1", project: "default", key: "never")
            try await store.deleteEvaluationDatasetTag(id: "d-x", project: "default", key: "a")
            let dataset = try #require(try await store.evaluationDataset(id: "d-1", project: "default"))
            #expect(dataset.tags == [Tag(key: "a", value: "3"), Tag(key: "c", value: "4")])
            try await store.deleteEvaluationDataset(id: "d-1", project: "default")
            try await store.deleteEvaluationDataset(id: "d-1", project: "default")
            #expect(try await store.evaluationDataset(id: "d-1", project: "default") == nil)
        }
    }

    @Test("experiment links are added once, removed idempotently, and stamp the update time only on a change", arguments: StoreBackend.all)
    func experimentLinks(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let first = try await store.makeExperiment("e1")
            let second = try await store.makeExperiment("e2")
            try await store.makeDataset("d-1", name: "qa", experiments: [first])
            var dataset = try await store.addEvaluationDatasetExperiments(id: "d-1", project: "default", experimentIDs: [first, second], at: 2000)
            #expect(dataset.experimentIDs == [first, second])
            #expect(dataset.lastUpdateTime == 2000)
            dataset = try await store.removeEvaluationDatasetExperiments(id: "d-1", project: "default", experimentIDs: [ExperimentID(77)], at: 3000)
            #expect(dataset.experimentIDs == [first, second])
            #expect(dataset.lastUpdateTime == 2000)
            dataset = try await store.removeEvaluationDatasetExperiments(id: "d-1", project: "default", experimentIDs: [first], at: 4000)
            #expect(dataset.experimentIDs == [second])
            #expect(dataset.lastUpdateTime == 4000)
            await #expect(
                performing: { _ = try await store.addEvaluationDatasetExperiments(id: "d-x", project: "default", experimentIDs: [first], at: 1) },
                throws: isRefusal(StoreError.notFound(.evaluationDataset(id: "d-x"))))
        }
    }

    @Test("search filters by experiment, name, time and tag, orders as asked, ties by id descending, and pages", arguments: StoreBackend.all)
    func search(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("e1")
            try await store.makeDataset("d-1", name: "beta", tags: [Tag(key: "team", value: "ml")], experiments: [experiment], at: 100)
            try await store.makeDataset("d-2", name: "alpha", tags: [Tag(key: "team", value: "data")], at: 200)
            try await store.makeDataset("d-3", name: "gamma", tags: [Tag(key: "team", value: "ml")], experiments: [experiment], at: 200)
            _ = try await store.createProject(named: "other", at: 1)
            try await store.makeDataset("d-4", name: "alpha", project: "other", at: 300)

            func ids(_ query: EvaluationDatasetQuery) async throws -> [String] {
                try await store.searchEvaluationDatasets(query).items.map(\.id)
            }
            #expect(try await ids(EvaluationDatasetQuery(project: "default")) == ["d-3", "d-2", "d-1"])
            #expect(try await ids(EvaluationDatasetQuery(project: "default", experimentIDs: [experiment])) == ["d-3", "d-1"])
            let byName = try EvaluationDatasetFilter.parseOrder(["name ASC"])
            #expect(try await ids(EvaluationDatasetQuery(project: "default", order: byName)) == ["d-2", "d-1", "d-3"])
            let mlTeam = try EvaluationDatasetFilter.parse("tags.team = 'ml' AND created_time >= 150")
            #expect(try await ids(EvaluationDatasetQuery(project: "default", filter: mlTeam)) == ["d-3"])
            let names = try EvaluationDatasetFilter.parse("name IN ('alpha', 'beta') AND name LIKE '%a'")
            #expect(try await ids(EvaluationDatasetQuery(project: "default", filter: names)) == ["d-2", "d-1"])
            #expect(try await ids(EvaluationDatasetQuery(project: "other")) == ["d-4"])

            let first = try await store.searchEvaluationDatasets(EvaluationDatasetQuery(project: "default", maxResults: 2))
            #expect(first.items.map(\.id) == ["d-3", "d-2"])
            #expect(first.nextOffset == 2)
            let second = try await store.searchEvaluationDatasets(EvaluationDatasetQuery(project: "default", maxResults: 2, offset: 2))
            #expect(second.items.map(\.id) == ["d-1"])
            #expect(second.nextOffset == nil)
        }
    }

    @Test("records upsert by inputs: new inputs insert, known inputs merge expectations and tags; schema, profile and digest follow", arguments: StoreBackend.all)
    func upsertRecords(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.makeDataset("d-1", name: "qa")
            let first = try await store.upsert("d-1", at: 2000, [
                record(#"{"inputs": {"q": "a"}, "expectations": {"x": 1}, "tags": {"mlflow.user": "bob"}}"#),
                record(#"{"inputs": {"q": "b"}, "outputs": "o", "source": {"source_type": "trace", "source_data": {"trace_id": "tr-1"}}}"#),
            ])
            #expect(first.inserted == 2)
            #expect(first.updated == 0)
            let second = try await store.upsert("d-1", at: 3000, [
                record(#"{"inputs": {"q": "a"}, "expectations": {"y": 2}, "tags": {"k": "v"}}"#),
                record(#"{"inputs": {"q": "c"}}"#),
                record(#"{"inputs": {"q": "c"}, "outputs": null}"#),
            ])
            #expect(second.inserted == 1)
            #expect(second.updated == 2)

            let dataset = try #require(try await store.evaluationDataset(id: "d-1", project: "default"))
            #expect(dataset.profile == #"{"num_records": 3}"#)
            #expect(dataset.digest == "digest-3000")
            #expect(dataset.lastUpdateTime == 3000)
            #expect(dataset.lastUpdatedBy == nil)
            #expect(dataset.schema == #"{"inputs": {"q": "string"}, "outputs": "string", "expectations": {"x": "integer", "y": "integer"}, "version": "1.0"}"#)

            let records = try await store.evaluationDatasetRecords(id: "d-1", project: "default", limit: 10, after: nil).records
            let byInputs = Dictionary(uniqueKeysWithValues: records.map { ($0.inputs, $0) })
            let a = try #require(byInputs[#"{"q": "a"}"#])
            #expect(a.expectations == #"{"x": 1, "y": 2}"#)
            #expect(a.tags == #"{"mlflow.user": "bob", "k": "v"}"#)
            #expect(a.outputs == "{}")
            #expect(a.createdBy == "bob")
            #expect(a.creationTime == 2000)
            #expect(a.lastUpdateTime == 3000)
            let b = try #require(byInputs[#"{"q": "b"}"#])
            #expect(b.outputs == #""o""#)
            #expect(b.source == DatasetRecordSource(type: "TRACE", json: #"{"source_type": "TRACE", "source_data": {"trace_id": "tr-1"}}"#, sourceID: "tr-1"))
            let c = try #require(byInputs[#"{"q": "c"}"#])
            #expect(c.outputs == nil)
            #expect(c.expectations == nil)
            await #expect(
                performing: { _ = try await store.upsert("d-x", at: 1, []) }, throws: isRefusal(StoreError.notFound(.evaluationDataset(id: "d-x"))))
        }
    }

    @Test("records page in (creation time, id) order with a cursor; deleting records updates the profile", arguments: StoreBackend.all)
    func pageAndDeleteRecords(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            try await store.makeDataset("d-1", name: "qa")
            _ = try await store.upsert("d-1", at: 2000, (0..<3).map { record(#"{"inputs": {"i": \#($0)}}"#) })
            _ = try await store.upsert("d-1", at: 1000, [record(#"{"inputs": {"i": 9}}"#)])
            var seen: [DatasetRecord] = []
            var cursor: DatasetRecordCursor?
            repeat {
                let page = try await store.evaluationDatasetRecords(id: "d-1", project: "default", limit: 3, after: cursor)
                seen += page.records
                cursor = page.next
            } while cursor != nil
            #expect(seen.count == 4)
            #expect(seen[0].inputs == #"{"i": 9}"#)
            #expect(seen.dropFirst().map(\.id) == seen.dropFirst().map(\.id).sorted())

            let deleted = try await store.deleteEvaluationDatasetRecords(id: "d-1", project: "default", recordIDs: [seen[0].id, seen[1].id, "dr-missing"])
            #expect(deleted == 2)
            #expect(try await store.evaluationDataset(id: "d-1", project: "default")?.profile == #"{"num_records": 2}"#)
            #expect(try await store.deleteEvaluationDatasetRecords(id: "d-1", project: "default", recordIDs: [seen[0].id]) == 0)
            try await store.deleteEvaluationDataset(id: "d-1", project: "default")
            await #expect(
                performing: { _ = try await store.evaluationDatasetRecords(id: "d-1", project: "default", limit: 1, after: nil) },
                throws: isRefusal(StoreError.notFound(.evaluationDataset(id: "d-1"))))
        }
    }

    @Test("deleting a project deletes its datasets", arguments: StoreBackend.all)
    func projectDeletion(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.createProject(named: "other", at: 1)
            try await store.makeDataset("d-1", name: "qa", project: "other")
            _ = try await store.upsert("d-1", project: "other", at: 2, [record(#"{"inputs": {"q": 1}}"#)])
            try await store.deleteProject(named: "other")
            _ = try await store.createProject(named: "other", at: 3)
            #expect(try await store.evaluationDataset(id: "d-1", project: "other") == nil)
        }
    }
}

private func record(_ json: String) -> DatasetRecordChange {
    (try? DatasetRecordChange.parseList("[" + json + "]").first) ?? DatasetRecordChange(inputs: .object([]))
}

extension EvaluationDatasetStore {
    @discardableResult
    fileprivate func makeDataset(
        _ id: String, name: String, tags: [StrideDomain.Tag] = [], experiments: [ExperimentID] = [], project: String = "default", createdBy: String? = nil,
        at time: Int64 = 1000
    ) async throws -> EvaluationDataset {
        try await createEvaluationDataset(NewEvaluationDataset(
            id: id, project: project, name: name, tags: tags, experimentIDs: experiments, digest: "digest-\(time)", creationTime: time,
            createdBy: createdBy))
    }

    /// Upserts `changes` with their inputs' text standing in for the hash the service computes.
    fileprivate func upsert(_ id: String, project: String = "default", at time: Int64, _ changes: [DatasetRecordChange]) async throws
        -> (inserted: Int, updated: Int)
    {
        try await upsertEvaluationDatasetRecords(id: id, project: project, DatasetRecordsUpsert(
            items: changes.map { .init(change: $0, inputHash: $0.inputsKeyText, newID: DatasetRecord.makeID()) }, time: time,
            digest: "digest-\(time)"))
    }
}
