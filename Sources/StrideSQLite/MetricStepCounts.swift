import GRDB

/// How many points each (run, key) holds per block of steps, at a coarse grain (2^16 steps) and a
/// fine one (2^8 steps), kept by the ingest path in `metric_step_counts` (migration 8).
///
/// SQLite cannot tell the position of a row in an index without walking to it. These counts can: the
/// point at position p of a history is found by summing the coarse blocks, then the fine blocks of
/// one coarse block, then skipping fewer than a fine block's points in the primary key. That is what
/// keeps MLflow's exact bulk-interval sample (`MetricIntervalSample`) in milliseconds on a million
/// points. Histories whose steps lie further apart than 2^16 read one count row per point (still exact,
/// as slow as a scan); many points on one step are skipped from sample to sample (at most one pass).
enum MetricStepCounts {
    /// Level 0 is the coarse grain, level 1 the fine one; a block holds `1 << shift` steps.
    static let shifts: [Int64] = [16, 8]

    static func block(of step: Int64, level: Int) -> Int64 {
        step >> shifts[level]
    }

    /// The steps of a block; arithmetic shifts keep negative steps in order and never overflow.
    static func steps(ofBlock block: Int64, level: Int) -> ClosedRange<Int64> {
        let first = block << shifts[level]
        return first...(first | ((1 << shifts[level]) - 1))
    }

    private static let increment = MultiRowInsert(
        head: "INSERT INTO metric_step_counts (run_pk, key_id, level, block, points) VALUES",
        tail: "ON CONFLICT (run_pk, key_id, level, block) DO UPDATE SET points = points + excluded.points",
        columns: 5)

    /// Counts freshly inserted points. When the insert skipped some (exact duplicates of stored
    /// points), the blocks touched are recounted from the points themselves instead.
    static func record(inserted points: [(keyID: Int64, step: Int64)], allNew: Bool, runPK: Int64, in db: Database) throws {
        var added: [BlockKey: Int] = [:]
        for point in points {
            for level in shifts.indices {
                added[BlockKey(keyID: point.keyID, level: level, block: block(of: point.step, level: level)), default: 0] += 1
            }
        }
        guard allNew else {
            for key in added.keys { try recount(key, runPK: runPK, in: db) }
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
        let steps = steps(ofBlock: key.block, level: key.level)
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO metric_step_counts (run_pk, key_id, level, block, points)
            SELECT ?, ?, ?, ?, COUNT(*) FROM metrics WHERE run_pk = ? AND key_id = ? AND step BETWEEN ? AND ?
            """).execute(arguments: [runPK, key.keyID, key.level, key.block, runPK, key.keyID, steps.lowerBound, steps.upperBound])
    }

    private struct BlockKey: Hashable {
        var keyID: Int64
        var level: Int
        var block: Int64
    }

    /// The migration's statement that counts points logged before the table existed.
    static func backfill(level: Int) -> String {
        "INSERT INTO metric_step_counts SELECT run_pk, key_id, \(level), step >> \(shifts[level]), COUNT(*) FROM metrics GROUP BY 1, 2, 4"
    }
}
