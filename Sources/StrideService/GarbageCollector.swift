public import StrideDomain
public import StrideStore

/// `stride gc`: permanently removes deleted runs and experiments with everything logged to them
/// and their artifact folders, as `mlflow gc` does.
///
/// It works in small steps (``Limits/gcRunsPerTransaction``, ``Limits/gcMetricPointsPerTransaction``)
/// and holds one page of runs in memory, so a running server keeps serving and memory stays flat
/// however much is collected. Rows go first and files after, each step re-checking that its run is
/// still deleted: a run restored meanwhile keeps its rows and its files.
public struct GarbageCollector: Sendable {
    let store: any PurgeStore
    let artifacts: any ArtifactStore
    let resolver: ArtifactURIResolver

    public init(store: any PurgeStore, artifacts: any ArtifactStore, resolver: ArtifactURIResolver) {
        self.store = store
        self.artifacts = artifacts
        self.resolver = resolver
    }

    /// What to collect, as `mlflow gc`'s flags say it.
    public struct Selection: Sendable, Equatable {
        /// Only what was deleted at least this long ago, in ms (`--older-than`); nil: anything deleted.
        public var olderThan: Int64?
        /// Exactly these runs (`--run-ids`) instead of every deleted run; each must be deleted.
        public var runIDs: [String]?
        /// Exactly these experiments (`--experiment-ids`) instead of every deleted one; each must be deleted.
        public var experimentIDs: [ExperimentID]?

        public init(olderThan: Int64? = nil, runIDs: [String]? = nil, experimentIDs: [ExperimentID]? = nil) {
            self.olderThan = olderThan
            self.runIDs = runIDs
            self.experimentIDs = experimentIDs
        }
    }

    /// What a collection removed (or, in a dry run, would remove).
    public struct Summary: Sendable, Equatable {
        public var runs = 0
        public var experiments = 0
        public var metricPoints = 0
        public var artifactFolders = 0
        /// Artifact locations left in place: outside the artifact store, or not a folder of their own.
        public var artifactsLeft: [String] = []

        public init() {}
    }

    /// Collects `selection` at time `now` (ms). `progress` hears a line after each step; a dry run
    /// removes nothing and names each run and experiment it would remove instead.
    /// Names a live, unknown or too recent run or experiment explicitly: refused before anything is removed.
    public func collect(
        _ selection: Selection, now: Int64, dryRun: Bool = false, progress: @Sendable (String) -> Void
    ) async throws -> Summary {
        let (cutoff, overflow) = now.subtractingReportingOverflow(selection.olderThan ?? 0)
        let threshold = overflow ? Int64.min : cutoff
        let experiments = try await experimentsToCollect(selection, threshold: threshold)
        var summary = Summary()
        // A run of an experiment being removed goes with its experiment, so none is counted twice.
        let experimentIDs = Set(experiments.map(\.id))
        if let runIDs = selection.runIDs {
            let runs = try await explicitRuns(runIDs, selection: selection, threshold: threshold)
            try await collect(runs.filter { !experimentIDs.contains($0.experimentID) }, dryRun: dryRun, into: &summary, progress: progress)
        } else {
            try await collectPages(
                of: .deletedAtOrBefore(threshold), skipping: experimentIDs, dryRun: dryRun, into: &summary, progress: progress)
        }
        for experiment in experiments {
            try await collectPages(of: .experiment(experiment.id), skipping: [], dryRun: dryRun, into: &summary, progress: progress)
            if dryRun {
                progress("would remove experiment \(experiment.id) (project \(experiment.project))")
                summary.experiments += 1
            } else if try await store.purgeExperiment(id: experiment.id) {
                summary.experiments += 1
                try await removeFolder(of: experiment, into: &summary)
                progress("removed experiment \(experiment.id) (project \(experiment.project))")
            }
        }
        return summary
    }

    /// The experiments to remove: the ones named (each deleted, and old enough when `olderThan` is
    /// set, as MLflow checks), or every experiment deleted before the threshold.
    private func experimentsToCollect(_ selection: Selection, threshold: Int64) async throws -> [PurgeableExperiment] {
        guard let ids = selection.experimentIDs else {
            return try await store.purgeableExperiments(.deletedAtOrBefore(threshold))
        }
        let found = try await store.purgeableExperiments(.ids(ids))
        let missing = Set(ids).subtracting(found.map(\.id))
        if let unknown = missing.min() {
            throw StrideError.notFound("No Experiment with id=\(unknown) exists")
        }
        let live = found.filter { $0.stage != .deleted }.map(\.id.description)
        if !live.isEmpty {
            throw StrideError.invalidParameter(
                "Experiments \(live.joined(separator: ", ")) are not in the deleted lifecycle stage. Only deleted experiments can be removed.")
        }
        let recent = found.filter { selection.olderThan != nil && $0.lastUpdateTime > threshold }.map(\.id.description)
        if !recent.isEmpty {
            throw StrideError.invalidParameter("Experiments \(recent.joined(separator: ", ")) were deleted more recently than --older-than.")
        }
        return found
    }

