/// What `datasets/*` requests carry, checked: the name, the tags and records (each a JSON text
/// inside the request, as MLflow's protocol sends them) and the experiment ids.
extension EvaluationDataset {
    public static func validateName(_ name: String) throws(StrideError) {
        guard !name.isEmpty else { throw .missingValue("name") }
        guard name.unicodeScalars.count <= Limits.maxEvaluationDatasetNameLength else {
            throw .invalidParameter("Dataset name exceeds the maximum length of \(Limits.maxEvaluationDatasetNameLength) characters.")
        }
    }

    /// The tags of a `tags` JSON object. A null value is skipped and any other becomes Python's
    /// `str()` of it, as MLflow's store does; keys and values are held to MLflow's column widths.
    public static func tags(fromJSON text: String) throws(StrideError) -> [Tag] {
        guard let parsed = try? JSONParser.parse(Array(text.utf8)), let members = parsed.uniqueMembers else {
            throw .invalidParameter("Invalid value for parameter 'tags': it must be a JSON object of tag names to values.")
        }
        guard members.count <= Limits.maxEvaluationDatasetTagsPerRequest else {
            throw .invalidParameter(
                "\(members.count) tags is more than \(Limits.maxEvaluationDatasetTagsPerRequest) (the limit of dataset tags in one request).")
        }
        return try members.filter { $0.value != .null }.map { (member) throws(StrideError) in
            let value = member.value.pythonString
            guard !member.key.isEmpty, member.key.unicodeScalars.count <= Limits.maxEvaluationDatasetTagKeyLength else {
                throw .invalidParameter("Dataset tag keys must be 1 to \(Limits.maxEvaluationDatasetTagKeyLength) characters long.")
            }
            guard value.unicodeScalars.count <= Limits.maxEvaluationDatasetTagValueLength else {
                throw .invalidParameter(
                    "The value of dataset tag '\(member.key)' exceeds the maximum length of \(Limits.maxEvaluationDatasetTagValueLength) characters.")
            }
            return Tag(key: member.key, value: value)
        }
    }

    /// The experiment ids of a create, add or remove request: integers, each kept once.
    public static func experimentIDs(_ texts: [String]) throws(StrideError) -> [ExperimentID] {
        guard texts.count <= Limits.maxEvaluationDatasetExperimentsPerRequest else {
            throw .invalidParameter(
                "experiment_ids: \(texts.count) ids is more than \(Limits.maxEvaluationDatasetExperimentsPerRequest) (the limit of experiments in one dataset request).")
        }
        var seen = Set<ExperimentID>()
        return try texts.map { (text) throws(StrideError) in try ExperimentID(parsing: text) }.filter { seen.insert($0).inserted }
    }
}

extension DatasetRecordChange {
    /// The records of an upsert's `records` JSON text: a list of record objects.
    public static func parseList(_ text: String) throws(StrideError) -> [DatasetRecordChange] {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(Array(text.utf8), maxValues: Limits.maxEvaluationDatasetRecordValues)
        } catch {
            throw .invalidParameter("Invalid value for parameter 'records': it is not JSON (\(error.description)).")
        }
        guard case .array(let items) = parsed else {
            throw .invalidParameter("Invalid value for parameter 'records': it must be a JSON list of records.")
        }
        return try items.enumerated().map { (index, item) throws(StrideError) in try parse(item, index: index) }
    }
}
