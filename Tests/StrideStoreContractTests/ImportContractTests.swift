import Logging
import StrideDomain
import StridePostgres
import StrideStore
import Testing

@Suite("Import store contract: entities written as they were, each row only when missing")
struct ImportContractTests {
    private static func importer(_ store: any TrackingStore) throws -> any ImportStore {
        try #require(store as? any ImportStore)
    }

    private static func experiment(_ name: String, id: Int64) -> ImportedExperiment {
        ImportedExperiment(
            preferredID: ExperimentID(id), name: name, lifecycleStage: .active, creationTime: 5, lastUpdateTime: 6,
            tags: [Tag(key: "team", value: "vision")], artifactLocation: { "mlflow-artifacts:/\($0)" })
    }

    private static func run(_ id: String, in experiment: ExperimentID, points: ClosedRange<Int64>) -> ImportedRun {
        ImportedRun(
            info: RunInfo(
                runID: id, experimentID: experiment, runName: "imported", userID: "alice", status: .finished, startTime: 10, endTime: 20,
                artifactURI: "mlflow-artifacts:/\(experiment)/\(id)/artifacts", lifecycleStage: .active),
            deletedTime: nil, params: [Param(key: "lr", value: "0.1")], tags: [Tag(key: ReservedTag.runName, value: "imported")],
            metrics: points.map { Metric(key: "loss", value: Double($0), timestamp: 100 + $0, step: $0) },
            latestMetrics: [Metric(key: "loss", value: Double(points.upperBound), timestamp: 100 + points.upperBound, step: points.upperBound)])
    }

    @Test("an experiment keeps a free id, gets a new one when the id is taken, and is found again by name", arguments: StoreBackend.all)
    func experimentIDs(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let imports = try Self.importer(store)
            let kept = try await imports.importExperiment(Self.experiment("vision", id: 42), project: "default")
            #expect(kept.id == ExperimentID(42) && kept.created && kept.artifactLocation == "mlflow-artifacts:/42")
            let remapped = try await imports.importExperiment(Self.experiment("audio", id: 42), project: "default")
            #expect(remapped.id != ExperimentID(42) && remapped.created)
            let again = try await imports.importExperiment(Self.experiment("vision", id: 7), project: "default")
            #expect(again.id == ExperimentID(42) && !again.created)
            let stored = try #require(try await store.experiment(id: ExperimentID(42)))
            #expect(stored.name == "vision" && stored.creationTime == 5 && stored.tags == [Tag(key: "team", value: "vision")])
            // An experiment created afterwards takes a free id, past the largest kept one.
            #expect(try await store.makeExperiment("created later").value > 42)
        }
    }

    @Test("a run keeps its id, status and times; importing it again adds nothing", arguments: StoreBackend.all)
    func runsAreIdempotent(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let imports = try Self.importer(store)
            let experiment = try await imports.importExperiment(Self.experiment("vision", id: 3), project: "default").id
            let runID = RunIDGenerator.make()
            try await imports.importRuns([Self.run(runID, in: experiment, points: 0...999)])
            try await imports.importRuns([Self.run(runID, in: experiment, points: 0...999)])
            try await imports.importFinished()
            let run = try #require(try await store.run(id: runID))
            #expect(run.info.status == .finished && run.info.startTime == 10 && run.info.endTime == 20 && run.info.userID == "alice")
            #expect(run.latestMetrics == [Metric(key: "loss", value: 999, timestamp: 1099, step: 999)])
            let stored = try await imports.storedRunContents(runIDs: [runID, "missing"])
            #expect(stored == [runID: StoredRun(experimentID: experiment, contents: RunContents(params: 1, tags: 1, metricPoints: 1000))])
        }
    }

    @Test("finishing an import on PostgreSQL analyzes the tables it filled, for the planner")
    func postgresAnalyzesAfterImport() async throws {
        guard let serverURL = ScratchPostgresDatabase.serverURL else { return }
        let database = try await ScratchPostgresDatabase.create(serverURL: serverURL)
        do {
            let store = try await PostgresTrackingStore.open(settings: database.settings, logger: Logger(label: "test"))
            try await store.ensureDefaultExperiment(project: "default", artifactLocation: "mlflow-artifacts:/0", at: 1)
            let experiment = try await store.importExperiment(Self.experiment("vision", id: 3), project: "default").id
            try await store.importRuns([Self.run(RunIDGenerator.make(), in: experiment, points: 0...99)])
            let analyzedBefore = try await database.analyzedTables()
            try await store.importFinished()
            let analyzedAfter = try await database.analyzedTables()
            try await store.close()
            #expect(!analyzedBefore.contains("metrics"))
            #expect(analyzedAfter.isSuperset(of: ["runs", "metrics", "latest_metrics", "params", "run_tags"]))
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    @Test("a run written in parts holds every part's points once", arguments: StoreBackend.all)
    func runInParts(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let imports = try Self.importer(store)
            let experiment = try await imports.importExperiment(Self.experiment("vision", id: 3), project: "default").id
            let runID = RunIDGenerator.make()
            try await imports.importRuns([Self.run(runID, in: experiment, points: 0...499)])
            var rest = Self.run(runID, in: experiment, points: 400...999)
            rest.params = []
            try await imports.importRuns([rest])
            let history = try await store.metricHistory(runID: runID, key: "loss", limit: nil, after: nil).metrics
            #expect(history.map(\.step) == Array(0...999))
        }
    }

    @Test("registered models keep version numbers and aliases; a second import adds none", arguments: StoreBackend.all)
    func registeredModels(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let imports = try Self.importer(store)
            let version = ModelVersion(
                name: "classifier", version: 3, creationTime: 1, lastUpdatedTime: 2, stage: .staging, description: nil,
                source: "models:/m-0123456789abcdef0123456789abcdef", runID: nil, runLink: nil, tags: [Tag(key: "ok", value: "yes")], aliases: [])
            let model = ImportedRegisteredModel(
                model: RegisteredModel(
                    name: "classifier", description: "d", creationTime: 1, lastUpdatedTime: 2, latestVersions: [], tags: [],
                    aliases: [ModelAlias(alias: "champion", version: 3)], project: ""),
                versions: [ImportedModelVersion(version: version, storageLocation: "mlflow-artifacts:/1/models/m/artifacts", deleted: false)])
            #expect(try await imports.importRegisteredModels([model], project: "default") == (1, 1))
            #expect(try await imports.importRegisteredModels([model], project: "default") == (0, 0))
            let registry = try #require(store as? any RegistryStore)
            let aliased = try #require(try await registry.modelVersion(alias: "champion", model: "classifier", project: "default"))
            #expect(aliased.version == 3 && aliased.stage == .staging && aliased.tags == [Tag(key: "ok", value: "yes")])
            #expect(try await registry.storageLocation(model: "classifier", version: 3, project: "default") == "mlflow-artifacts:/1/models/m/artifacts")
        }
    }
}
