public import StrideDomain
public import StrideStore

/// `stride import`: copies an MLflow tracking database (and its artifacts) into a project.
///
/// Experiments keep their names (and their ids where no Stride experiment has them; an experiment
/// whose name the project already has receives the source's runs), runs keep their ids, models
/// their names, versions and ids. Every write keeps what is stored, so a second import adds only
/// what is missing, and an interrupted one resumes: a run already stored is read again only when
/// the source holds more of it.
public struct MLflowImporter: Sendable {
    /// What to do with artifacts: copy them into Stride's artifact store, or point at them where they are.
    public enum ArtifactHandling: Sendable, Equatable {
        case copy
        case reference
    }

    public struct Options: Sendable, Equatable {
        public var project: String
        public var artifacts: ArtifactHandling
        public var dryRun: Bool
        /// Metric points written per transaction; a run with more is written in parts.
        public var pointsPerTransaction: Int

        public init(project: String = Project.defaultName, artifacts: ArtifactHandling = .copy, dryRun: Bool = false, pointsPerTransaction: Int = Limits.importPointsPerTransaction) {
            self.project = project
            self.artifacts = artifacts
            self.dryRun = dryRun
            self.pointsPerTransaction = max(1, pointsPerTransaction)
        }
    }

    let source: any MLflowSource
    let store: any ImportStore
    let files: any SourceFiles
    let sourceRoot: SourceArtifactRoot
    let artifacts: ArtifactService
    let locations: ArtifactLocations
    let options: Options

    public init(
        source: any MLflowSource, store: any ImportStore, files: any SourceFiles, artifactRoot: String, artifacts: ArtifactService,
        locations: ArtifactLocations, options: Options
    ) {
        self.source = source
        self.store = store
        self.files = files
        self.sourceRoot = SourceArtifactRoot(root: artifactRoot, isFolder: { [files] in files.isFolder($0) })
        self.artifacts = artifacts
        self.locations = locations
        self.options = options
    }

    /// Imports everything, telling `progress` how far it got; a dry run only counts.
    public func run(progress: @escaping @Sendable (ImportProgress) -> Void) async throws -> ImportReport {
        let inventory = try await source.inventory()
        var report = ImportReport(inventory: inventory)
        let runList = try await source.runList()
        if options.dryRun {
            for chunk in runList.chunked(into: Self.runsPerLookup) {
                report.runsAlreadyPresent += try await store.storedRunContents(runIDs: chunk.map(\.runID)).count
            }
            return report
        }
        var plan = try await importExperiments(into: &report)
        try await importRuns(runList, plan: &plan, report: &report, progress: progress)
        try await importModels(plan: &plan, report: &report)
        try await store.importFinished()
        if options.artifacts == .copy {
            try await copyArtifacts(plan.copies, report: &report, progress: progress)
        }
        return report
    }

    static let runsPerLookup = Limits.importRunsPerStep

    // MARK: Experiments

    private func importExperiments(into report: inout ImportReport) async throws -> ImportPlan {
        var plan = ImportPlan()
        for experiment in try await source.experiments() {
            let localFolder = sourceRoot.localFolder(for: experiment.artifactLocation)
            let newLocation: @Sendable (ExperimentID) -> String
            switch (options.artifacts, localFolder) {
            case (.copy, _):
                newLocation = { [locations] in locations.experimentLocation($0) }
            case (.reference, let folder?):
                newLocation = { _ in ImportPlan.fileURI(folder) }
            case (.reference, nil):
                newLocation = { _ in experiment.artifactLocation }
            }
            let (id, location, created) = try await store.importExperiment(
                ImportedExperiment(
                    preferredID: experiment.id, name: experiment.name, lifecycleStage: experiment.lifecycleStage,
                    creationTime: experiment.creationTime, lastUpdateTime: experiment.lastUpdateTime, tags: experiment.tags,
                    artifactLocation: newLocation),
                project: options.project)
            if created { report.experimentsCreated += 1 } else { report.experimentsMerged += 1 }
            plan.experiments[experiment.id] = (id, location)
            guard let localFolder else {
                report.warnings.append(
                    "Experiment '\(experiment.name)': its artifacts at \(experiment.artifactLocation) are not below \(sourceRoot.root) and stay where they are.")
                continue
            }
            switch options.artifacts {
            case .copy:
                plan.rewrite.add(from: experiment.artifactLocation, to: location)
                plan.copies.append(ImportPlan.Copy(folder: localFolder, uri: location))
            case .reference:
                plan.rewrite.add(from: experiment.artifactLocation, to: ImportPlan.fileURI(localFolder))
            }
        }
        return plan
    }

    // MARK: Runs

