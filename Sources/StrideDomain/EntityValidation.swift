/// MLflow's rules for keys and values of metrics, params and tags.
///
/// Lengths are counted in Unicode scalars, as Python's `len` counts code points.
public enum EntityValidation {
    /// Checks a metric, param or tag key: MLflow's character set and "must not resolve to another
    /// name when used as a path" rule. `field` is the request path named in the message.
    public static func validateKey(_ key: String, field: String) throws(StrideError) {
        guard key.unicodeScalars.allSatisfy(isAllowedKeyScalar) else {
            throw .invalidParameter(invalidValueMessage(
                key, field: field,
                "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."))
        }
        let normalized = PosixPath.normalize(key)
        if normalized != key || normalized == "." || normalized.hasPrefix("..") || normalized.hasPrefix("/") {
            throw .invalidParameter(invalidValueMessage(
                key, field: field,
                "Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(normalized)'"))
        }
    }

    /// Rejects a string longer than `limit` with MLflow's "exceeds the maximum length" message.
    public static func validateLength(_ value: String, limit: Int, entity: String) throws(StrideError) {
        if value.unicodeScalars.count > limit {
            throw .invalidParameter("'\(entity)' exceeds the maximum length of \(limit) characters")
        }
    }

    /// Cuts a value to `limit` scalars: MLflow truncates long param and tag values rather than failing.
    public static func truncated(_ value: String, limit: Int) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > limit else { return value }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(limit))
        return String(view)
    }

    /// Validates a metric point; `path` is the JSON path prefix (`metrics[3]`), empty for a single metric.
    public static func validateMetric(_ metric: Metric, path: String = "") throws(StrideError) {
        try validateKey(metric.key, field: joined(path, "name"))
        if metric.timestamp < 0 {
            throw .invalidParameter(invalidValueMessage(
                String(metric.timestamp), field: joined(path, "timestamp"), quoted: false,
                "metric '\(metric.key)' (value=\(metric.value)). Timestamp must be a nonnegative long (64-bit integer) "))
        }
        try validateLength(metric.key, limit: Limits.maxEntityKeyLength, entity: "Metric name")
    }

    /// Validates a param and returns it with its value truncated to MLflow's limit.
    public static func validatedParam(_ param: Param, path: String = "") throws(StrideError) -> Param {
        try validateKey(param.key, field: joined(path, "key"))
        try validateLength(param.key, limit: Limits.maxEntityKeyLength, entity: "Param key")
        return Param(key: param.key, value: truncated(param.value, limit: Limits.maxParamValueLength))
    }

    /// Validates a run tag and returns it with its value truncated to MLflow's limit.
    public static func validatedTag(_ tag: Tag, path: String = "") throws(StrideError) -> Tag {
        try validateKey(tag.key, field: joined(path, "key"))
        try validateLength(tag.key, limit: Limits.maxEntityKeyLength, entity: joined(path, "key"))
        return Tag(key: tag.key, value: truncated(tag.value, limit: Limits.maxTagValueLength))
    }

    /// Validates an experiment tag (longer values allowed, never truncated).
    public static func validateExperimentTag(_ tag: Tag) throws(StrideError) {
        try validateKey(tag.key, field: "key")
        try validateLength(tag.key, limit: Limits.maxExperimentTagKeyLength, entity: "key")
        try validateLength(tag.value, limit: Limits.maxExperimentTagValueLength, entity: "value")
    }

    /// Validates an experiment name: present, not blank, at most 500 characters.
    public static func validateExperimentName(_ name: String) throws(StrideError) {
        if name.allSatisfy(\.isWhitespace) {
            throw .invalidParameter("Invalid experiment name: '\(name)'")
        }
        try validateLength(name, limit: Limits.maxExperimentNameLength, entity: "name")
    }

    /// Applies MLflow's batch size limits, in MLflow's order and wording.
    public static func validateBatchLimits(metrics: Int, params: Int, tags: Int) throws(StrideError) {
        try validateBatchLimit("metrics", limit: Limits.maxMetricsPerBatch, count: metrics)
        try validateBatchLimit("params", limit: Limits.maxParamsPerBatch, count: params)
        try validateBatchLimit("tags", limit: Limits.maxTagsPerBatch, count: tags)
        try validateBatchLimit("metrics, params, and tags", limit: Limits.maxEntitiesPerBatch, count: metrics + params + tags)
    }

    /// Rejects a batch that names one param key twice, listing the repeated keys as MLflow does.
    public static func validateUniqueParamKeys(_ params: [Param]) throws(StrideError) {
        var seen = Set<String>()
        var duplicates: [String] = []
        for param in params where !seen.insert(param.key).inserted {
            duplicates.append(param.key)
        }
        if !duplicates.isEmpty {
            let list = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            throw .invalidParameter(
                "Duplicate parameter keys have been submitted: [\(list)]. Please ensure the request contains only one param value per param key.")
        }
    }

    private static func validateBatchLimit(_ entity: String, limit: Int, count: Int) throws(StrideError) {
        if count > limit {
            throw .invalidParameter(
                "A batch logging request can contain at most \(limit) \(entity). Got \(count) \(entity). Please split up \(entity) across multiple requests and try again.")
        }
    }

    private static func isAllowedKeyScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "/", ".", "-", " ", ":": true
        default: isWordCharacter(scalar)
        }
    }

    private static func joined(_ path: String, _ field: String) -> String {
        path.isEmpty ? field : "\(path).\(field)"
    }

    /// MLflow's `invalid_value` message; the value is shown as JSON.
    static func invalidValueMessage(_ value: String, field: String, quoted: Bool = true, _ detail: String) -> String {
        let shown = quoted ? JSONText.quoted(value) : value
        return "Invalid value \(shown) for parameter '\(field)' supplied: \(detail)"
    }
}
