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

    @Test("sampling picks MLflow's steps: positions int(i * count / max_results) of the runs' steps, the last, and each run's ends",
        arguments: StoreBackend.all)
    func sampling(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let first = try await store.makeRun(in: .defaultExperiment)
            let second = try await store.makeRun(in: .defaultExperiment)
            try await store.logBatch(runID: first, RunBatch(metrics: (0..<10).map { Metric(key: "m", value: 10, timestamp: 1, step: Int64($0)) }))
            try await store.logBatch(runID: second, RunBatch(metrics: (0..<20).map { Metric(key: "m", value: 10, timestamp: 1, step: Int64($0)) }))
            let alone = try await store.sampledMetricHistory(runIDs: [first], key: "m", maxResultsPerRun: 5, steps: nil)
            #expect(alone.map(\.metric.step) == [0, 2, 4, 6, 8, 9])
            let ranged = try await store.sampledMetricHistory(runIDs: [first], key: "m", maxResultsPerRun: 5, steps: 0...4)
            #expect(ranged.map(\.metric.step) == [0, 1, 2, 3, 4])
            // Both runs are sampled on the union of their steps, and each run's last step is kept.
            let both = try await store.sampledMetricHistory(runIDs: [first, second], key: "m", maxResultsPerRun: 5, steps: nil)
            #expect(both.filter { $0.runID == first }.map(\.metric.step) == [0, 4, 8, 9])
            #expect(both.filter { $0.runID == second }.map(\.metric.step) == [0, 4, 8, 9, 12, 16, 19])
        }
    }

    @Test("histories with gaps and repeated steps are sampled on their distinct steps, every point at a chosen step returned",
        arguments: StoreBackend.all)
    func samplingGaps(backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let runID = try await store.makeRun(in: .defaultExperiment)
            var points = (0..<10).map { Metric(key: "m", value: Double($0), timestamp: 1, step: Int64($0 * 10)) }
            points.append(Metric(key: "m", value: .nan, timestamp: 2, step: 90))
            points.append(Metric(key: "m", value: 5, timestamp: 1, step: -5))
            try await store.logBatch(runID: runID, RunBatch(metrics: points))
            // Without a range MLflow starts at step 0, so the negative step is left out.
            let sampled = try await store.sampledMetricHistory(runIDs: [runID], key: "m", maxResultsPerRun: 4, steps: nil).map(\.metric)
            #expect(sampled.map(\.step) == [0, 20, 50, 70, 90, 90])
            #expect(sampled.last?.value.isNaN == true)
            let single = try await store.sampledMetricHistory(runIDs: [runID], key: "m", maxResultsPerRun: 1, steps: -10...100).map(\.metric.step)
            #expect(single == [-5, 90, 90])
        }
    }
}
