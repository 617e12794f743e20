import Testing
import StrideDomain
import StrideStore

/// create-run after the store has seen the experiment (the PostgreSQL store then writes the run in one
/// statement from the experiment's remembered artifact location) answers as the first create-run does.
@Suite("Store contract: repeated run creation")
struct RunCreationContractTests {
    @Test("later runs of an experiment read back with their tags, last value of a repeated key winning, and their artifact URI",
          arguments: StoreBackend.all)
    func laterRuns(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("repeated")
            _ = try await store.makeRun(in: experiment, name: "first")
            let id = RunIDGenerator.make()
            let created = try await store.createRun(NewRun(
                runID: id, experimentID: experiment, runName: "second", userID: "tester", startTime: nil,
                tags: [Tag(key: "k", value: "1"), Tag(key: ReservedTag.runName, value: "second"), Tag(key: "k", value: "2")],
                artifactURI: { "\($0)/\(id)/artifacts" }))
            let run = try #require(try await store.run(id: id))
            #expect(run.info == created.info)
            #expect(run.info.startTime == nil)
            #expect(run.info.artifactURI.hasSuffix("/\(id)/artifacts"))
            #expect(run.tags == [Tag(key: "k", value: "2"), Tag(key: ReservedTag.runName, value: "second")])
            #expect(try await store.experimentKeys(experimentID: experiment).tags.contains("k"))
        }
    }

    @Test("once an experiment is deleted, a later run is refused and nothing is written", arguments: StoreBackend.all)
    func deletedAfterRuns(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let experiment = try await store.makeExperiment("closing")
            _ = try await store.makeRun(in: experiment)
            _ = try await store.makeRun(in: experiment)
            try await store.setExperimentLifecycle(id: experiment, to: .deleted, at: 1)
            let refused = RunIDGenerator.make()
            await #expect(performing: { _ = try await store.makeRun(in: experiment, id: refused) },
                          throws: isRefusal(StoreError.notActive(.experiment(experiment), stage: .deleted)))
            #expect(try await store.run(id: refused) == nil)
            await #expect(performing: { _ = try await store.makeRun(in: ExperimentID(987_654)) },
                          throws: isRefusal(StoreError.notFound(.experiment(ExperimentID(987_654)))))
        }
    }
}
