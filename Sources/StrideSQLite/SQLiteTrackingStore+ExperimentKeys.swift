import GRDB
public import StrideDomain
public import StrideStore
import Synchronization

/// The per-experiment key summary (`experiment_keys`), written in the same transaction as the
/// params, metrics and tags it lists.
extension SQLiteTrackingStore {
    enum KeyKind: Int64 {
        case param = 0
        case metric = 1
        case tag = 2
    }

    public func experimentKeys(experimentID: ExperimentID) async throws -> ExperimentKeys {
        try readNow { db in
            var keys = ExperimentKeys()
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT kind, key FROM experiment_keys WHERE experiment_id = ? ORDER BY kind, key"),
                arguments: [experimentID.value])
            while let row = try rows.next() {
                switch KeyKind(rawValue: row[0]) {
                case .param: keys.params.append(row[1])
                case .metric: keys.metrics.append(row[1])
                case .tag: keys.tags.append(row[1])
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
        _ keys: some Sequence<String>, kind: KeyKind, experimentID: ExperimentID, known: Set<ExperimentKeyEntry>,
        into added: inout [ExperimentKeyEntry], in db: Database
    ) throws {
        var values: [DatabaseValue] = []
        for key in keys {
            let entry = ExperimentKeyEntry(experimentID: experimentID.value, kind: kind, key: key)
            guard !known.contains(entry), !added.contains(entry) else { continue }
            added.append(entry)
            values += [entry.experimentID.databaseValue, kind.rawValue.databaseValue, key.databaseValue]
        }
        if !values.isEmpty { try keyInsert.execute(values, in: db) }
    }

    /// Remembers summary entries whose transaction committed.
    func rememberRecordedKeys(_ added: [ExperimentKeyEntry]) {
        guard !added.isEmpty else { return }
        recordedExperimentKeys.withLock { $0.formUnion(added) }
    }

    private static let keyInsert = MultiRowInsert(
        head: "INSERT INTO experiment_keys (experiment_id, kind, key) VALUES", tail: "ON CONFLICT DO NOTHING", columns: 3)
}

/// One row of `experiment_keys`.
struct ExperimentKeyEntry: Hashable, Sendable {
    var experimentID: Int64
    var kind: SQLiteTrackingStore.KeyKind
    var key: String
}
