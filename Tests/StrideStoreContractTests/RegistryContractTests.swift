import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: model registry")
struct RegistryContractTests {
    @Test("a created model is found by name, and its name is then taken", arguments: StoreBackend.all)
    func createAndGet(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            let created = try await store.makeModel("iris", tags: [Tag(key: "team", value: "vision")])
            #expect(created.creationTime == 1000)
            #expect(created.lastUpdatedTime == 1000)
            let loaded = try #require(try await store.registeredModel(named: "iris", project: "default"))
            #expect(loaded.tags == [Tag(key: "team", value: "vision")])
            #expect(loaded.project == "default")
            #expect(loaded.latestVersions.isEmpty)
            #expect(try await store.registeredModel(named: "missing", project: "default") == nil)
            await #expect(performing: { _ = try await store.makeModel("iris") }, throws: isRefusal(StoreError.alreadyExists(.registeredModel(name: "iris"))))
        }
    }

    @Test("versions are numbered per model from 1, and deleted numbers are never reused", arguments: StoreBackend.all)
    func versionNumbers(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("a")
            try await store.makeModel("b")
            #expect(try await store.makeVersion("a").version == 1)
            #expect(try await store.makeVersion("a").version == 2)
            #expect(try await store.makeVersion("b").version == 1)
            try await store.deleteModelVersion(model: "a", version: 2, project: "default", at: 2000)
            #expect(try await store.modelVersion(model: "a", version: 2, project: "default") == nil)
            #expect(try await store.makeVersion("a").version == 3)
            await #expect(performing: { _ = try await store.makeVersion("nobody") }, throws: isRefusal(StoreError.notFound(.registeredModel(name: "nobody"))))
        }
    }

    @Test("a version keeps the logged model it was registered from", arguments: StoreBackend.all)
    func versionKeepsItsLoggedModel(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("m")
            #expect(try await store.makeVersion("m", modelID: "m-0123").modelID == "m-0123")
            #expect(try await store.makeVersion("m").modelID == nil)
            #expect(try await store.modelVersion(model: "m", version: 1, project: "default")?.modelID == "m-0123")
            #expect(try await store.registeredModel(named: "m", project: "default")?.latestVersions.first?.modelID == nil)
        }
    }

    @Test("latest versions hold the newest live version of each stage", arguments: StoreBackend.all)
    func latestVersionsPerStage(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("m")
            for _ in 1...3 { try await store.makeVersion("m") }
            _ = try await store.transitionModelVersion(model: "m", version: 1, to: .production, archivingOthers: false, project: "default", at: 2)
            let model = try #require(try await store.registeredModel(named: "m", project: "default"))
            #expect(model.latestVersions.map(\.version) == [1, 3])
            #expect(model.latestVersions.map(\.stage) == [.production, .none])
        }
    }

    @Test("archiving existing versions moves only the target stage's other holders", arguments: StoreBackend.all)
    func archiveExisting(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("m")
            for _ in 1...3 { try await store.makeVersion("m") }
            _ = try await store.transitionModelVersion(model: "m", version: 1, to: .production, archivingOthers: false, project: "default", at: 2)
            _ = try await store.transitionModelVersion(model: "m", version: 2, to: .staging, archivingOthers: false, project: "default", at: 3)
            let promoted = try await store.transitionModelVersion(
                model: "m", version: 3, to: .production, archivingOthers: true, project: "default", at: 4)
            #expect(promoted.stage == .production)
            #expect(try await store.modelVersion(model: "m", version: 1, project: "default")?.stage == .archived)
            #expect(try await store.modelVersion(model: "m", version: 2, project: "default")?.stage == .staging)
        }
    }

    @Test("aliases point at one version, move, and go with a deleted version", arguments: StoreBackend.all)
    func aliases(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("m")
            for _ in 1...2 { try await store.makeVersion("m") }
            try await store.setAlias("champion", model: "m", version: 1, project: "default")
            try await store.setAlias("champion", model: "m", version: 2, project: "default")
            let target = try #require(try await store.modelVersion(alias: "champion", model: "m", project: "default"))
            #expect(target.version == 2)
            #expect(target.aliases == ["champion"])
            #expect(try await store.registeredModel(named: "m", project: "default")?.aliases == [ModelAlias(alias: "champion", version: 2)])
            #expect(try await store.modelVersion(alias: "nobody", model: "m", project: "default") == nil)
            await #expect(
                performing: { try await store.setAlias("x", model: "m", version: 9, project: "default") },
                throws: isRefusal(StoreError.notFound(.modelVersion(model: "m", version: 9))))
            try await store.deleteModelVersion(model: "m", version: 2, project: "default", at: 5)
            #expect(try await store.modelVersion(alias: "champion", model: "m", project: "default") == nil)
        }
    }

    @Test("a rename carries versions and aliases, and refuses a taken name", arguments: StoreBackend.all)
    func rename(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("old")
            try await store.makeModel("taken")
            try await store.makeVersion("old")
            try await store.setAlias("prod", model: "old", version: 1, project: "default")
            let renamed = try await store.renameRegisteredModel(named: "old", to: "new", project: "default", at: 7)
            #expect(renamed.name == "new")
            #expect(renamed.lastUpdatedTime == 7)
            #expect(try await store.modelVersion(model: "new", version: 1, project: "default")?.name == "new")
            #expect(try await store.modelVersion(alias: "prod", model: "new", project: "default")?.version == 1)
            #expect(try await store.registeredModel(named: "old", project: "default") == nil)
            await #expect(
                performing: { _ = try await store.renameRegisteredModel(named: "new", to: "taken", project: "default", at: 8) },
                throws: isRefusal(StoreError.alreadyExists(.registeredModel(name: "taken"))))
        }
    }

    @Test("deleting a model deletes its versions and frees its name", arguments: StoreBackend.all)
    func deleteCascades(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("m")
            try await store.makeVersion("m", tags: [Tag(key: "k", value: "v")])
            try await store.deleteRegisteredModel(named: "m", project: "default")
            #expect(try await store.searchVersions("name = 'm'").isEmpty)
            try await store.makeModel("m")
            #expect(try await store.makeVersion("m").version == 1)
            #expect(try await store.modelVersion(model: "m", version: 1, project: "default")?.tags == [])
        }
    }

    @Test("model search filters on name and tags, leaves out prompts, orders and pages", arguments: StoreBackend.all)
    func searchModels(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("alpha", tags: [Tag(key: "kind", value: "cv")])
            try await store.makeModel("beta")
            try await store.makeModel("Gamma", tags: [Tag(key: "kind", value: "nlp")])
            try await store.makeModel("prompt", tags: [Tag(key: RegistryValidation.promptTagKey, value: "true")])
            let clientDefault = "tag.`mlflow.prompt.is_prompt` != 'true'"
            #expect(try await store.searchModels(clientDefault).map(\.name) == ["Gamma", "alpha", "beta"])
            #expect(try await store.searchModels("tags.`mlflow.prompt.is_prompt` = 'true'").map(\.name) == ["prompt"])
            #expect(try await store.searchModels("name LIKE 'g%'").isEmpty)
            #expect(try await store.searchModels("name ILIKE 'g%'").map(\.name) == ["Gamma"])
            #expect(try await store.searchModels("tags.kind = 'cv'").map(\.name) == ["alpha"])
            #expect(try await store.searchModels("name != 'beta'").map(\.name) == ["Gamma", "alpha"])
            #expect(try await store.searchModels("", order: [RegistryOrder(column: .name, ascending: false)]).map(\.name) == ["beta", "alpha", "Gamma"])
            let first = try await store.searchRegisteredModels(RegisteredModelQuery(
                project: "default", filter: try RegisteredModelFilterClause.parse(""), order: [], maxResults: 2, offset: 0))
            #expect(first.items.map(\.name) == ["Gamma", "alpha"])
            #expect(first.nextOffset == 2)
            let last = try await store.searchRegisteredModels(RegisteredModelQuery(
                project: "default", filter: try RegisteredModelFilterClause.parse(""), order: [], maxResults: 2, offset: 2))
            #expect(last.items.map(\.name) == ["beta"])
            #expect(last.nextOffset == nil)
        }
    }

    @Test("version search filters on name, run and tags and orders by name, then newest version", arguments: StoreBackend.all)
    func searchVersions(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("a")
            try await store.makeModel("b")
            try await store.makeVersion("a", runID: "r1")
            try await store.makeVersion("a", runID: "r2", tags: [Tag(key: "ok", value: "yes")])
            try await store.makeVersion("b", runID: "r1")
            #expect(try await store.searchVersions("").map { "\($0.name)\($0.version)" } == ["a2", "a1", "b1"])
            #expect(try await store.searchVersions("name = 'a'").map(\.version) == [2, 1])
            #expect(try await store.searchVersions("run_id = 'r1'").map(\.name) == ["a", "b"])
            #expect(try await store.searchVersions("run_id IN ('r2')").map(\.version) == [2])
            #expect(try await store.searchVersions("tags.ok = 'yes'").map(\.version) == [2])
            #expect(try await store.searchVersions("version_number > 1").map(\.version) == [2])
        }
    }

    @Test("tags on models and versions are upserted and deleted", arguments: StoreBackend.all)
    func tags(backend: StoreBackend) async throws {
        try await withRegistry(backend) { store in
            try await store.makeModel("m")
            try await store.makeVersion("m")
            try await store.setRegisteredModelTag(named: "m", tag: Tag(key: "k", value: "1"), project: "default")
            try await store.setRegisteredModelTag(named: "m", tag: Tag(key: "k", value: "2"), project: "default")
            try await store.setModelVersionTag(model: "m", version: 1, tag: Tag(key: "v", value: "x"), project: "default")
            #expect(try await store.registeredModel(named: "m", project: "default")?.tags == [Tag(key: "k", value: "2")])
            #expect(try await store.modelVersion(model: "m", version: 1, project: "default")?.tags == [Tag(key: "v", value: "x")])
            try await store.deleteRegisteredModelTag(named: "m", key: "k", project: "default")
            try await store.deleteModelVersionTag(model: "m", version: 1, key: "v", project: "default")
            #expect(try await store.registeredModel(named: "m", project: "default")?.tags == [])
            #expect(try await store.modelVersion(model: "m", version: 1, project: "default")?.tags == [])
            await #expect(
                performing: { try await store.setModelVersionTag(model: "m", version: 4, tag: Tag(key: "v", value: "x"), project: "default") },
                throws: isRefusal(StoreError.notFound(.modelVersion(model: "m", version: 4))))
        }
    }
}