    /// Reads runs and writes them in transactions of about `pointsPerTransaction` points, one write
    /// in flight while the next batch is read, so reading MLflow's rows and Stride's inserts overlap.
    private func importRuns(
        _ runList: [SourceRunEntry], plan: inout ImportPlan, report: inout ImportReport, progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws {
        // Points of runs found complete count as done, so the bar ends full on a second import too.
        let totalPoints = runList.reduce(0) { $0 + $1.metricPoints }
        progress(ImportProgress(stage: .runs, done: 0, total: totalPoints))
        let store = self.store
        let start = (plan: plan, report: report)
        (plan, report) = try await withThrowingTaskGroup(of: Int.self, returning: (ImportPlan, ImportReport).self) { writes in
            var (plan, report) = start
            var pending = PendingRuns(budget: options.pointsPerTransaction)
            var done = 0
            var writing = false
            /// Waits for the write in flight, then starts writing what is pending.
            func write(_ batch: [ImportedRun]) async throws {
                if writing, let written = try await writes.next() {
                    done += written
                    progress(ImportProgress(stage: .runs, done: done, total: totalPoints))
                }
                let points = batch.reduce(0) { $0 + $1.metrics.count }
                writes.addTask {
                    try await store.importRuns(batch)
                    return points
                }
                writing = true
            }
            for chunk in runList.chunked(into: Self.runsPerLookup) {
                let wanted = try await runsToRead(Array(chunk), plan: plan, report: &report)
                let wantedIDs = Set(wanted.map(\.runID))
                done += chunk.lazy.filter { !wantedIDs.contains($0.runID) }.reduce(0) { $0 + $1.metricPoints }
                for var run in try await source.runs(ids: wanted.map(\.runID)) {
                    guard let target = plan.experiments[run.info.experimentID] else { continue }
                    run.info.experimentID = target.id
                    let runID = run.info.runID
                    run.info.artifactURI = plan.relocated(run.info.artifactURI, handling: options.artifacts, sourceRoot: sourceRoot) {
                        locations.runLocation(experimentLocation: target.location, runID: runID)
                    }
                    report.runsImported += 1
                    report.params += run.params.count
                    report.tags += run.tags.count
                    var position: Int64? = nil
                    var part = run
                    repeat {
                        let room = max(1, pending.budget - pending.points)
                        let page = try await source.metricHistory(runID: run.info.runID, after: position, limit: room)
                        part.metrics = page.points
                        position = page.next
                        report.metricPoints += page.points.count
                        pending.add(part)
                        if pending.isFull { try await write(pending.take()) }
                        part = ImportedRun(info: run.info, deletedTime: run.deletedTime)
                    } while position != nil
                }
            }
            try await write(pending.take())
            if let written = try await writes.next() { done += written }
            progress(ImportProgress(stage: .runs, done: done, total: totalPoints))
            return (plan, report)
        }
    }

    /// The runs of `chunk` that are missing or incomplete; complete ones are counted as present.
    private func runsToRead(_ chunk: [SourceRunEntry], plan: ImportPlan, report: inout ImportReport) async throws -> [SourceRunEntry] {
        let stored = try await store.storedRunContents(runIDs: chunk.map(\.runID))
        guard !stored.isEmpty else { return chunk }
        let sourceContents = try await source.runContents(ids: Array(stored.keys))
        var wanted: [SourceRunEntry] = []
        for entry in chunk {
            guard let existing = stored[entry.runID] else {
                wanted.append(entry)
                continue
            }
            guard existing.experimentID == plan.experiments[entry.experimentID]?.id else {
                report.warnings.append("Run \(entry.runID) is already stored in another experiment (\(existing.experimentID)); it was left as it is.")
                continue
            }
            if RunContents.needsRest(stored: existing.contents, source: sourceContents[entry.runID]) {
                wanted.append(entry)
            } else {
                report.runsAlreadyPresent += 1
            }
        }
        return wanted
    }

    // MARK: Models

    private func importModels(plan: inout ImportPlan, report: inout ImportReport) async throws {
        var loggedModels: [ImportedLoggedModel] = []
        for var imported in try await source.loggedModels() {
            guard let target = plan.experiments[imported.model.experimentID] else { continue }
            imported.model.experimentID = target.id
            let modelID = imported.model.id
            imported.model.artifactURI = plan.relocated(imported.model.artifactURI, handling: options.artifacts, sourceRoot: sourceRoot) {
                locations.loggedModelLocation(experimentLocation: target.location, modelID: modelID)
            }
            loggedModels.append(imported)
        }
        report.loggedModels = try await store.importLoggedModels(loggedModels)
        var registered = try await source.registeredModels()
        for index in registered.indices {
            for version in registered[index].versions.indices {
                var entry = registered[index].versions[version]
                entry.version.source = plan.rewrite.rewritten(entry.version.source) ?? entry.version.source
                entry.storageLocation = plan.rewrite.rewritten(entry.storageLocation) ?? entry.storageLocation
                registered[index].versions[version] = entry
            }
        }
        let (models, versions) = try await store.importRegisteredModels(registered, project: options.project)
        report.registeredModels = models
        report.modelVersions = versions
    }
}

extension RunContents {
    /// Whether a stored run lacks rows the source has (it was cut short, or the source grew since).
    static func needsRest(stored: RunContents, source: RunContents?) -> Bool {
        guard let source else { return false }
        return stored.params < source.params || stored.tags < source.tags || stored.metricPoints < source.metricPoints
            || stored.inputs < source.inputs || stored.outputs < source.outputs
    }
}

/// Runs waiting for one transaction, up to a budget of metric points.
struct PendingRuns {
    let budget: Int
    private(set) var runs: [ImportedRun] = []
    private(set) var points = 0

    init(budget: Int) {
        self.budget = budget
    }

    /// Full by points, or by runs, so many small runs still make bounded transactions.
    var isFull: Bool { points >= budget || runs.count >= MLflowImporter.runsPerLookup }

    mutating func add(_ run: ImportedRun) {
        runs.append(run)
        points += run.metrics.count
    }

    mutating func take() -> [ImportedRun] {
        defer {
            runs = []
            points = 0
        }
        return runs
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
