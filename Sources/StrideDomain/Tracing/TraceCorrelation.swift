#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `traces/calculate-filter-correlation`: how strongly two trace filters co-occur, as MLflow
/// measures it: normalized pointwise mutual information (NPMI) over the 2×2 table of counts,
/// unsmoothed and with Jeffreys-prior smoothing (0.5 added to each cell).
public struct TraceCorrelation: Sendable, Hashable {
    public var totalCount: Int
    public var filter1Count: Int
    public var filter2Count: Int
    public var jointCount: Int

    public init(totalCount: Int, filter1Count: Int, filter2Count: Int, jointCount: Int) {
        self.totalCount = totalCount
        self.filter1Count = filter1Count
        self.filter2Count = filter2Count
        self.jointCount = jointCount
    }

    /// NaN when undefined (no traces, or a filter matching none); -1 when both match some traces
    /// but never the same one.
    public var npmi: Double {
        guard let cells else { return .nan }
        if jointCount == 0 { return -1 }
        return Self.npmi(cells, smoothing: 0)
    }

    public var npmiSmoothed: Double {
        guard let cells else { return .nan }
        return Self.npmi(cells, smoothing: 0.5)
    }

    /// Both, one, the other, neither; nil when the counts are undefined or inconsistent.
    private var cells: (both: Double, first: Double, second: Double, neither: Double)? {
        guard totalCount > 0, filter1Count > 0, filter2Count > 0 else { return nil }
        let both = jointCount
        let first = filter1Count - jointCount
        let second = filter2Count - jointCount
        let neither = totalCount - filter1Count - filter2Count + jointCount
        guard min(both, first, second, neither) >= 0 else { return nil }
        return (Double(both), Double(first), Double(second), Double(neither))
    }

    private static func npmi(_ cells: (both: Double, first: Double, second: Double, neither: Double), smoothing: Double) -> Double {
        let both = cells.both + smoothing
        let first = cells.first + smoothing
        let second = cells.second + smoothing
        let neither = cells.neither + smoothing
        let total = both + first + second + neither
        let marginal1 = both + first
        let marginal2 = both + second
        guard marginal1 > 0, marginal2 > 0, both > 0 else { return .nan }
        if cells.first == 0, cells.second == 0, cells.neither == 0 { return 1 }
        let logBoth = log(both)
        let logTotal = log(total)
        let pmi = (logBoth + logTotal) - (log(marginal1) + log(marginal2))
        let denominator = -(logBoth - logTotal)
        guard denominator != 0 else { return 1 }
        return max(-1, min(1, pmi / denominator))
    }
}
