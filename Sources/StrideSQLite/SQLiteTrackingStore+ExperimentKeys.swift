import GRDB
public import StrideDomain
public import StrideStore

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

    /// Adds the keys not yet listed; one statement however many keys the batch repeats.
    static func recordKeys(_ keys: some Sequence<String>, kind: KeyKind, experimentID: ExperimentID, in db: Database) throws {
        var values: [DatabaseValue] = []
        let experiment = experimentID.value.databaseValue, kindValue = kind.rawValue.databaseValue
        for key in Set(keys) {
            values += [experiment, kindValue, key.databaseValue]
        }
        try keyInsert.execute(values, in: db)
    }

    private static let keyInsert = MultiRowInsert(
        head: "INSERT INTO experiment_keys (experiment_id, kind, key) VALUES", tail: "ON CONFLICT DO NOTHING", columns: 3)
}
