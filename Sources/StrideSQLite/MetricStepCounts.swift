import GRDB
import StrideStore

/// Keeps `metric_step_counts` (migration 8): how many points each (run, key) holds per block of
/// steps (`MetricStepBlocks`), written by the ingest path. Histories whose steps lie further apart
/// than 2^16 read one count row per point (still exact, as slow as a scan); many points on one step
/// are skipped from sample to sample (at most one pass).
enum MetricStepCounts {
    private static let increment = MultiRowInsert(
        head: "INSERT INTO metric_step_counts (run_pk, key_id, level, block, points) VALUES",
        tail: "ON CONFLICT (run_pk, key_id, level, block) DO UPDATE SET points = points + excluded.points",
        columns: 5)

    /// Counts freshly inserted points. When the insert skipped some (exact duplicates of stored
    /// points), the blocks touched are recounted instead: each fine block from its points (at most
    /// 2^8 steps), then each coarse block from its fine blocks' counts. Counting a coarse block from
    /// its points would read up to 2^16 steps of history for every retried request.
    static func record(inserted points: [(keyID: Int64, step: Int64)], allNew: Bool, runPK: Int64, in db: Database) throws {
        var added: [BlockKey: Int] = [:]
        for point in points {
            for level in MetricStepBlocks.shifts.indices {
                added[BlockKey(keyID: point.keyID, level: level, block: MetricStepBlocks.block(of: point.step, level: level)), default: 0] += 1
            }
        }
        guard allNew else {
            // Fine (level 1) blocks first: the coarse counts are summed from them.
            for key in added.keys.sorted(by: { $0.level > $1.level }) { try recount(key, runPK: runPK, in: db) }
            return
        }
        var values: [DatabaseValue] = []
        values.reserveCapacity(added.count * 5)
        for (key, points) in added {
            values += [runPK.databaseValue, key.keyID.databaseValue, key.level.databaseValue, key.block.databaseValue, points.databaseValue]
        }
        try increment.execute(values, in: db)
    }

    private static func recount(_ key: BlockKey, runPK: Int64, in db: Database) throws {
        if key.level == MetricStepBlocks.fine {
            let steps = MetricStepBlocks.steps(ofBlock: key.block, level: key.level)
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO metric_step_counts (run_pk, key_id, level, block, points)
                SELECT ?, ?, ?, ?, COUNT(*) FROM metrics WHERE run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?
                """).execute(arguments: [runPK, key.keyID, key.level, key.block, runPK, key.keyID, steps.lowerBound, steps.upperBound])
            return
        }
        let finer = MetricStepBlocks.fine
        let fineBlocks = MetricStepBlocks.fineBlocks(ofCoarse: key.block)
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO metric_step_counts (run_pk, key_id, level, block, points)
            SELECT ?, ?, ?, ?, COALESCE(SUM(points), 0) FROM metric_step_counts
            WHERE run_pk = ? AND key_id = ? AND level = ? AND block BETWEEN ? AND ?
            """).execute(arguments: [
                runPK, key.keyID, key.level, key.block, runPK, key.keyID, finer, fineBlocks.lowerBound, fineBlocks.upperBound,
            ])
    }

    private struct BlockKey: Hashable {
        var keyID: Int64
        var level: Int
        var block: Int64
    }

    /// The migration's statement that counts points logged before the table existed.
    static func backfill(level: Int) -> String {
        "INSERT INTO metric_step_counts SELECT run_pk, key_id, \(level), step >> \(MetricStepBlocks.shifts[level]), COUNT(*) FROM metrics GROUP BY 1, 2, 4"
    }
}
