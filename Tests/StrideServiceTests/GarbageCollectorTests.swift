import Foundation
import Logging
import NIOCore
import StrideDomain
import StrideLocalArtifacts
import StrideSQLite
import StrideService
import StrideStore
import Testing

/// A tracking service, a SQLite store and a local artifact folder, with the collector over them.
private struct GarbageFixture {
    let store: SQLiteTrackingStore
    let clock: ManualClock
    let tracking: TrackingService
    let artifacts: LocalArtifactStore
    let collector: GarbageCollector

    static func with(_ body: (GarbageFixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stride-gc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteTrackingStore.open(path: directory.appendingPathComponent("stride.db").path, logger: Logger(label: "test"))
        let clock = ManualClock()
        let tracking = TrackingService(store: store, artifacts: ArtifactLocations(defaultRoot: "mlflow-artifacts:"), clock: clock)
        try await tracking.bootstrap()
        let artifacts = try await LocalArtifactStore.open(directory: directory.appendingPathComponent("artifacts").path)
        let collector = GarbageCollector(store: store, artifacts: artifacts, resolver: ArtifactURIResolver(localRoots: [artifacts.directory]))
        do {
            try await body(GarbageFixture(store: store, clock: clock, tracking: tracking, artifacts: artifacts, collector: collector))
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }

    /// A run in `experiment` with `points` points of one metric, a param and one artifact file.
    func run(in experiment: ExperimentID, points: Int) async throws -> String {
        let run = try await tracking.createRun(
            experimentID: experiment.description, userID: "u", runName: nil, startTime: 1, tags: [], project: Project.defaultName)
        for start in stride(from: 0, to: points, by: Limits.maxMetricsPerBatch - 1) {
            let metrics = (start..<min(points, start + Limits.maxMetricsPerBatch - 1)).map {
                Metric(key: "loss", value: Double($0), timestamp: 1, step: Int64($0))
            }
            try await tracking.logBatch(runID: run.info.runID, metrics: metrics, params: [Param(key: "lr", value: "0.1")], tags: [], project: Project.defaultName)
        }
        try await artifacts.write(try folder(of: run.info.runID, in: experiment).appending(name: "artifacts").appending(name: "w.bin"), body: Self.body("weights"))
        return run.info.runID
    }

    func folder(of runID: String, in experiment: ExperimentID) throws -> ArtifactPath {
        try ArtifactPath.root.appending(name: experiment.description).appending(name: runID)
    }

    static func body(_ text: String) -> AsyncThrowingStream<ByteBuffer, any Error> {
        AsyncThrowingStream { continuation in
            continuation.yield(ByteBuffer(string: text))
            continuation.finish()
        }
    }

    func collect(_ selection: GarbageCollector.Selection, dryRun: Bool = false) async throws -> GarbageCollector.Summary {
        try await collector.collect(selection, now: clock.nowMilliseconds(), dryRun: dryRun) { _ in }
    }
}

@Suite("stride gc: permanent removal of deleted runs and experiments")
struct GarbageCollectorTests {
    @Test("--older-than reads mlflow gc's format", arguments: [
        ("30d", Int64(30 * 86_400_000)), ("1d2h3m4s", Int64(93_784_000)), ("1.5h", Int64(5_400_000)), ("2m4s", Int64(124_000)), ("8h", Int64(28_800_000)),
    ])
    func ages(text: String, milliseconds: Int64) {
        #expect(GarbageCollector.age(parsing: text) == milliseconds)
    }

    @Test("anything else is refused", arguments: ["", "3 days", "1h2d", "d", "5", "1x", "1d1d", "-1d", "1e400d"])
    func badAges(text: String) {
        #expect(GarbageCollector.age(parsing: text) == nil)
    }

    @Test("removes runs deleted before the cutoff with every point and their folders; live and recent ones stay whole")
    func olderThan() async throws {
        try await GarbageFixture.with { fixture in
            let points = Limits.gcMetricPointsPerTransaction * 2 + 500
            let old = try await fixture.run(in: .defaultExperiment, points: points)
            let recent = try await fixture.run(in: .defaultExperiment, points: 10)
            let live = try await fixture.run(in: .defaultExperiment, points: 10)
            try await fixture.tracking.deleteRun(id: old, project: Project.defaultName)
            fixture.clock.advance(milliseconds: 2 * 86_400_000)
            try await fixture.tracking.deleteRun(id: recent, project: Project.defaultName)

            let summary = try await fixture.collect(.init(olderThan: 86_400_000))

            #expect(summary.runs == 1)
            #expect(summary.metricPoints == points)
            #expect(summary.artifactFolders == 1)
            #expect(try await fixture.store.run(id: old) == nil)
            #expect(try await fixture.artifacts.item(at: fixture.folder(of: old, in: .defaultExperiment)) == nil)
            for kept in [recent, live] {
                #expect(try await fixture.store.run(id: kept) != nil)
                #expect(try await fixture.store.metricHistory(runID: kept, key: "loss", limit: nil, after: nil).metrics.count == 10)
                #expect(try await fixture.artifacts.item(at: fixture.folder(of: kept, in: .defaultExperiment)) == .directory)
            }
        }
    }

    @Test("a deleted experiment goes with its runs, tags and folder; a dry run removes nothing")
    func experiment() async throws {
        try await GarbageFixture.with { fixture in
            let id = try await fixture.tracking.createExperiment(name: "gone", artifactLocation: nil, tags: [Tag(key: "t", value: "v")], project: Project.defaultName)
            let run = try await fixture.run(in: id, points: 5)
            try await fixture.tracking.deleteExperiment(id: id.description, project: Project.defaultName)

            let dry = try await fixture.collect(.init(), dryRun: true)
            #expect(dry.runs == 1 && dry.experiments == 1)
            #expect(try await fixture.store.run(id: run) != nil)

            let summary = try await fixture.collect(.init())
            #expect(summary.runs == 1 && summary.experiments == 1 && summary.artifactFolders == 2)
            #expect(try await fixture.store.experiment(id: id) == nil)
            #expect(try await fixture.store.run(id: run) == nil)
            #expect(try await fixture.artifacts.item(at: ArtifactPath.root.appending(name: id.description)) == nil)
        }
    }

    @Test("a live run named explicitly is refused before anything is removed")
    func explicitLiveRun() async throws {
        try await GarbageFixture.with { fixture in
            let deleted = try await fixture.run(in: .defaultExperiment, points: 3)
            let live = try await fixture.run(in: .defaultExperiment, points: 3)
            try await fixture.tracking.deleteRun(id: deleted, project: Project.defaultName)
            await #expect(performing: { _ = try await fixture.collect(.init(runIDs: [deleted, live])) }, throws: isStrideError(.invalidParameterValue))
            await #expect(performing: { _ = try await fixture.collect(.init(runIDs: ["0123456789abcdef0123456789abcdef"])) },
                throws: isStrideError(.resourceDoesNotExist))
            #expect(try await fixture.store.run(id: deleted) != nil)
        }
    }

    @Test("the store's purges skip a run that is live again, so a restore racing gc keeps the run")
    func restoredRunIsSkipped() async throws {
        try await GarbageFixture.with { fixture in
            let run = try await fixture.run(in: .defaultExperiment, points: 50)
            #expect(try await fixture.store.purgeMetricPoints(runID: run, limit: 10) == 0)
            #expect(try await fixture.store.purgeRuns(ids: [run]).isEmpty)
            try await fixture.tracking.deleteRun(id: run, project: Project.defaultName)
            #expect(try await fixture.store.purgeMetricPoints(runID: run, limit: 10) == 10)
            #expect(try await fixture.store.purgeRuns(ids: [run]) == [run])
            #expect(try await fixture.store.purgeableRuns(.ids([run]), after: nil, limit: 10).isEmpty)
        }
    }
}
