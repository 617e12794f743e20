import StrideDomain
@testable import StridePostgres
import StrideStore
import Testing

@Suite("Step counts a one-statement batch binds for metric_step_counts")
struct StepCountColumnsTests {
    /// The bound arrays as (key id, level, block) → points.
    private func counts(_ metrics: [Metric], keyIDs: [String: Int64]) throws -> [[Int64]: Int64] {
        let columns = PostgresTrackingStore.stepCountColumns(PostgresTrackingStore.PointColumns(metrics, keyIDs: keyIDs))
        guard case .integers(let keys) = columns[0], case .integers(let levels) = columns[1], case .integers(let blocks) = columns[2],
            case .integers(let points) = columns[3]
        else { throw CountColumnsError.notIntegerArrays }
        #expect(Set([keys.count, levels.count, blocks.count, points.count]).count == 1)
        var result: [[Int64]: Int64] = [:]
        for index in keys.indices {
            #expect(result[[keys[index], levels[index], blocks[index]]] == nil, "each block is bound once")
            result[[keys[index], levels[index], blocks[index]]] = points[index]
        }
        return result
    }

    private enum CountColumnsError: Error { case notIntegerArrays }

    @Test("every point is counted once per grain, in any order, across keys and negative steps")
    func countsEveryPoint() throws {
        let steps: [Int64] = [0, 1, 255, 256, 70_000, -1, 3, 256, 65_535, 65_536, -300]
        let metrics = steps.enumerated().map { index, step in
            Metric(key: index % 3 == 0 ? "loss" : "acc", value: 1, timestamp: Int64(index), step: step)
        }
        let keyIDs: [String: Int64] = ["loss": 7, "acc": 9]
        var expected: [[Int64]: Int64] = [:]
        for metric in metrics {
            for level in MetricStepBlocks.shifts.indices {
                expected[[keyIDs[metric.key] ?? 0, Int64(level), MetricStepBlocks.block(of: metric.step, level: level)], default: 0] += 1
            }
        }
        #expect(try counts(metrics, keyIDs: keyIDs) == expected)
        #expect(try counts([], keyIDs: keyIDs).isEmpty)
    }

    @Test("keys logged interleaved, step by step, make one count per key and block touched")
    func interleavedBatch() throws {
        let metrics = (0..<500).flatMap { step in
            ["loss", "acc"].map { Metric(key: $0, value: 1, timestamp: 1, step: Int64(step)) }
        }
        let counted = try counts(metrics, keyIDs: ["loss": 1, "acc": 2])
        #expect(counted == [
            [1, 0, 0]: 500, [1, 1, 0]: 256, [1, 1, 1]: 244,
            [2, 0, 0]: 500, [2, 1, 0]: 256, [2, 1, 1]: 244,
        ])
    }
}
