import StrideDomain

/// MLflow's limits on dataset inputs (`runs/log-inputs`).
enum DatasetValidation {
    static func validate(_ input: DatasetInput) throws(StrideError) {
        let dataset = input.dataset
        try check(dataset.name, limit: Limits.maxDatasetNameLength, "Dataset name")
        try check(dataset.digest, limit: Limits.maxDatasetDigestLength, "Dataset digest")
        try check(dataset.source, limit: Limits.maxDatasetSourceLength, "Dataset source")
        if let schema = dataset.schema { try check(schema, limit: Limits.maxDatasetSchemaLength, "Dataset schema") }
        if let profile = dataset.profile { try check(profile, limit: Limits.maxDatasetProfileLength, "Dataset profile") }
        for tag in input.tags {
            try check(tag.key, limit: Limits.maxInputTagKeyLength, "Input tag key")
            try check(tag.value, limit: Limits.maxInputTagValueLength, "Input tag value")
        }
    }

    private static func check(_ value: String, limit: Int, _ what: String) throws(StrideError) {
        if value.unicodeScalars.count > limit {
            throw .invalidParameter("\(what) exceeds the maximum length of \(limit)")
        }
    }
}
