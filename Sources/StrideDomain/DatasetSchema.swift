/// An evaluation dataset's schema: the type of each input, output and expectation field seen in
/// its records, as MLflow's `_update_dataset_schema` keeps it. Fields are only ever added; a
/// field keeps the type of the first value seen.
public enum DatasetSchema {
    /// The schema text after `changes`, from the stored one; nil while neither holds anything.
    public static func updated(_ stored: String?, with changes: [DatasetRecordChange]) -> String? {
        guard !changes.isEmpty || stored != nil else { return nil }
        var sections = stored.flatMap { try? JSONParser.parse(Array($0.utf8)) }?.uniqueMembers
            ?? [("inputs", .object([])), ("outputs", .object([])), ("expectations", .object([])), ("version", .string("1.0"))]
        for change in changes {
            add(change.inputs, to: "inputs", in: &sections)
            if let outputs = change.outputs, outputs != .null {
                if case .object = outputs {
                    add(outputs, to: "outputs", in: &sections)
                } else if let at = sections.firstIndex(where: { $0.key == "outputs" }), isEmpty(sections[at].value) {
                    // A non-dict output types the whole section, as in MLflow.
                    sections[at].value = .string(typeName(outputs))
                }
            }
            if let expectations = change.expectations { add(expectations, to: "expectations", in: &sections) }
        }
        return JSONValue.object(sections).pythonText()
    }

    /// MLflow's `_infer_field_type` for a JSON value.
    public static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double: "float"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Adds the fields of `fields` (an object) not yet typed in the section, when the section is an object.
    private static func add(_ fields: JSONValue, to name: String, in sections: inout [(key: String, value: JSONValue)]) {
        guard let new = fields.uniqueMembers, !new.isEmpty else { return }
        let at: Int
        if let existing = sections.firstIndex(where: { $0.key == name }) {
            at = existing
        } else {
            sections.append((name, .object([])))
            at = sections.count - 1
        }
        guard var typed = sections[at].value.uniqueMembers else { return }
        for field in new where !typed.contains(where: { $0.key == field.key }) {
            typed.append((field.key, .string(typeName(field.value))))
        }
        sections[at].value = .object(typed)
    }

    private static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members.isEmpty
        case .string(let text): text.isEmpty
        case .null: true
        default: false
        }
    }
}
