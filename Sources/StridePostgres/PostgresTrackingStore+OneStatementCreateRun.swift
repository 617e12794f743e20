import Synchronization
import StrideDomain
import StrideStore

/// create-run as one statement with no `BEGIN`/`COMMIT` once the experiment's artifact location is
/// known: the experiment check, the run, its tags and the key summary are CTEs of one `WITH`, one
/// round trip instead of five. A run's artifact URI derives from its experiment's location, so the
/// statement inserts only while the stored location is still the remembered one; otherwise nothing
/// is written and the transaction path runs (and remembers the location it reads).
extension PostgresTrackingStore {
    /// The created run, or nil when the experiment's location is not known or has changed.
    func createRunInOneStatement(_ run: NewRun, summarized: Set<ExperimentKeyEntry>) async throws -> Run? {
        let experimentID = run.experimentID.value
        guard let location = experimentLocations.withLock({ $0[experimentID] }) else { return nil }
        let info = RunInfo(
            runID: run.runID, experimentID: run.experimentID, runName: run.runName, userID: run.userID, status: .running,
            startTime: run.startTime, endTime: nil, artifactURI: run.artifactURI(location), lifecycleStage: .active)
        let tags = UniqueKeyed.lastWins(run.tags, key: \.key)
        let newKeys = tags.map(\.key).filter { !summarized.contains(ExperimentKeyEntry(experimentID: experimentID, kind: .tag, key: $0)) }.sorted()
        let statement = SQL(
            """
            WITH experiment AS (SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = ?),
                 run AS (
                     INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                     SELECT ?, ?, ?, ?, ?, ?::int8, ?::int8, ?, ? FROM experiment WHERE lifecycle_stage = ? AND artifact_location = ?
                     RETURNING run_pk
                 ),
                 tags AS (
                     INSERT INTO run_tags (run_pk, key, value) SELECT run.run_pk, t.* FROM run, UNNEST(?::text[], ?::text[]) AS t
                     ON CONFLICT (run_pk, key) DO UPDATE SET value = excluded.value
                 ),
                 summary AS (
                     INSERT INTO experiment_keys (experiment_id, kind, key) SELECT ?, ?, k.key FROM run, UNNEST(?::text[]) AS k (key)
                     ON CONFLICT DO NOTHING
                 )
            SELECT experiment.lifecycle_stage, EXISTS (SELECT 1 FROM run) FROM experiment
            """,
            [.integer(experimentID), .text(info.runID), .integer(experimentID), .text(info.runName), .text(info.userID),
             .integer(Int64(info.status.number)), info.startTime.sqlValue, .null, .text(info.artifactURI), .text(info.lifecycleStage.rawValue),
             .text(LifecycleStage.active.rawValue), .text(location), .texts(tags.map(\.key)), .texts(tags.map(\.value)),
             .integer(experimentID), .integer(KeyKind.tag.rawValue), .texts(newKeys)]
        ).reused()
        guard let row = try await database.writeOneStatement({ db in try await db.row(statement) }) else {
            throw StoreError.notFound(.experiment(run.experimentID))
        }
        let stage = LifecycleStage(rawValue: row.text(0)) ?? .active
        guard stage == .active else { throw StoreError.notActive(.experiment(run.experimentID), stage: stage) }
        guard case .bool(true) = row[1] else {
            experimentLocations.withLock { _ = $0.removeValue(forKey: experimentID) }
            return nil
        }
        rememberRecordedKeys(newKeys.map { ExperimentKeyEntry(experimentID: experimentID, kind: .tag, key: $0) })
        return Run(info: info, tags: run.tags.sorted { $0.key < $1.key })
    }

    /// Remembers an experiment's artifact location as read; the map starts over when it is full.
    func remember(experiment experimentID: Int64, artifactLocation: String) {
        experimentLocations.withLock { cache in
            guard cache[experimentID] != artifactLocation else { return }
            if cache.count >= Limits.maxCachedExperimentLocations { cache.removeAll(keepingCapacity: true) }
            cache[experimentID] = artifactLocation
        }
    }
}
