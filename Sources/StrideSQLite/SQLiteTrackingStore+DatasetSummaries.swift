import GRDB
public import StrideDomain
import StrideStore

extension SQLiteTrackingStore {
    public func datasetSummaries(experimentIDs: [ExperimentID], limit: Int) async throws -> [DatasetSummary] {
        guard !experimentIDs.isEmpty else { return [] }
        return try readNow { db in
            // An input without a context tag still counts, with no context: hence the left join.
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value
                    FROM datasets d
                    JOIN run_inputs i ON i.dataset_pk = d.dataset_pk
                    LEFT JOIN run_input_tags t ON t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk AND t.key = ?
                    WHERE d.experiment_id IN (SELECT value FROM json_each(?))
                    LIMIT ?
                    """),
                arguments: [
                    ReservedTag.datasetContext, "[" + experimentIDs.map { String($0.value) }.joined(separator: ",") + "]", limit,
                ])
            var summaries: [DatasetSummary] = []
            while let row = try rows.next() {
                summaries.append(DatasetSummary(experimentID: ExperimentID(row[0] as Int64), name: row[1], digest: row[2], context: row[3]))
            }
            return summaries
        }
    }
}
