/// Blocks of metric steps, at a coarse grain (2^16 steps) and a fine one (2^8 steps), by which a
/// store counts the points of each (run, key) history (`metric_step_counts` in both stores).
///
/// A database cannot tell the position of a row in an index without walking to it; these counts can.
/// The point at position p of a history is found by summing the coarse blocks, then the fine blocks
/// of one coarse block, then skipping fewer than a fine block's points in the primary key. That keeps
/// MLflow's exact bulk-interval sample (`MetricIntervalSample`) in milliseconds on a million points.
public enum MetricStepBlocks {
    /// Level 0 is the coarse grain, level 1 the fine one; a block holds `1 << shift` steps.
    public static let shifts: [Int64] = [16, 8]
    public static let coarse = 0
    public static let fine = 1

    public static func block(of step: Int64, level: Int) -> Int64 {
        step >> shifts[level]
    }

    /// The steps of a block; arithmetic shifts keep negative steps in order and never overflow.
    public static func steps(ofBlock block: Int64, level: Int) -> ClosedRange<Int64> {
        let first = block << shifts[level]
        return first...(first | ((1 << shifts[level]) - 1))
    }

    /// The fine blocks that make up a coarse block.
    public static func fineBlocks(ofCoarse block: Int64) -> ClosedRange<Int64> {
        let steps = steps(ofBlock: block, level: coarse)
        return Self.block(of: steps.lowerBound, level: fine)...Self.block(of: steps.upperBound, level: fine)
    }

    /// A block with its points and the points of the blocks before it (in its coarse block, for a
    /// fine block; in the history, for a coarse one).
    public struct Counted: Sendable, Equatable {
        public var block: Int64
        public var before: Int
        public var points: Int

        /// Blocks in step order, given as (block, points).
        public static func running(_ counts: some Sequence<(block: Int64, points: Int)>) -> [Counted] {
            var before = 0
            return counts.map { count in
                defer { before += count.points }
                return Counted(block: count.block, before: before, points: count.points)
            }
        }
    }

    /// Where a position lies: the first step of its fine block and how many points to skip from there.
    public struct Seek: Sendable, Equatable {
        public var blockStart: Int64
        public var skip: Int

        public init(blockStart: Int64, skip: Int) {
            self.blockStart = blockStart
            self.skip = skip
        }
    }

    /// Every point of a history, from its coarse blocks.
    public static func total(of coarse: [Counted]) -> Int {
        coarse.last.map { $0.before + $0.points } ?? 0
    }

    /// The coarse block holding the point at `position` (zero-based over the history); nil past the end.
    public static func coarseBlock(holding position: Int, in coarse: [Counted]) -> Counted? {
        let index = firstIndex(in: coarse) { $0.before + $0.points > position }
        return position >= 0 && index < coarse.count ? coarse[index] : nil
    }

    /// Where the point at `position` lies, given the coarse block holding it and that block's fine blocks.
    public static func seek(_ position: Int, in coarseBlock: Counted, fines: [Counted]) -> Seek? {
        let withinCoarse = position - coarseBlock.before
        let index = firstIndex(in: fines) { $0.before + $0.points > withinCoarse }
        guard index < fines.count else { return nil }
        return Seek(blockStart: steps(ofBlock: fines[index].block, level: fine).lowerBound, skip: withinCoarse - fines[index].before)
    }

    /// The points below `step` that the coarse counts tell: those of the coarse blocks before `step`'s,
    /// and that block itself when it holds points (its fine blocks tell the rest, ``count(before:in:fines:)``).
    public static func count(before step: Int64, in coarse: [Counted]) -> (points: Int, holding: Counted?) {
        let block = block(of: step, level: Self.coarse)
        let index = firstIndex(in: coarse) { $0.block >= block }
        guard index < coarse.count else { return (total(of: coarse), nil) }
        return (coarse[index].before, coarse[index].block == block ? coarse[index] : nil)
    }

    /// The points below `step` within `holding`, the coarse block of `step`, that its fine counts tell;
    /// `partialFrom` is the first step of `step`'s own fine block when it holds points, whose points from
    /// there up to `step` the store counts itself.
    public static func count(before step: Int64, in holding: Counted, fines: [Counted]) -> (points: Int, partialFrom: Int64?) {
        let block = block(of: step, level: fine)
        let index = firstIndex(in: fines) { $0.block >= block }
        guard index < fines.count else { return (holding.points, nil) }
        return (fines[index].before, fines[index].block == block ? steps(ofBlock: block, level: fine).lowerBound : nil)
    }

    /// Binary search: the first index whose block satisfies `isAtOrPast` (monotone over the blocks).
    public static func firstIndex(in blocks: [Counted], where isAtOrPast: (Counted) -> Bool) -> Int {
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = low + (high - low) / 2
            if isAtOrPast(blocks[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
