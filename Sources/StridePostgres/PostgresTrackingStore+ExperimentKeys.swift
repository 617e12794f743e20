import Synchronization
public import StrideDomain
public import StrideStore

/// The per-experiment key summary (`experiment_keys`), written in the same transaction as the
/// params, metrics and tags it lists.
extension PostgresTrackingStore {
    enum KeyKind: Int64 {
        case param = 0
        case metric = 1
        case tag = 2
    }

    public func experimentKeys(experimentID: ExperimentID) async throws -> ExperimentKeys {
        try await database.read { db in
            var keys = ExperimentKeys()
            for row in try await db.rows(SQL("SELECT kind, key FROM experiment_keys WHERE experiment_id = ? ORDER BY kind, key", experimentID.value)) {
                switch KeyKind(rawValue: row.int(0)) {
                case .param: keys.params.append(row.text(1))
                case .metric: keys.metrics.append(row.text(1))
                case .tag: keys.tags.append(row.text(1))
                case nil: break
                }
            }
            return keys
        }
    }

    /// Adds the keys the summary lacks, in the caller's transaction, and appends them to `added`
    /// (for the caller to remember once it commits). Keys in `known` cost no statement, so a run
    /// logging the same keys step after step adds nothing to the ingest path.
    static func recordKeys(
        _ keys: [String], kind: KeyKind, experimentID: ExperimentID, known: Set<ExperimentKeyEntry>,
        into added: inout [ExperimentKeyEntry], in db: Session
    ) async throws {
        var missing: [String] = []
        for key in keys {
            let entry = ExperimentKeyEntry(experimentID: experimentID.value, kind: kind, key: key)
            guard !known.contains(entry), !added.contains(entry) else { continue }
            added.append(entry)
            missing.append(key)
        }
        guard !missing.isEmpty else { return }
        try await db.execute(SQL(
            "INSERT INTO experiment_keys (experiment_id, kind, key) SELECT ?, ?, * FROM UNNEST(?::text[]) ON CONFLICT DO NOTHING",
            [.integer(experimentID.value), .integer(kind.rawValue), .texts(missing.sorted())]).reused())
    }

    /// Remembers summary entries whose transaction committed.
    func rememberRecordedKeys(_ added: [ExperimentKeyEntry]) {
        guard !added.isEmpty else { return }
        recordedExperimentKeys.withLock { $0.formUnion(added) }
    }
}
