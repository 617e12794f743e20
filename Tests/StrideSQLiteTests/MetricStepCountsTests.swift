import GRDB
import Testing
@testable import StrideSQLite

@Suite("Points per block of steps (metric_step_counts)")
struct MetricStepCountsTests {
    @Test("blocks keep negative steps in order and cover every step once")
    func blocks() {
        #expect(MetricStepCounts.block(of: -1, level: 1) == -1)
        #expect(MetricStepCounts.block(of: -256, level: 1) == -1)
        #expect(MetricStepCounts.block(of: -257, level: 1) == -2)
        #expect(MetricStepCounts.steps(ofBlock: -1, level: 1) == -256...(-1))
        #expect(MetricStepCounts.steps(ofBlock: 0, level: 0) == 0...65_535)
        #expect(MetricStepCounts.steps(ofBlock: MetricStepCounts.block(of: .max, level: 0), level: 0).upperBound == .max)
        #expect(MetricStepCounts.steps(ofBlock: MetricStepCounts.block(of: .min, level: 1), level: 1).lowerBound == .min)
    }

    @Test("migration 8 counts the points logged before it, at both grains")
    func backfill() throws {
        let database = try DatabaseQueue()
        try Migrations.migrator.migrate(database, upTo: "v7")
        try database.write { db in
            for (timestamp, (run, step)) in [(1, -300), (1, -1), (1, 0), (1, 0), (1, 255), (1, 256), (1, 70_000), (2, 5)].enumerated() {
                try db.execute(
                    sql: "INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan) VALUES (?, 1, ?, ?, 0, 0)",
                    arguments: [run, step, timestamp])
            }
        }
        try Migrations.migrator.migrate(database)
        let rows = try database.read { db in
            try Row.fetchAll(db, sql: "SELECT run_pk, level, block, points FROM metric_step_counts ORDER BY run_pk, level, block")
                .map { [$0[0], $0[1], $0[2], $0[3]] as [Int64] }
        }
        #expect(rows == [
            [1, 0, -1, 2], [1, 0, 0, 4], [1, 0, 1, 1],
            [1, 1, -2, 1], [1, 1, -1, 1], [1, 1, 0, 3], [1, 1, 1, 1], [1, 1, 273, 1],
            [2, 0, 0, 1], [2, 1, 0, 1],
        ])
    }

    @Test("a batch with duplicates of stored points recounts its blocks exactly, the coarse ones from the fine counts")
    func recountAfterDuplicates() throws {
        let database = try DatabaseQueue()
        try Migrations.migrator.migrate(database)
        func log(_ steps: [Int64], timestamp: Int64) throws {
            try database.write { db in
                var inserted = 0
                for step in steps {
                    try db.execute(
                        sql: "INSERT INTO metrics (run_pk, key_id, step, timestamp, value, is_nan) VALUES (1, 7, ?, ?, 0, 0) ON CONFLICT DO NOTHING",
                        arguments: [step, timestamp])
                    inserted += db.changesCount
                }
                try MetricStepCounts.record(inserted: steps.map { (7, $0) }, allNew: inserted == steps.count, runPK: 1, in: db)
            }
        }
        try log(Array(0..<600) + [70_000, -3], timestamp: 1)
        // Steps 100, 101 and 70,000 again at the same timestamp are duplicates; 65,600 is new.
        try log([100, 70_000, 101, 65_600], timestamp: 1)
        try log([101, 65_600], timestamp: 2)
        let (kept, truth) = try database.read { db in
            let kept = try Row.fetchAll(db, sql: "SELECT level, block, points FROM metric_step_counts ORDER BY level, block")
                .map { [$0[0], $0[1], $0[2]] as [Int64] }
            let truth = try Row.fetchAll(db, sql: """
                SELECT 0, step >> 16 AS block, COUNT(*) FROM metrics GROUP BY block
                UNION ALL SELECT 1, step >> 8 AS block, COUNT(*) FROM metrics GROUP BY block ORDER BY 1, 2
                """).map { [$0[0], $0[1], $0[2]] as [Int64] }
            return (kept, truth)
        }
        #expect(kept == truth)
        #expect(kept.contains([0, 0, 601]))
        #expect(kept.contains([0, 1, 3]))
    }
}
