import Foundation

/// Exponential moving average as TensorBoard and MLflow draw it: debiased, so the first points are
/// not pulled towards zero, and skipping non-finite values, which stay as they are (gaps).
enum ChartSmoothing {
    static func exponentialMovingAverage(_ values: [Double], weight: Double) -> [Double] {
        guard weight > 0, weight < 1 else { return values }
        var accumulated = 0.0
        var debiasDenominator = 1.0
        return values.map { value in
            guard value.isFinite else { return value }
            accumulated = accumulated * weight + (1 - weight) * value
            debiasDenominator *= weight
            // The average of finite values is finite; rounding near the largest double must not make it infinite.
            return ChartMath.finite(accumulated / (1 - debiasDenominator))
        }
    }
}
