import GRDB
import StrideStore
import Testing
@testable import StrideSQLite

@Suite("Points per block of steps (metric_step_counts)")
struct MetricStepCountsTests {
    @Test("blocks keep negative steps in order and cover every step once")
    func blocks() {
        #expect(MetricStepBlocks.block(of: -1, level: 1) == -1)
        #expect(MetricStepBlocks.block(of: -256, level: 1) == -1)
        #expect(MetricStepBlocks.block(of: -257, level: 1) == -2)
        #expect(MetricStepBlocks.steps(ofBlock: -1, level: 1) == -256...(-1))
        #expect(MetricStepBlocks.steps(ofBlock: 0, level: 0) == 0...65_535)
        #expect(MetricStepBlocks.steps(ofBlock: MetricStepBlocks.block(of: .max, level: 0), level: 0).upperBound == .max)
        #expect(MetricStepBlocks.steps(ofBlock: MetricStepBlocks.block(of: .min, level: 1), level: 1).lowerBound == .min)
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

    @Test("positions and steps are located through the counts: the coarse block, then the fine block and the skip")
    func locating() throws {
        // 300 points on steps 0..<300, then 10 on steps 70,000..<70,010.
        let coarse = MetricStepBlocks.Counted.running([(block: 0, points: 300), (block: 1, points: 10)])
        let fines = MetricStepBlocks.Counted.running([(block: 0, points: 256), (block: 1, points: 44)])
        let holding = try #require(MetricStepBlocks.coarseBlock(holding: 299, in: coarse))
        #expect(holding.block == 0)
        #expect(MetricStepBlocks.seek(299, in: holding, fines: fines) == MetricStepBlocks.Seek(blockStart: 256, skip: 43))
        #expect(MetricStepBlocks.seek(0, in: holding, fines: fines) == MetricStepBlocks.Seek(blockStart: 0, skip: 0))
        #expect(MetricStepBlocks.coarseBlock(holding: 300, in: coarse)?.block == 1)
        #expect(MetricStepBlocks.coarseBlock(holding: 310, in: coarse) == nil)
        #expect(MetricStepBlocks.coarseBlock(holding: -1, in: coarse) == nil)

        let atStep260 = MetricStepBlocks.count(before: 260, in: coarse)
        #expect(atStep260.points == 0 && atStep260.holding?.block == 0)
        let within = MetricStepBlocks.count(before: 260, in: try #require(atStep260.holding), fines: fines)
        #expect(within.points == 256 && within.partialFrom == 256)
        #expect(MetricStepBlocks.count(before: 600, in: try #require(atStep260.holding), fines: fines) == (300, nil) as (Int, Int64?))
        let pastEnd = MetricStepBlocks.count(before: 200_000, in: coarse)
        #expect(pastEnd.points == 310 && pastEnd.holding == nil)
        let betweenBlocks = MetricStepBlocks.count(before: 131_072, in: coarse)
        #expect(betweenBlocks.points == 310 && betweenBlocks.holding == nil)
    }
}
