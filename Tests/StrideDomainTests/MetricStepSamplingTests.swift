import Testing
import StrideDomain

@Suite("Bulk-interval sampling follows MLflow's step rule")
struct MetricStepSamplingTests {
    @Test("positions are int(i * count / max_results) plus the last; all positions when few")
    func positions() {
        #expect(MetricStepSampling.positions(count: 10, maxResults: 5) == [0, 2, 4, 6, 8, 9])
        #expect(MetricStepSampling.positions(count: 20, maxResults: 5) == [0, 4, 8, 12, 16, 19])
        #expect(MetricStepSampling.positions(count: 10, maxResults: 4) == [0, 2, 5, 7, 9])
        #expect(MetricStepSampling.positions(count: 3, maxResults: 5) == [0, 1, 2])
        #expect(MetricStepSampling.positions(count: 0, maxResults: 5) == [])
    }

    @Test("consecutive runs merge into ranges whose k-th step is arithmetic")
    func ranges() {
        let union = MetricStepSampling.union([10...19, 0...9, 30...30, 25...31])
        #expect(union == [0...19, 25...31])
        #expect(MetricStepSampling.steps(at: [0, 19, 20, 26, 27], in: union) == [0, 19, 25, 31])
        #expect(MetricStepSampling.count(of: Int64.min...Int64.max) == Int.max)
    }
}
