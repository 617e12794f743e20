import StrideDomain

/// Tags MLflow's clients set that the UI gives their own columns and sections.
enum RunTagKeys {
    static let sourceName = "mlflow.source.name"
    static let gitCommit = "mlflow.source.git.commit"
    static let gitlabJobID = "gitlab.CI_JOB_ID"
    static let gitlabJobURL = "gitlab.CI_JOB_URL"
}

extension Run {
    func tag(_ key: String) -> String? {
        tags.first { $0.key == key }?.value
    }

    func param(_ key: String) -> String? {
        params.first { $0.key == key }?.value
    }

    func latestMetric(_ key: String) -> Metric? {
        latestMetrics.first { $0.key == key }
    }

    var parentRunID: String? { tag(ReservedTag.parentRunID) }

    /// The script or notebook that started the run, by its last path component.
    var sourceShortName: String {
        guard let source = tag(RunTagKeys.sourceName) else { return "" }
        return source.split(separator: "/").last.map(String.init) ?? source
    }

    var shortCommit: String { tag(RunTagKeys.gitCommit).map { String($0.prefix(8)) } ?? "" }
}
