/// One record of a `datasets/<id>/records` upsert, checked: what MLflow's `upsert_dataset_records`
/// reads from each record dict. A record whose inputs a dataset already holds is merged into the
/// stored one; any other is inserted.
public struct DatasetRecordChange: Sendable, Equatable {
    /// An object; `{}` when the record has none, as in MLflow.
    public var inputs: JSONValue
    /// nil when absent; `.null` when sent as null (which clears stored outputs).
    public var outputs: JSONValue?
    /// An object, `.null`, or nil when absent.
    public var expectations: JSONValue?
    /// An object, or nil when absent or null.
    public var tags: JSONValue?
    public var source: DatasetRecordSource?

    public init(inputs: JSONValue, outputs: JSONValue? = nil, expectations: JSONValue? = nil, tags: JSONValue? = nil, source: DatasetRecordSource? = nil) {
        self.inputs = inputs
        self.outputs = outputs
        self.expectations = expectations
        self.tags = tags
        self.source = source
    }

    /// Reads the record at `index` of the request's `records` list.
    public static func parse(_ value: JSONValue, index: Int) throws(StrideError) -> DatasetRecordChange {
        guard case .object = value else { throw .invalidParameter("Each record must be a dictionary (record \(index) is not).") }
        let inputs = value["inputs"] ?? .object([])
        guard case .object = inputs else { throw .invalidParameter("The 'inputs' of record \(index) must be a dictionary.") }
        var change = DatasetRecordChange(inputs: inputs, outputs: value["outputs"])
        switch value["expectations"] {
        case nil: break
        case .null?: change.expectations = .null
        case .object?: change.expectations = value["expectations"]
        default: throw .invalidParameter("The 'expectations' of record \(index) must be a dictionary.")
        }
        switch value["tags"] {
        case nil, .null?: break
        case .object?: change.tags = value["tags"]
        default: throw .invalidParameter("The 'tags' of record \(index) must be a dictionary.")
        }
        if let source = value["source"], source != .null {
            change.source = try Self.source(source, index: index)
        }
        return change
    }

    /// The inputs as MLflow hashes them (`json.dumps(inputs, sort_keys=True)`).
    public var inputsKeyText: String {
        inputs.pythonText(sortingKeys: true)
    }

    /// The `mlflow.user` tag, which names who wrote the record.
    public var user: String? {
        if case .string(let user)? = tags?[EvaluationDataset.userTag] { return user }
        return nil
    }

    /// The record this change inserts.
    public func newRecord(id: String, datasetID: String, inputHash: String, at time: Int64) -> DatasetRecord {
        DatasetRecord(
            id: id, datasetID: datasetID, inputHash: inputHash, inputs: inputs.pythonText(),
            outputs: outputs.map { $0 == .null ? nil : $0.pythonText() } ?? "{}",
            expectations: expectations.flatMap { $0 == .null ? nil : $0.pythonText() },
            tags: (tags ?? .object([])).pythonText(), source: source, creationTime: time, lastUpdateTime: time, createdBy: user,
            lastUpdatedBy: user)
    }

    /// `existing` with this change merged in, as MLflow merges: outputs replaced when sent,
    /// expectations and tags updated key by key, the writer taken from `mlflow.user`. Nil when
    /// the stored JSON cannot be read.
    public func merged(into existing: DatasetRecord, at time: Int64) -> DatasetRecord? {
        var record = existing
        if let outputs { record.outputs = outputs == .null ? nil : outputs.pythonText() }
        if let added = expectations?.uniqueMembers, !added.isEmpty {
            guard let updated = Self.updating(existing.expectations ?? "{}", with: added) else { return nil }
            record.expectations = updated
        }
        if let added = tags?.uniqueMembers, !added.isEmpty {
            guard let updated = Self.updating(existing.tags, with: added) else { return nil }
            record.tags = updated
        }
        record.lastUpdateTime = time
        if let user { record.lastUpdatedBy = user }
        return record
    }

    /// Python's `dict.update`: a key present keeps its place and takes the new value, a new key goes last.
    static func updating(_ storedObject: String, with added: [(key: String, value: JSONValue)]) -> String? {
        guard let stored = try? JSONParser.parse(Array(storedObject.utf8)), var members = stored.uniqueMembers else { return nil }
        for member in added {
            if let at = members.firstIndex(where: { $0.key == member.key }) {
                members[at].value = member.value
            } else {
                members.append(member)
            }
        }
        return JSONValue.object(members).pythonText()
    }

    /// MLflow's `DatasetRecordSource.from_dict`: a type (any case) and optional data object.
    private static func source(_ value: JSONValue, index: Int) throws(StrideError) -> DatasetRecordSource {
        guard let members = value.uniqueMembers,
              members.allSatisfy({ $0.key == "source_type" || $0.key == "source_data" }),
              case .string(let typeName)? = value["source_type"]
        else {
            throw .invalidParameter("The 'source' of record \(index) must be a dictionary with 'source_type' and optional 'source_data'.")
        }
        let type = typeName.uppercased()
        guard DatasetRecordSource.types.contains(type) else {
            throw .invalidParameter(
                "Invalid dataset record source type: \(type). Valid source types: ['" + DatasetRecordSource.types.joined(separator: "', '") + "']")
        }
        let data = value["source_data"] ?? .null
        let dataObject: JSONValue
        switch data {
        case .null: dataObject = .object([])
        case .object: dataObject = data
        default: throw .invalidParameter("The 'source_data' of record \(index) must be a dictionary.")
        }
        let idField = type == "TRACE" ? "trace_id" : "source_id"
        var sourceID: String?
        if case .string(let id)? = dataObject[idField] { sourceID = id }
        let json = JSONValue.object([("source_type", .string(type)), ("source_data", dataObject)]).pythonText()
        return DatasetRecordSource(type: type, json: json, sourceID: sourceID)
    }
}