/// Opens a fresh store and runs `body` against its registry side.
private func withRegistry(_ backend: StoreBackend, _ body: (any RegistryStore) async throws -> Void) async throws {
    try await withStore(backend) { store in
        let registry = try #require(store as? any RegistryStore, "the \(backend.name) store must also be a RegistryStore")
        try await body(registry)
    }
}

extension RegistryStore {
    @discardableResult
    func makeModel(_ name: String, tags: [StrideDomain.Tag] = []) async throws -> RegisteredModel {
        try await createRegisteredModel(NewRegisteredModel(project: "default", name: name, description: nil, tags: tags, creationTime: 1000))
    }

    @discardableResult
    func makeVersion(_ name: String, runID: String? = nil, modelID: String? = nil, tags: [StrideDomain.Tag] = []) async throws -> ModelVersion {
        try await createModelVersion(NewModelVersion(
            project: "default", name: name, source: "mlflow-artifacts:/0/r/artifacts/model", storageLocation: "mlflow-artifacts:/0/r/artifacts/model",
            runID: runID, runLink: nil, modelID: modelID, description: nil, tags: tags, creationTime: 1000))
    }

    func searchModels(_ filter: String, order: [RegistryOrder] = []) async throws -> [RegisteredModel] {
        try await searchRegisteredModels(RegisteredModelQuery(
            project: "default", filter: try RegisteredModelFilterClause.parse(filter), order: order, maxResults: 100, offset: 0)).items
    }

    func searchVersions(_ filter: String) async throws -> [ModelVersion] {
        try await searchModelVersions(ModelVersionQuery(
            project: "default", filter: try ModelVersionFilterClause.parse(filter), order: [], maxResults: 100, offset: 0)).items
    }
}
