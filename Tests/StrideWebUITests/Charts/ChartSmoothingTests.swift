import Testing
@testable import StrideWebUI

@Suite("EMA smoothing")
struct ChartSmoothingTests {
    @Test("debiased EMA matches values computed by hand")
    func debiasedExponentialMovingAverage() {
        // weight 0.5: accumulations 0.5, 1.25, 2.125 over debias factors 0.5, 0.75, 0.875.
        let smoothed = ChartSmoothing.exponentialMovingAverage([1, 2, 3], weight: 0.5)
        let expected = [1.0, 5.0 / 3.0, 17.0 / 7.0]
        for (value, want) in zip(smoothed, expected) {
            #expect(abs(value - want) < 1e-12)
        }
    }

    @Test("non-finite values stay gaps and do not reset the average")
    func gapsAreKept() {
        let smoothed = ChartSmoothing.exponentialMovingAverage([4, .nan, 4, 8], weight: 0.5)
        #expect(smoothed[0] == 4)
        #expect(smoothed[1].isNaN)
        #expect(smoothed[2] == 4)
        // Third finite value: accumulation 0.5·3 + 0.5·8 = 5.5 over 1 - 0.125.
        #expect(abs(smoothed[3] - 5.5 / 0.875) < 1e-12)
    }

    @Test("weight 0 leaves values as they are")
    func zeroWeightIsIdentity() {
        #expect(ChartSmoothing.exponentialMovingAverage([1, 5, 2], weight: 0) == [1, 5, 2])
    }
}
