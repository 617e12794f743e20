public import StrideDomain
import StrideStore

extension TrackingService {
    /// MLflow's `SearchDatasets`: the datasets the experiments' runs used, by role.
    ///
    /// As in MLflow, an unknown experiment id is skipped rather than refused; another project's
    /// experiment is skipped the same way, so the answer reveals nothing about it.
    public func searchDatasets(experimentIDs: [String], project: String = ProjectContext.current) async throws -> [DatasetSummary] {
        guard !experimentIDs.isEmpty else {
            throw StrideError.invalidParameter("SearchDatasets request must specify at least one experiment_id.")
        }
        guard experimentIDs.count <= Limits.maxExperimentsPerDatasetSearch else {
            throw StrideError.invalidParameter(
                "SearchDatasets request cannot specify more than \(Limits.maxExperimentsPerDatasetSearch) experiment_ids. "
                    + "Received \(experimentIDs.count) experiment_ids.")
        }
        var owned: [ExperimentID] = []
        for text in experimentIDs {
            let id = try ExperimentID(parsing: text)
            do {
                try await ownership.requireExperiment(id, in: project)
                owned.append(id)
            } catch let error as StrideError where error.code == .resourceDoesNotExist {
                continue
            }
        }
        return try await store.datasetSummaries(experimentIDs: owned, limit: Limits.maxDatasetSummaries)
    }
}
