import StrideDomain

/// The fields of one MLflow request message, read with protobuf-JSON's lenient rules whether they
/// came as a JSON body or as GET query parameters.
///
/// - A field may be spelled in snake_case (`run_id`) or lowerCamelCase (`runId`).
/// - int64 fields take a JSON number or a numeric string; doubles also take `"NaN"`, `"Infinity"`
///   and `"-Infinity"`.
/// - A string field takes only a JSON string and a repeated field only a JSON array, as MLflow's
///   request schemas demand: `{"run_id": 31}` is a 400 naming `run_id`, not a lookup of run "31".
/// - An enum takes its name or its protobuf number.
/// - Query parameters: a repeated field is the key repeated; booleans are `true`/`false` in any case.
/// - Unknown fields are ignored.
struct RequestFields: Sendable {
    private enum Source: Sendable {
        case json([(key: String, value: JSONValue)])
        case query([(name: String, value: String)])
    }

    private let source: Source
    /// Prefix for field names in error messages, such as `metrics[3].`.
    private let path: String

    init(json members: [(key: String, value: JSONValue)], path: String = "") {
        source = .json(members)
        self.path = path
    }

    init(query: [(name: String, value: String)]) {
        source = .query(query)
        path = ""
    }

    // MARK: Typed access

    func string(_ name: String) throws(StrideError) -> String? {
        switch source {
        case .json:
            switch jsonValue(name) {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?: throw invalid(name, other)
            }
        case .query:
            return queryValues(name).first
        }
    }

    /// A required string; absent and empty are both "missing", as in MLflow's handlers.
    func requiredString(_ name: String) throws(StrideError) -> String {
        guard let value = try string(name), !value.isEmpty else { throw StrideError.missingValue(path + name) }
        return value
    }

    /// The run id, which clients send as `run_id`, `run_uuid` or both.
    func runID() throws(StrideError) -> String {
        if let id = try string("run_id"), !id.isEmpty { return id }
        if let id = try string("run_uuid"), !id.isEmpty { return id }
        throw StrideError.missingValue(path + "run_id")
    }

    func int64(_ name: String) throws(StrideError) -> Int64? {
        switch source {
        case .json:
            switch jsonValue(name) {
            case nil, .null?: return nil
            case .integer(let number)?: return number
            case .double(let number)?:
                guard number.rounded() == number, let exact = Int64(exactly: number) else { throw invalid(name, .double(number)) }
                return exact
            case .string(let text)?:
                guard let number = Int64(text.trimmingSpaces()) else { throw invalid(name, .string(text)) }
                return number
            case let other?: throw invalid(name, other)
            }
        case .query:
            guard let text = queryValues(name).first else { return nil }
            guard let number = Int64(text) else { throw invalid(name, .string(text)) }
            return number
        }
    }

    func requiredInt64(_ name: String) throws(StrideError) -> Int64 {
        guard let value = try int64(name) else { throw StrideError.missingValue(path + name) }
        return value
    }

    func int(_ name: String) throws(StrideError) -> Int? {
        guard let value = try int64(name) else { return nil }
        guard let narrow = Int(exactly: value) else { throw invalid(name, .integer(value)) }
        return narrow
    }

