import GRDB
import StrideStore

/// One stored metric point as the primary key orders it (raw columns, so it can resume a keyset seek).
struct StoredMetricPoint {
    var step: Int64
    var timestamp: Int64
    var value: Double
    var isNaN: Int64

    static let columns = "step, timestamp, value, is_nan"

    init(_ row: Row) {
        step = row[0]
        timestamp = row[1]
        value = row[2]
        isNaN = row[3]
    }
}

/// Positions in one (run, key) history, ordered as the primary key orders its points, answered from
/// `metric_step_counts` and short index seeks (see `MetricStepCounts`); used inside one read
/// transaction, so the counts and the points agree.
struct MetricHistoryPositions {
    private let db: Database
    private let runPK: Int64
    private let keyID: Int64
    /// The coarse blocks in step order, each with the number of points before it.
    private let coarse: [MetricStepBlocks.Counted]
    /// Fine blocks of the coarse blocks read so far, by coarse block.
    private var fine: [Int64: [MetricStepBlocks.Counted]] = [:]
    /// The point found last, to skip forward from it rather than from its block's start.
    private var previous: (position: Int, point: StoredMetricPoint)?

    init(runPK: Int64, keyID: Int64, in db: Database) throws {
        self.db = db
        self.runPK = runPK
        self.keyID = keyID
        coarse = try Self.blocks(level: 0, runPK: runPK, keyID: keyID, within: Int64.min...Int64.max, in: db)
    }

    /// Every point of the history.
    var total: Int {
        MetricStepBlocks.total(of: coarse)
    }

    /// The number of points whose step is below `step`.
    mutating func count(before step: Int64) throws -> Int {
        guard step != Int64.min else { return 0 }
        let (before, holding) = MetricStepBlocks.count(before: step, in: coarse)
        guard let holding else { return before }
        let (within, partialFrom) = MetricStepBlocks.count(before: step, in: holding, fines: try fineBlocks(of: holding))
        guard let partialFrom else { return before + within }
        let partial = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM metrics WHERE run_pk = ? AND key_id = ? AND step >= ? AND step < ?"),
            arguments: [runPK, keyID, partialFrom, step]) ?? 0
        return before + within + partial
    }

    /// The points at `positions` (zero-based over the whole history, ascending).
    ///
    /// A position that lies few points into its fine block is sought with others in one statement (a
    /// statement per point would cost more than its seek); one deep in a block, where many points
    /// share steps, skips forward from the point found before it, so such a block is walked at most once.
    mutating func points(at positions: [Int]) throws -> [StoredMetricPoint] {
        var found: [StoredMetricPoint] = []
        found.reserveCapacity(positions.count)
        var batch: [Seek] = []
        for position in positions {
            guard let seek = try seek(position) else { continue }
            if seek.skip <= Self.maxBatchedSkip {
                batch.append(seek)
                if batch.count == Self.maxBatch { try flush(&batch, into: &found) }
                continue
            }
            try flush(&batch, into: &found)
            let point: StoredMetricPoint?
            if let previous, previous.position < position, position - previous.position - 1 < seek.skip {
                point = try Row.fetchOne(
                    db.cachedStatement(sql: """
                        SELECT \(StoredMetricPoint.columns) FROM metrics
                        WHERE run_pk = ? AND key_id = ? AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)
                        ORDER BY step, timestamp, value, is_nan LIMIT 1 OFFSET ?
                        """),
                    arguments: [runPK, keyID, previous.point.step, previous.point.timestamp, previous.point.value, previous.point.isNaN,
                                position - previous.position - 1]
                ).map(StoredMetricPoint.init)
            } else {
                point = try fetch([seek]).first
            }
            if let point {
                found.append(point)
                previous = (position, point)
            }
        }
        try flush(&batch, into: &found)
        return found
    }

    /// Skips up to this many points are sought in batches; deeper ones skip from the previous point.
    private static let maxBatchedSkip = 4096
    /// Seeks per statement (a power of two, so few statement shapes are cached).
    private static let maxBatch = 64

    /// Where a position lies: the first step of its fine block and how many points to skip from there.
    private struct Seek {
        var position: Int
        var blockStart: Int64
        var skip: Int
    }

    private mutating func seek(_ position: Int) throws -> Seek? {
        guard let holding = MetricStepBlocks.coarseBlock(holding: position, in: coarse),
            let found = MetricStepBlocks.seek(position, in: holding, fines: try fineBlocks(of: holding))
        else { return nil }
        return Seek(position: position, blockStart: found.blockStart, skip: found.skip)
    }

    private mutating func flush(_ batch: inout [Seek], into found: inout [StoredMetricPoint]) throws {
        guard !batch.isEmpty else { return }
        let points = try fetch(batch)
        if let last = points.last, let seek = batch.last, points.count == batch.count { previous = (seek.position, last) }
        found += points
        batch.removeAll(keepingCapacity: true)
    }

    /// One statement of `UNION ALL`ed index seeks in power-of-two chunks, answers in the seeks' order.
    private func fetch(_ seeks: [Seek]) throws -> [StoredMetricPoint] {
        var points: [StoredMetricPoint] = []
        var start = 0
        while start < seeks.count {
            var size = Self.maxBatch
            while size > seeks.count - start { size >>= 1 }
            let chunk = seeks[start..<(start + size)]
            var arguments: StatementArguments = []
            for seek in chunk { arguments += [runPK, keyID, seek.blockStart, seek.skip] }
            let rows = try Row.fetchAll(db.cachedStatement(sql: Self.seekStatement(size)), arguments: arguments)
            points += rows.sorted { ($0[4] as Int) < ($1[4] as Int) }.map(StoredMetricPoint.init)
            start += size
        }
        return points
    }

    private static func seekStatement(_ seeks: Int) -> String {
        (0..<seeks).map { term in
            """
            SELECT *, \(term) FROM (SELECT \(StoredMetricPoint.columns) FROM metrics WHERE run_pk = ? AND key_id = ? AND step >= ?
            ORDER BY step, timestamp, value, is_nan LIMIT 1 OFFSET ?)
            """
        }.joined(separator: " UNION ALL ")
    }

    private mutating func fineBlocks(of coarseBlock: MetricStepBlocks.Counted) throws -> [MetricStepBlocks.Counted] {
        if let known = fine[coarseBlock.block] { return known }
        let blocks = try Self.blocks(
            level: MetricStepBlocks.fine, runPK: runPK, keyID: keyID, within: MetricStepBlocks.fineBlocks(ofCoarse: coarseBlock.block), in: db)
        fine[coarseBlock.block] = blocks
        return blocks
    }

    private static func blocks(level: Int, runPK: Int64, keyID: Int64, within range: ClosedRange<Int64>, in db: Database) throws
        -> [MetricStepBlocks.Counted]
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT block, points FROM metric_step_counts
                WHERE run_pk = ? AND key_id = ? AND level = ? AND block BETWEEN ? AND ? ORDER BY block
                """),
            arguments: [runPK, keyID, level, range.lowerBound, range.upperBound])
        return MetricStepBlocks.Counted.running(rows.map { (block: $0[0], points: $0[1]) })
    }
}
