import StrideDomain
import StrideStore

/// Positions in one (run, key) history, ordered as the metrics primary key orders its points,
/// answered from `metric_step_counts` (``MetricStepBlocks``) and index seeks that skip fewer than a
/// fine block's points. Used inside one snapshot, so the counts and the points agree.
struct PostgresMetricPositions {
    private let db: Session
    private let runPK: Int64
    private let keyID: Int64
    /// The coarse blocks in step order, each with the number of points before it.
    private let coarse: [MetricStepBlocks.Counted]
    /// Fine blocks of the coarse blocks read so far, by coarse block.
    private var fine: [Int64: [MetricStepBlocks.Counted]] = [:]

    /// One stored point with its raw columns.
    struct Point: Sendable {
        var step: Int64
        var timestamp: Int64
        var value: Double
        var isNaN: Int64
    }

    /// A seek that skips more points than this (many points on few steps) is not served here: the
    /// caller numbers the range's points instead, which costs the range's length once.
    static let maxSkip = 4096

    static func load(runPK: Int64, keyID: Int64, in db: Session) async throws -> PostgresMetricPositions {
        let coarse = try await blocks(level: MetricStepBlocks.coarse, runPK: runPK, keyID: keyID, within: Int64.min...Int64.max, in: db)
        return PostgresMetricPositions(db: db, runPK: runPK, keyID: keyID, coarse: coarse)
    }

    private init(db: Session, runPK: Int64, keyID: Int64, coarse: [MetricStepBlocks.Counted]) {
        self.db = db
        self.runPK = runPK
        self.keyID = keyID
        self.coarse = coarse
    }

    /// Every point of the history.
    var total: Int {
        MetricStepBlocks.total(of: coarse)
    }

    /// The number of points whose step is below `step`.
    mutating func count(before step: Int64) async throws -> Int {
        guard step != Int64.min else { return 0 }
        let (before, holding) = MetricStepBlocks.count(before: step, in: coarse)
        guard let holding else { return before }
        let (within, partialFrom) = MetricStepBlocks.count(before: step, in: holding, fines: try await fineBlocks(of: holding))
        guard let partialFrom else { return before + within }
        let partial = try await db.row(SQL(
            "SELECT count(*) FROM metrics WHERE run_pk = ? AND key_id = ? AND step >= ? AND step < ?", runPK, keyID, partialFrom, step))
        return before + within + Int(partial?.int(0) ?? 0)
    }

    /// Where the point at `position` (zero-based over the whole history) lies; nil past the end.
    mutating func seek(_ position: Int) async throws -> MetricStepBlocks.Seek? {
        guard let holding = MetricStepBlocks.coarseBlock(holding: position, in: coarse) else { return nil }
        return MetricStepBlocks.seek(position, in: holding, fines: try await fineBlocks(of: holding))
    }

    /// Reads, in one statement, the fine blocks of every coarse block that holds one of `positions`
    /// (zero-based over the whole history), so finding them costs no round trip per coarse block.
    mutating func prefetchBlocks(holding positions: [Int]) async throws {
        var wanted = Set<Int64>()
        for position in positions {
            if let holding = MetricStepBlocks.coarseBlock(holding: position, in: coarse), fine[holding.block] == nil {
                wanted.insert(holding.block)
            }
        }
        guard !wanted.isEmpty else { return }
        let fineShift = MetricStepBlocks.shifts[MetricStepBlocks.coarse] - MetricStepBlocks.shifts[MetricStepBlocks.fine]
        let rows = try await db.rows(SQL(
            """
            SELECT block, points FROM metric_step_counts
            WHERE run_pk = ? AND key_id = ? AND level = ? AND block >> \(fineShift) = ANY(?::int8[]) ORDER BY block
            """,
            [.integer(runPK), .integer(keyID), .integer(Int64(MetricStepBlocks.fine)), .integers(wanted.sorted())]))
        var byCoarse: [Int64: [(block: Int64, points: Int)]] = [:]
        for row in rows { byCoarse[row.int(0) >> fineShift, default: []].append((row.int(0), Int(row.int(1)))) }
        for block in wanted { fine[block] = MetricStepBlocks.Counted.running(byCoarse[block] ?? []) }
    }

    /// The points the seeks find, in the seeks' order: one statement, an index seek per point.
    func points(at seeks: [MetricStepBlocks.Seek]) async throws -> [Point] {
        guard !seeks.isEmpty else { return [] }
        let rows = try await db.rows(SQL(
            """
            SELECT p.step, p.timestamp, p.value, p.is_nan
            FROM UNNEST(?::int8[], ?::int8[]) WITH ORDINALITY AS s (block_start, skip, n)
            CROSS JOIN LATERAL (
                SELECT step, timestamp, value, is_nan FROM metrics
                WHERE run_pk = ? AND key_id = ? AND step >= s.block_start
                ORDER BY step, timestamp, value, is_nan OFFSET s.skip LIMIT 1
            ) p
            ORDER BY s.n
            """,
            [.integers(seeks.map(\.blockStart)), .integers(seeks.map { Int64($0.skip) }), .integer(runPK), .integer(keyID)]))
        return rows.map { Point(step: $0.int(0), timestamp: $0.int(1), value: $0.double(2), isNaN: $0.int(3)) }
    }

    private mutating func fineBlocks(of coarseBlock: MetricStepBlocks.Counted) async throws -> [MetricStepBlocks.Counted] {
        if let known = fine[coarseBlock.block] { return known }
        let blocks = try await Self.blocks(
            level: MetricStepBlocks.fine, runPK: runPK, keyID: keyID, within: MetricStepBlocks.fineBlocks(ofCoarse: coarseBlock.block), in: db)
        fine[coarseBlock.block] = blocks
        return blocks
    }

    private static func blocks(level: Int, runPK: Int64, keyID: Int64, within range: ClosedRange<Int64>, in db: Session)
        async throws -> [MetricStepBlocks.Counted]
    {
        let rows = try await db.rows(SQL(
            """
            SELECT block, points FROM metric_step_counts
            WHERE run_pk = ? AND key_id = ? AND level = ? AND block BETWEEN ? AND ? ORDER BY block
            """,
            runPK, keyID, Int64(level), range.lowerBound, range.upperBound))
        return MetricStepBlocks.Counted.running(rows.map { (block: $0.int(0), points: Int($0.int(1))) })
    }
}
