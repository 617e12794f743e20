import StrideDomain
import StrideStore

extension TrackingStore {
    func makeExperiment(_ name: String, tags: [Tag] = [], at time: Int64 = 1000) async throws -> ExperimentID {
        try await createExperiment(NewExperiment(
            project: "default", name: name, artifactLocation: .derived { "mlflow-artifacts:/\($0)" }, tags: tags, creationTime: time))
    }

    func makeRun(in experiment: ExperimentID, id: String = RunIDGenerator.make(), name: String = "run", startTime: Int64 = 1) async throws -> String {
        _ = try await createRun(NewRun(
            runID: id, experimentID: experiment, runName: name, userID: "tester", startTime: startTime,
            tags: [Tag(key: ReservedTag.runName, value: name)], artifactURI: { "\($0)/\(id)/artifacts" }))
        return id
    }
}

/// Whether a store refused a call with exactly `expected`.
func isRefusal(_ expected: StoreError) -> @Sendable (any Error) -> Bool {
    { error in (error as? StoreError) == expected }
}