    /// The runs named explicitly, each checked as MLflow checks them.
    private func explicitRuns(_ ids: [String], selection: Selection, threshold: Int64) async throws -> [PurgeableRun] {
        var runs: [PurgeableRun] = []
        let unique = Array(Set(ids)).sorted()
        for chunk in stride(from: 0, to: unique.count, by: Limits.gcRunsPerTransaction) {
            let slice = Array(unique[chunk..<min(chunk + Limits.gcRunsPerTransaction, unique.count)])
            runs += try await store.purgeableRuns(.ids(slice), after: nil, limit: slice.count)
        }
        if let unknown = Set(unique).subtracting(runs.map(\.id)).min() {
            throw StrideError.notFound("Run with id=\(unknown) not found")
        }
        for run in runs {
            guard run.stage == .deleted else {
                throw StrideError.invalidParameter(
                    "Run \(run.id) is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage can be deleted.")
            }
            if selection.olderThan != nil, (run.deletedTime ?? Int64.max) > threshold {
                throw StrideError.invalidParameter("Run \(run.id) was deleted more recently than --older-than.")
            }
        }
        return runs
    }

    /// Removes every run `selection` lists, one page at a time, but those of `skipped` experiments.
    private func collectPages(
        of selection: PurgeableRunSelection, skipping skipped: Set<ExperimentID>, dryRun: Bool, into summary: inout Summary,
        progress: @Sendable (String) -> Void
    ) async throws {
        var cursor: String?
        while true {
            let page = try await store.purgeableRuns(selection, after: cursor, limit: Limits.gcRunsPerTransaction)
            guard let last = page.last else { return }
            try await collect(page.filter { !skipped.contains($0.experimentID) }, dryRun: dryRun, into: &summary, progress: progress)
            cursor = last.id
        }
    }

    /// Removes `runs` (in pages of ``Limits/gcRunsPerTransaction``): points first, in bounded
    /// steps, then the rows, then the files of the runs actually removed.
    private func collect(
        _ runs: [PurgeableRun], dryRun: Bool, into summary: inout Summary, progress: @Sendable (String) -> Void
    ) async throws {
        for start in stride(from: 0, to: runs.count, by: Limits.gcRunsPerTransaction) {
            let page = runs[start..<min(start + Limits.gcRunsPerTransaction, runs.count)]
            if dryRun {
                for run in page { progress("would remove run \(run.id) (experiment \(run.experimentID))") }
                summary.runs += page.count
                continue
            }
            for run in page {
                while case let removed = try await store.purgeMetricPoints(runID: run.id, limit: Limits.gcMetricPointsPerTransaction),
                    removed > 0
                {
                    summary.metricPoints += removed
                }
            }
            let removed = Set(try await store.purgeRuns(ids: page.map(\.id)))
            for run in page where removed.contains(run.id) {
                try await removeFolder(of: run, into: &summary)
            }
            summary.runs += removed.count
            progress("removed \(summary.runs) runs, \(summary.metricPoints) metric points, \(summary.artifactFolders) artifact folders")
        }
    }

    /// Deletes a removed run's artifact folder: the folder named after the run that holds its
    /// `artifacts` folder, as the server lays it out, or the artifact folder itself if it is
    /// named after the run; any other location is left and reported.
    private func removeFolder(of run: PurgeableRun, into summary: inout Summary) async throws {
        guard var path = try storePath(run.artifactURI, project: run.project), path.segments.contains(run.id) else {
            summary.artifactsLeft.append(run.artifactURI)
            return
        }
        while path.name != run.id { path = path.parent }
        try await artifacts.delete(path)
        summary.artifactFolders += 1
    }

    /// Deletes a removed experiment's folder when it is named after the experiment.
    private func removeFolder(of experiment: PurgeableExperiment, into summary: inout Summary) async throws {
        guard let path = try storePath(experiment.artifactLocation, project: experiment.project), path.name == experiment.id.description
        else {
            summary.artifactsLeft.append(experiment.artifactLocation)
            return
        }
        try await artifacts.delete(path)
        summary.artifactFolders += 1
    }

    /// The store path of an artifact URI, nil when it lies outside the store (or is unreadable).
    private func storePath(_ uri: String, project: String) throws -> ArtifactPath? {
        guard let path = try? resolver.storePath(for: uri), !path.isRoot else { return nil }
        guard uri.hasPrefix(ArtifactURIResolver.proxiedScheme) else { return path }
        return try ProjectArtifactRoot.storePath(path, project: project)
    }
}
