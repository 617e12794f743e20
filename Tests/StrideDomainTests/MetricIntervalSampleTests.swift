import Testing
import StrideDomain

@Suite("get-history-bulk-interval's sample positions (MLflow's NTILE rule)")
struct MetricIntervalSampleTests {
    /// The rule as MLflow's SQL states it: deal the rows into buckets one by one (NTILE), keep each
    /// bucket's first row, then put the last row in place of the last sample if it is not one.
    private func dealtIntoBuckets(count: Int, limit: Int) -> [Int] {
        var sizes = Array(repeating: count / limit, count: limit)
        for bucket in 0..<(count % limit) { sizes[bucket] += 1 }
        var firsts: [Int] = []
        var row = 0
        for size in sizes where size > 0 {
            firsts.append(row)
            row += size
        }
        if firsts.last != count - 1 {
            if firsts.count >= limit { firsts.removeLast() }
            firsts.append(count - 1)
        }
        return firsts
    }

    @Test("positions equal the bucket-by-bucket rule for every count and limit up to 60")
    func matchesTheBucketRule() {
        for count in 1...60 {
            for limit in 1...60 {
                #expect(MetricIntervalSample.positions(count: count, limit: limit) == dealtIntoBuckets(count: count, limit: limit),
                        "count \(count), limit \(limit)")
            }
        }
    }

    @Test("the cases MLflow's tests and docs name")
    func namedCases() {
        #expect(MetricIntervalSample.positions(count: 10, limit: 5) == [0, 2, 4, 6, 9])
        #expect(MetricIntervalSample.positions(count: 13, limit: 5) == [0, 3, 6, 9, 12])
        #expect(MetricIntervalSample.positions(count: 11, limit: 3) == [0, 4, 10])
        #expect(MetricIntervalSample.positions(count: 4, limit: 10) == [0, 1, 2, 3])
        #expect(MetricIntervalSample.positions(count: 7, limit: 1) == [6])
        #expect(MetricIntervalSample.positions(count: 0, limit: 5) == [])
    }

    @Test("a million points in 2,500 buckets: 400 apart, the last point last")
    func largeHistory() {
        let positions = MetricIntervalSample.positions(count: 1_000_000, limit: 2500)
        #expect(positions.count == 2500)
        #expect(positions[1] == 400)
        #expect(positions[2498] == 999_200)
        #expect(positions.last == 999_999)
    }
}
