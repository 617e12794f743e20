import Testing
import StrideDomain
import StrideStore

@Suite("Store contract: metric history")
struct MetricHistoryContractTests {
    @Test("history pages in step order without skips or repeats, and duplicates are stored once", arguments: StoreBackend.all)
    func paging(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            let points = (0..<2500).map { Metric(key: "loss", value: Double($0) / 10, timestamp: Int64(1000 + $0), step: Int64($0)) }
            for chunk in stride(from: 0, to: points.count, by: 1000) {
                try await store.logBatch(runID: runID, RunBatch(metrics: Array(points[chunk..<min(chunk + 1000, points.count)])))
            }
            try await store.logBatch(runID: runID, RunBatch(metrics: Array(points[0..<10])))

            var read: [Metric] = []
            var cursor: MetricCursor? = nil
            repeat {
                let page = try await store.metricHistory(runID: runID, key: "loss", limit: 700, after: cursor)
                read += page.metrics
                cursor = page.next
            } while cursor != nil
            #expect(read == points)
            let all = try await store.metricHistory(runID: runID, key: "loss", limit: nil, after: nil)
            #expect(all.metrics.count == 2500)
            #expect(all.next == nil)
            #expect(try await store.metricHistory(runID: runID, key: "unknown", limit: 10, after: nil).metrics.isEmpty)
        }
    }

    @Test("the same step at several timestamps and NaN values keep their order", arguments: StoreBackend.all)
    func ties(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: runID, RunBatch(metrics: [
                Metric(key: "m", value: 2, timestamp: 5, step: 1),
                Metric(key: "m", value: .nan, timestamp: 4, step: 1),
                Metric(key: "m", value: .infinity, timestamp: 6, step: 1),
            ]))
            let page1 = try await store.metricHistory(runID: runID, key: "m", limit: 1, after: nil)
            let page2 = try await store.metricHistory(runID: runID, key: "m", limit: 5, after: page1.next)
            #expect(page1.metrics[0].value.isNaN)
            #expect(page2.metrics.map(\.value) == [2, .infinity])
        }
    }

    @Test("sampling keeps the first and last point and at most max_results per run", arguments: StoreBackend.all)
    func sampling(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let first = try await store.makeRun(in: .defaultExperiment)
            let second = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: first, RunBatch(metrics: (0..<1000).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }))
            try await store.logBatch(runID: second, RunBatch(metrics: (0..<5).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }))
            let sampled = try await store.sampledMetricHistory(runIDs: [first, second], key: "m", maxResultsPerRun: 50, steps: nil)
            let firstSteps = sampled.filter { $0.runID == first }.map(\.metric.step)
            #expect(firstSteps.count <= 50)
            #expect(firstSteps.count >= 40)
            #expect(firstSteps.first == 0)
            #expect(firstSteps.last == 999)
            #expect(firstSteps == firstSteps.sorted())
            #expect(sampled.filter { $0.runID == second }.map(\.metric.step) == [0, 1, 2, 3, 4])
            let ranged = try await store.sampledMetricHistory(runIDs: [first], key: "m", maxResultsPerRun: 10, steps: 100...200)
            #expect(ranged.first?.metric.step == 100)
            #expect(ranged.last?.metric.step == 200)
            #expect(ranged.count <= 10)
        }
    }

    @Test("a NaN last point is kept once; max_results 1 gives the last point alone, as in MLflow", arguments: StoreBackend.all)
    func samplingEdges(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            var points = (0..<99).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
            points.append(Metric(key: "m", value: .nan, timestamp: 1, step: 99))
            try await store.logBatch(runID: runID, RunBatch(metrics: points))
            let sampled = try await store.sampledMetricHistory(runIDs: [runID], key: "m", maxResultsPerRun: 10, steps: nil).map(\.metric)
            #expect(sampled.count == 10)
            #expect(sampled.filter { $0.step == 99 }.count == 1)
            #expect(sampled.last?.value.isNaN == true)
            let single = try await store.sampledMetricHistory(runIDs: [runID], key: "m", maxResultsPerRun: 1, steps: nil).map(\.metric.step)
            #expect(single == [99])

            // Eleven points in three NTILE buckets start at positions 0, 4 and 8; the final NaN point
            // replaces the last sample, as in MLflow.
            let sparse = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: sparse, RunBatch(metrics: (0..<10).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0)) }
                + [Metric(key: "m", value: .nan, timestamp: 1, step: 100)]))
            let gapped = try await store.sampledMetricHistory(runIDs: [sparse], key: "m", maxResultsPerRun: 3, steps: nil).map(\.metric.step)
            #expect(gapped == [0, 4, 100])
        }
    }

    @Test("the sample is MLflow's rule applied to the ordered points, across blocks, duplicates, re-logs and step ranges",
          arguments: StoreBackend.all)
    func samplingMatchesTheRule(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            // Steps from negative to past 2^17, spaced to cross fine (2^8) and coarse (2^16) step blocks,
            // several points on some steps, logged out of order in two batches, then partly logged again.
            var points: [Metric] = []
            for index in 0..<3000 {
                let step = Int64(index * 53 - 20_000)
                points.append(Metric(key: "m", value: Double(index % 17), timestamp: Int64(index % 5), step: step))
                if index % 7 == 0 { points.append(Metric(key: "m", value: -1, timestamp: 9, step: step)) }
                if index % 11 == 0 { points.append(Metric(key: "m", value: .nan, timestamp: 9, step: step)) }
            }
            points.append(contentsOf: (0..<9000).map { Metric(key: "m", value: Double($0), timestamp: Int64($0), step: 0) })
            let half = points.count / 2
            try await store.logBatch(runID: runID, RunBatch(metrics: Array(points[half...])))
            try await store.logBatch(runID: runID, RunBatch(metrics: Array(points[..<half])))
            try await store.logBatch(runID: runID, RunBatch(metrics: Array(points[100..<900]) + [Metric(key: "m", value: 5, timestamp: 1, step: 7)]))

            let ordered = try await store.metricHistory(runID: runID, key: "m", limit: nil, after: nil).metrics
            #expect(ordered.count == points.count + 1)
            func expected(_ steps: ClosedRange<Int64>?, _ limit: Int) -> [Metric] {
                let inRange = ordered.filter { steps?.contains($0.step) ?? true }
                return MetricIntervalSample.positions(count: inRange.count, limit: limit).map { inRange[$0] }
            }
            func same(_ lhs: [Metric], _ rhs: [Metric]) -> Bool {
                lhs.count == rhs.count && zip(lhs, rhs).allSatisfy {
                    $0.step == $1.step && $0.timestamp == $1.timestamp && $0.value.bitPattern == $1.value.bitPattern
                }
            }
            for steps: ClosedRange<Int64>? in [nil, -300...300, 0...0, 1...65_536, -20_000 ... -19_990, 140_000...Int64.max, Int64.min...(-1)] {
                for limit in [1, 2, 7, 100, 2500] {
                    let sampled = try await store.sampledMetricHistory(runIDs: [runID], key: "m", maxResultsPerRun: limit, steps: steps)
                    #expect(same(sampled.map(\.metric), expected(steps, limit)), "steps \(String(describing: steps)), limit \(limit)")
                }
            }
        }
    }
}