    func double(_ name: String) throws(StrideError) -> Double? {
        let raw: JSONValue?
        switch source {
        case .json: raw = jsonValue(name)
        case .query: raw = queryValues(name).first.map(JSONValue.string)
        }
        switch raw {
        case nil, .null?: return nil
        case .integer(let number)?: return Double(number)
        case .double(let number)?: return number
        case .string(let text)?:
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let number = Double(text.trimmingSpaces()), !text.isEmpty else { throw invalid(name, .string(text)) }
                return number
            }
        case let other?: throw invalid(name, other)
        }
    }

    func requiredDouble(_ name: String) throws(StrideError) -> Double {
        guard let value = try double(name) else { throw StrideError.missingValue(path + name) }
        return value
    }

    func bool(_ name: String) throws(StrideError) -> Bool? {
        switch source {
        case .json:
            switch jsonValue(name) {
            case nil, .null?: return nil
            case .bool(let flag)?: return flag
            case let other?: throw invalid(name, other)
            }
        case .query:
            guard let text = queryValues(name).first else { return nil }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw StrideError.invalidParameter("Invalid boolean value: \(text), must be 'true' or 'false'.")
            }
        }
    }

    /// A repeated string field: a JSON array of strings, or the query key repeated.
    func strings(_ name: String) throws(StrideError) -> [String] {
        switch source {
        case .json:
            switch jsonValue(name) {
            case nil, .null?: return []
            case .array(let elements)?:
                var texts: [String] = []
                texts.reserveCapacity(elements.count)
                for element in elements {
                    guard case .string(let text) = element else { throw invalid(name, .array(elements)) }
                    texts.append(text)
                }
                return texts
            case let other?: throw invalid(name, other)
            }
        case .query:
            return queryValues(name)
        }
    }

    /// A repeated message field, each element read with the same rules.
    func messages(_ name: String) throws(StrideError) -> [RequestFields] {
        guard case .json = source else { return [] }
        switch jsonValue(name) {
        case nil, .null?: return []
        case .array(let elements)?:
            var messages: [RequestFields] = []
            messages.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                guard case .object(let members) = element else { throw invalid("\(name)[\(index)]", element) }
                messages.append(RequestFields(json: members, path: "\(path)\(name)[\(index)]."))
            }
            return messages
        case let other?: throw invalid(name, other)
        }
    }

    /// A nested message field.
    func message(_ name: String) throws(StrideError) -> RequestFields? {
        guard case .json = source else { return nil }
        switch jsonValue(name) {
        case nil, .null?: return nil
        case .object(let members)?: return RequestFields(json: members, path: "\(path)\(name).")
        case let other?: throw invalid(name, other)
        }
    }

    /// A `map<string, string>` field (a JSON object of strings), in the order sent.
    func stringMap(_ name: String) throws(StrideError) -> [KeyValue] {
        switch jsonValue(name) {
        case nil, .null?: return []
        case .object(let members)?:
            var pairs: [KeyValue] = []
            pairs.reserveCapacity(members.count)
            for member in members {
                guard case .string(let text) = member.value else { throw invalid("\(name).\(member.key)", member.value) }
                pairs.append(KeyValue(key: member.key, value: text))
            }
            return pairs
        case let other?: throw invalid(name, other)
        }
    }

    /// A field as parsed JSON, for messages kept as the client sent them (`google.protobuf.Value`).
    func json(_ name: String) -> JSONValue? {
        jsonValue(name)
    }

    /// An enum field given by name or protobuf number.
    func enumeration<Value>(_ name: String, _ parse: (String) -> Value?) throws(StrideError) -> Value? {
        let text: String
        if case .integer(let number)? = jsonValue(name) {
            text = String(number)
        } else {
            guard let given = try string(name), !given.isEmpty else { return nil }
            text = given
        }
        guard let value = parse(text) else { throw invalid(name, .string(text)) }
        return value
    }

    // MARK: Lookup

    private func jsonValue(_ name: String) -> JSONValue? {
        guard case .json(let members) = source else { return nil }
        if let member = members.first(where: { $0.key == name }) { return member.value }
        // Most lookups are of fields the request left out; comparing in place builds no camelCase string for them.
        guard name.utf8.contains(UInt8(ascii: "_")) else { return nil }
        return members.first { Self.isLowerCamelCase($0.key, of: name) }?.value
    }

    /// Whether `key` is `snakeName` in lowerCamelCase (`runId` for `run_id`), as `lowerCamelCase` spells it.
    static func isLowerCamelCase(_ key: String, of snakeName: String) -> Bool {
        var keyBytes = key.utf8.makeIterator()
        var upperNext = false
        for byte in snakeName.utf8 {
            guard byte < 0x80 else { return key == lowerCamelCase(snakeName) }
            if byte == UInt8(ascii: "_") {
                upperNext = true
                continue
            }
            let expected = upperNext && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) ? byte - 0x20 : byte
            upperNext = false
            guard keyBytes.next() == expected else { return false }
        }
        return keyBytes.next() == nil
    }

    private func queryValues(_ name: String) -> [String] {
        guard case .query(let pairs) = source else { return [] }
        let values = pairs.filter { $0.name == name }.map(\.value)
        if !values.isEmpty { return values }
        let camel = Self.lowerCamelCase(name)
        return camel == name ? [] : pairs.filter { $0.name == camel }.map(\.value)
    }

    /// MLflow's schema error, with its hint naming the Python type the value would have had.
    private func invalid(_ name: String, _ value: JSONValue) -> StrideError {
        StrideError.invalidParameter(
            "Invalid value \(Self.render(value)) for parameter '\(path)\(name)' supplied. Hint: Value was of type '\(Self.pythonTypeName(value))'."
                + " See the API docs for more information about request parameters.")
    }

    private static func pythonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "NoneType"
        case .bool: "bool"
        case .integer: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }

    static func lowerCamelCase(_ name: String) -> String {
        guard name.contains("_") else { return name }
        var result = ""
        var upperNext = false
        for character in name {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                result += character.uppercased()
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func render(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension JSONWriter {
    /// Writes any parsed JSON value back out.
    mutating func write(_ json: JSONValue) {
        switch json {
        case .null: nullValue()
        case .bool(let flag): value(flag)
        case .integer(let number): value(number)
        case .double(let number): value(number)
        case .string(let text): value(text)
        case .array(let elements):
            beginArray()
            for element in elements { write(element) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                key(member.key)
                write(member.value)
            }
            endObject()
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        var slice = self[...]
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return slice
    }
}
