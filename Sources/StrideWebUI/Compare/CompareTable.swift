import StrideDomain

/// The side-by-side table of compared runs: one column per run, one row per param or metric.
struct CompareTable: Sendable {
    struct Row: Sendable {
        var label: String
        var values: [String]
        var differs: Bool
    }

    struct Section: Sendable {
        var title: String
        var rows: [Row]
    }

    var sections: [Section]

    /// - Parameter differencesOnly: keep only rows where some run's value differs from another's
    ///   (a missing value differs from any present one).
    init(runs: [Run], differencesOnly: Bool) {
        let paramKeys = Set(runs.flatMap { $0.params.map(\.key) }).sorted()
        let metricKeys = Set(runs.flatMap { $0.latestMetrics.map(\.key) }).sorted()
        let tagKeys = Set(runs.flatMap { $0.tags.map(\.key) }).filter { !$0.hasPrefix("mlflow.") }.sorted()
        func section(_ title: String, _ keys: [String], _ value: (Run, String) -> String) -> Section {
            let rows = keys.map { key in
                let values = runs.map { value($0, key) }
                return Row(label: key, values: values, differs: Set(values).count > 1)
            }
            return Section(title: title, rows: differencesOnly ? rows.filter(\.differs) : rows)
        }
        sections = [
            section("Params", paramKeys) { $0.param($1) ?? "" },
            section("Metrics (last value)", metricKeys) { run, key in Formatting.number(run.latestMetric(key)?.value) },
            section("Tags", tagKeys) { $0.tag($1) ?? "" },
        ]
    }
}

/// A param or metric of the compared runs read as a number, for the plots.
struct NumericColumn: Sendable, Hashable {
    var column: RunColumn

    var label: String { column.id }

    func value(_ run: Run) -> Double? {
        switch column {
        case .param(let key): run.param(key).flatMap { Double($0) }
        case .metric(let key): run.latestMetric(key)?.value
        default: nil
        }
    }

    /// Params every run that has them logged as numbers, then metrics; text params cannot be plotted.
    static func available(in runs: [Run]) -> [NumericColumn] {
        let params = Set(runs.flatMap { $0.params.map(\.key) }).sorted().filter { key in
            runs.allSatisfy { run in run.param(key).map { Double($0) != nil } ?? true }
        }
        let metrics = Set(runs.flatMap { $0.latestMetrics.map(\.key) }).sorted()
        return params.map { NumericColumn(column: .param($0)) } + metrics.map { NumericColumn(column: .metric($0)) }
    }
}
