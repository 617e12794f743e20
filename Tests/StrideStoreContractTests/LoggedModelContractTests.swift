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
                throws: isStrideError(.resourceDoesNotExist))
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
            #expect(try await store.loggedModels(experimentIDs: [.defaultExperiment]).isEmpty)
            await #expect(performing: { try await store.deleteLoggedModel(id: "m-1", at: 4000) }, throws: isStrideError(.resourceDoesNotExist))
            await #expect(
                performing: { _ = try await store.finalizeLoggedModel(id: "m-x", status: .ready, at: 1) }, throws: isStrideError(.resourceDoesNotExist))
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
            await #expect(performing: { try await store.deleteLoggedModelTag(id: "m-1", key: "a") }, throws: isStrideError(.resourceDoesNotExist))
            await #expect(
                performing: { try await store.setLoggedModelTags(id: "m-x", tags: [], at: 1) }, throws: isStrideError(.resourceDoesNotExist))
        }
    }

    @Test("listing returns the live models of the named experiments only", arguments: StoreBackend.all)
    func listing(backend: StoreBackend) async throws {
        try await withLoggedModels(backend) { store in
            try await store.makeLoggedModel("m-1")
            try await store.makeLoggedModel("m-2")
            #expect(Set(try await store.loggedModels(experimentIDs: [.defaultExperiment]).map(\.id)) == ["m-1", "m-2"])
            #expect(try await store.loggedModels(experimentIDs: [ExperimentID(42)]).isEmpty)
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
        _ id: String, experiment: ExperimentID = .defaultExperiment, tags: [StrideDomain.Tag] = [], params: [Param] = []
    ) async throws -> LoggedModel {
        try await createLoggedModel(NewLoggedModel(
            id: id, experimentID: experiment, name: "model", artifactURI: "mlflow-artifacts:/0/models/\(id)/artifacts", modelType: nil,
            sourceRunID: "run1", tags: tags, params: params, creationTime: 1000))
    }
}
