import StrideDomain
import Testing

@Suite("Evaluation datasets: MLflow's record, schema and filter rules")
struct EvaluationDatasetRulesTests {
    private func change(_ json: String) throws -> DatasetRecordChange {
        try #require(try DatasetRecordChange.parseList("[" + json + "]").first)
    }

    @Test("JSON text is written as Python's json.dumps writes it, sorted keys on request")
    func pythonText() throws {
        let value = try JSONParser.parse(Array(#"{"b": [1, 2.5, 1e-05, 1e16, true, null], "a": "é\n", "b": {"z": 1, "y": 2}}"#.utf8))
        #expect(value.pythonText() == #"{"b": {"z": 1, "y": 2}, "a": "\u00e9\n"}"#)
        #expect(value.pythonText(sortingKeys: true) == #"{"a": "\u00e9\n", "b": {"y": 2, "z": 1}}"#)
        #expect(try JSONParser.parse(Array("[1.0, 100.0, 1e16, 0.0001]".utf8)).pythonText() == "[1.0, 100.0, 1e+16, 0.0001]")
        // An infinity comes back as JSON that parses to the same value, so a stored record stays readable.
        #expect(try JSONParser.parse(Array("[1e400, -1e400]".utf8)).pythonText() == "[1e999, -1e999]")
        #expect(JSONValue.bool(true).pythonString == "True")
        #expect(JSONValue.integer(3).pythonString == "3")
    }

    @Test("a new record gets {} outputs and tags when absent, keeps null outputs as none, and names its writer")
    func newRecord() throws {
        let record = try change(#"{"inputs": {"q": 1}, "tags": {"mlflow.user": "ann"}}"#).newRecord(id: "dr-1", datasetID: "d-1", inputHash: "h", at: 5)
        #expect(record.outputs == "{}")
        #expect(record.expectations == nil)
        #expect(record.tags == #"{"mlflow.user": "ann"}"#)
        #expect(record.createdBy == "ann")
        #expect(try change(#"{"inputs": {}, "outputs": null}"#).newRecord(id: "dr-2", datasetID: "d-1", inputHash: "h", at: 5).outputs == nil)
    }

    @Test("merging updates expectations and tags key by key, replaces outputs only when sent")
    func merge() throws {
        let stored = try change(#"{"inputs": {"q": 1}, "outputs": {"o": 1}, "expectations": {"a": 1, "b": 2}, "tags": {"t": "x"}}"#)
            .newRecord(id: "dr-1", datasetID: "d-1", inputHash: "h", at: 5)
        let merged = try #require(try change(#"{"inputs": {"q": 1}, "expectations": {"b": 3, "c": 4}, "tags": {"mlflow.user": "bo"}}"#).merged(into: stored, at: 9))
        #expect(merged.expectations == #"{"a": 1, "b": 3, "c": 4}"#)
        #expect(merged.tags == #"{"t": "x", "mlflow.user": "bo"}"#)
        #expect(merged.outputs == #"{"o": 1}"#)
        #expect(merged.lastUpdatedBy == "bo")
        #expect(merged.creationTime == 5)
        #expect(merged.lastUpdateTime == 9)
        #expect(try change(#"{"inputs": {"q": 1}, "outputs": null}"#).merged(into: stored, at: 9)?.outputs == nil)
    }

    @Test("records that are not objects, or whose parts have the wrong type, are refused with the record's position")
    func invalidRecords() {
        #expect(throws: StrideError.invalidParameter("Invalid value for parameter 'records': it must be a JSON list of records.")) {
            try DatasetRecordChange.parseList(#"{"inputs": {}}"#)
        }
        #expect(throws: StrideError.invalidParameter("Each record must be a dictionary (record 1 is not).")) {
            try DatasetRecordChange.parseList(#"[{"inputs": {}}, 3]"#)
        }
        #expect(throws: StrideError.invalidParameter("The 'inputs' of record 0 must be a dictionary.")) {
            try DatasetRecordChange.parseList(#"[{"inputs": [1]}]"#)
        }
        #expect(throws: StrideError.self) { try DatasetRecordChange.parseList(#"[{"inputs": {}, "source": {"source_type": "robot"}}]"#) }
    }

    @Test("the schema types each field by its first value and types non-dict outputs as a whole")
    func schema() throws {
        let schema = DatasetSchema.updated(nil, with: [
            try change(#"{"inputs": {"q": "x", "n": 1}, "expectations": {"ok": true}}"#),
            try change(#"{"inputs": {"q": 2, "f": 0.5}, "outputs": [1]}"#),
        ])
        #expect(schema == #"{"inputs": {"q": "string", "n": "integer", "f": "float"}, "outputs": "array", "expectations": {"ok": "boolean"}, "version": "1.0"}"#)
        #expect(DatasetSchema.updated(nil, with: []) == nil)
    }

    @Test("search filters take MLflow's attributes and comparators and refuse the rest")
    func filter() throws {
        #expect(try EvaluationDatasetFilter.parse(#"name = "qa" AND created_time > 5 AND tags.team LIKE 'ml%'"#).clauses == [
            .text(.name, .equal, ["qa"]), .time(.createdTime, .greater, 5), .tag(key: "team", .like, "ml%"),
        ])
        #expect(try EvaluationDatasetFilter.parse("name IN ('a', 'b')").clauses == [.text(.name, .in, ["a", "b"])])
        #expect(throws: StrideError.self) { try EvaluationDatasetFilter.parse("created_by IN ('a')") }
        #expect(throws: StrideError.self) { try EvaluationDatasetFilter.parse("created_time > 1.5") }
        #expect(throws: StrideError.self) { try EvaluationDatasetFilter.parse("digest = 'x'") }
        #expect(try EvaluationDatasetFilter.parseOrder([]) == EvaluationDatasetFilter.defaultOrder)
        #expect(try EvaluationDatasetFilter.parseOrder(["last_update_time"]) == [.init(column: .lastUpdateTime, ascending: true)])
        #expect(throws: StrideError.self) { try EvaluationDatasetFilter.parseOrder(["created_by"]) }
    }

    @Test("tags become strings as MLflow stores them; nulls are skipped; long keys and values are refused")
    func tags() throws {
        #expect(try EvaluationDataset.tags(fromJSON: #"{"a": 1, "b": null, "c": true, "d": "x"}"#) == [
            Tag(key: "a", value: "1"), Tag(key: "c", value: "True"), Tag(key: "d", value: "x"),
        ])
        #expect(throws: StrideError.self) { try EvaluationDataset.tags(fromJSON: "[1]") }
        #expect(throws: StrideError.self) { try EvaluationDataset.tags(fromJSON: #"{"k": ""# + String(repeating: "v", count: 5001) + #""}"#) }
        #expect(throws: StrideError.missingValue("name")) { try EvaluationDataset.validateName("") }
    }
}
