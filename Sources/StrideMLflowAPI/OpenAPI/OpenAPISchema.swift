/// A JSON Schema, as much of one as Stride's OpenAPI document needs to describe MLflow's messages.
indirect enum OpenAPISchema: Sendable {
    case string
    /// A proto `int64`/`int32`: MLflow's JSON carries it as a number (or a numeric string).
    case integer
    case number
    case boolean
    /// A string with a fixed set of values (proto enums travel by name).
    case oneOf([String])
    case array(OpenAPISchema)
    /// A message whose members are known; unknown members are allowed, as MLflow ignores them.
    case object([OpenAPIField])
    /// A message whose members are not described.
    case anyObject
    /// A schema under `#/components/schemas`.
    case reference(String)

    /// `{"key", "value"}`: params, tags and dataset tags.
    static let keyValue = OpenAPISchema.reference("KeyValue")

    /// Writes the schema as JSON Schema (2020-12, OpenAPI 3.1's dialect).
    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        switch self {
        case .string: writer.field("type", "string")
        case .integer:
            writer.field("type", "integer")
            writer.field("format", "int64")
        case .number: writer.field("type", "number")
        case .boolean: writer.field("type", "boolean")
        case .oneOf(let values):
            writer.field("type", "string")
            writer.key("enum")
            writer.beginArray()
            for value in values { writer.value(value) }
            writer.endArray()
        case .array(let element):
            writer.field("type", "array")
            writer.key("items")
            element.write(to: &writer)
        case .object(let fields):
            writer.field("type", "object")
            Self.writeProperties(fields, to: &writer)
        case .anyObject: writer.field("type", "object")
        case .reference(let name): writer.field("$ref", "#/components/schemas/\(name)")
        }
        writer.endObject()
    }

    private static func writeProperties(_ fields: [OpenAPIField], to writer: inout JSONWriter) {
        guard !fields.isEmpty else { return }
        writer.key("properties")
        writer.beginObject()
        for field in fields {
            writer.key(field.name)
            field.schema.write(to: &writer)
        }
        writer.endObject()
        let required = fields.filter(\.isRequired)
        guard !required.isEmpty else { return }
        writer.key("required")
        writer.beginArray()
        for field in required { writer.value(field.name) }
        writer.endArray()
    }
}

/// One member of a message, or one query parameter of a GET.
struct OpenAPIField: Sendable {
    var name: String
    var schema: OpenAPISchema
    var isRequired: Bool

    static func required(_ name: String, _ schema: OpenAPISchema) -> OpenAPIField {
        OpenAPIField(name: name, schema: schema, isRequired: true)
    }

    static func optional(_ name: String, _ schema: OpenAPISchema) -> OpenAPIField {
        OpenAPIField(name: name, schema: schema, isRequired: false)
    }
}
