/// Which value of a metric a runs-table cell shows: the latest, the smallest, the largest, or the
/// value at one chosen step.
enum MetricCellMode: String, CaseIterable, Sendable {
    case last
    case min
    case max
    case step

    init(parameter: String?) {
        self = parameter.flatMap(MetricCellMode.init(rawValue:)) ?? .last
    }

    var label: String {
        switch self {
        case .last: "Last value"
        case .min: "Minimum"
        case .max: "Maximum"
        case .step: "Value at step"
        }
    }
}
