import StrideDomain
import StrideStore

/// `metric_step_counts` on the ingest paths: the statement that inserts metric points also adds them
/// to their blocks' counts, so the counts always agree with the points (see ``MetricStepBlocks``).
/// Where every point of the statement is inserted or none (the one-statement path without
/// `ON CONFLICT`), the counts are computed here and bound as arrays; where duplicates may be skipped,
/// the insert returns the points it inserted (`RETURNING`) and PostgreSQL counts those. Returning and
/// grouping the rows in PostgreSQL cost a 1,000-point batch about a tenth more of its CPU.
extension PostgresTrackingStore {
    /// What the point insert returns for ``stepCountsUpsert(from:)``.
    static let insertedPointsReturning = "RETURNING run_pk, key_id, step"

    /// The CTE body that adds the counts bound by ``stepCountColumns(_:keyIDs:)`` to the run of the
    /// CTE `target`.
    static let stepCountsUpsertFromArrays = """
        INSERT INTO metric_step_counts AS c (run_pk, key_id, level, block, points)
        SELECT target.run_pk, u.* FROM target, UNNEST(?::int8[], ?::int8[], ?::int8[], ?::int8[]) AS u (key_id, level, block, points)
        ORDER BY 2, 3, 4
        ON CONFLICT (run_pk, key_id, level, block) DO UPDATE SET points = c.points + excluded.points
        """

    /// The points of `columns` per (key, level, block), as the arrays ``stepCountsUpsertFromArrays``
    /// binds, in key order. The (key, step) pairs are sorted and each level's blocks counted in one
    /// pass: a batch logs its keys interleaved (every key at one step, then the next step), which made
    /// counting through a dictionary cost a hash update per point and level.
    static func stepCountColumns(_ columns: PointColumns) -> [SQLValue] {
        var points = Array(zip(columns.keys, columns.steps))
        points.sort { $0 < $1 }
        var keys: [Int64] = [], levels: [Int64] = [], blocks: [Int64] = [], counts: [Int64] = []
        for level in MetricStepBlocks.shifts.indices {
            var index = 0
            while index < points.count {
                let key = points[index].0
                let block = MetricStepBlocks.block(of: points[index].1, level: level)
                var end = index + 1
                while end < points.count, points[end].0 == key, MetricStepBlocks.block(of: points[end].1, level: level) == block { end += 1 }
                keys.append(key)
                levels.append(Int64(level))
                blocks.append(block)
                counts.append(Int64(end - index))
                index = end
            }
        }
        return [.integers(keys), .integers(levels), .integers(blocks), .integers(counts)]
    }

    /// The CTE body that counts the points the CTE `inserted` returned. The rows are upserted in key
    /// order, so two statements adding to the same blocks lock them in the same order and wait for
    /// each other instead of deadlocking.
    static func stepCountsUpsert(from inserted: String) -> String {
        let grains = MetricStepBlocks.shifts.indices.map { "(\($0), \(MetricStepBlocks.shifts[$0]))" }.joined(separator: ", ")
        return """
            INSERT INTO metric_step_counts AS c (run_pk, key_id, level, block, points)
            SELECT i.run_pk, i.key_id, g.level, i.step >> g.shift, count(*) FROM \(inserted) i, (VALUES \(grains)) AS g (level, shift)
            GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            ON CONFLICT (run_pk, key_id, level, block) DO UPDATE SET points = c.points + excluded.points
            """
    }
}
