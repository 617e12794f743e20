import StrideDomain
import Testing
@testable import StrideMLflowAPI

@Suite("The JSON parser")
struct JSONParserTests {
    @Test("parses objects, arrays, literals and keeps integers exact")
    func structure() throws {
        let value = try JSONParser.parse(Array(#" {"a": [1, -2, 3.5, 1e3, true, false, null], "b": {"c": "d"}, "big": 9223372036854775807} "#.utf8))
        #expect(value["a"] == .array([.integer(1), .integer(-2), .double(3.5), .double(1000), .bool(true), .bool(false), .null]))
        #expect(value["b"]?["c"] == .string("d"))
        #expect(value["big"] == .integer(Int64.max))
    }

    @Test("integers beyond 64 bits become doubles")
    func hugeIntegers() throws {
        #expect(try JSONParser.parse(Array("18446744073709551616".utf8)) == .double(18446744073709551616))
        #expect(try JSONParser.parse(Array("-9223372036854775808".utf8)) == .integer(Int64.min))
    }

    @Test("decodes escapes, unicode and surrogate pairs")
    func strings() throws {
        let value = try JSONParser.parse(Array(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00é""#.utf8))
        #expect(value == .string("a\"b\\c/d\n\té😀é"))
    }

    @Test("rejects malformed documents", arguments: [
        "", "{", "[1,]", "{\"a\"}", "{\"a\":1,}", "01", "1.", "-", "\"abc", "tru", "[1] x", "\"\u{01}\"", "{'a':1}", "NaN",
    ])
    func malformed(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test("refuses nesting deeper than the limit instead of overflowing the stack")
    func depth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test("nesting up to the limit parses; one level more is refused with a message naming the limit")
    func nestingLimit() throws {
        let depth = Limits.maxJSONNestingDepth
        let atLimit = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONParser.parse(Array(atLimit.utf8)) }
        let over = "[" + atLimit + "]"
        #expect(throws: JSONParser.Failure(reason: "nesting deeper than 256 levels", offset: depth)) { try JSONParser.parse(Array(over.utf8)) }
    }

    @Test("a document of more values than the limit is refused, however small its text")
    func valueLimit() throws {
        let values = Limits.maxJSONValues
        let atLimit = "[" + Array(repeating: "0", count: values - 1).joined(separator: ",") + "]"
        #expect(throws: Never.self) { try JSONParser.parse(Array(atLimit.utf8)) }
        let over = "[" + Array(repeating: "0", count: values).joined(separator: ",") + "]"
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(over.utf8)) }
    }

    @Test("contiguous and non-contiguous input parse alike")
    func contiguousAndNot() throws {
        let text = #"{"metrics":[{"key":"loss","value":0.25,"step":3}]}"#
        let contiguous = try JSONParser.parse(Array(text.utf8))
        #expect(try JSONParser.parse(text.utf8.lazy.map { $0 }) == contiguous)
        #expect(contiguous["metrics"] == .array([.object([("key", .string("loss")), ("value", .double(0.25)), ("step", .integer(3))])]))
    }

    @Test("the writer's output parses back to the same value")
    func roundTrip() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("s", "quote\" backslash\\ newline\n control\u{01} é")
        writer.field("i", Int64(-42))
        writer.field("d", 0.1)
        writer.field("nan", Double.nan)
        writer.key("list")
        writer.beginArray()
        writer.value(true)
        writer.value(1e-7)
        writer.endArray()
        writer.endObject()
        let parsed = try JSONParser.parse(writer.bytes)
        #expect(parsed["s"] == .string("quote\" backslash\\ newline\n control\u{01} é"))
        #expect(parsed["i"] == .integer(-42))
        #expect(parsed["d"] == .double(0.1))
        #expect(parsed["nan"] == .string("NaN"))
        #expect(parsed["list"] == .array([.bool(true), .double(1e-7)]))
    }
}

@Suite("Request fields follow protobuf-JSON's rules and MLflow's request schemas")
struct RequestFieldsTests {
    @Test("query booleans accept any case of true/false and refuse anything else with MLflow's message")
    func queryBooleans() throws {
        for (text, expected) in [("True", true), ("true", true), ("FALSE", false)] {
            #expect(try RequestFields(query: [("flag", text)]).bool("flag") == expected)
        }
        #expect(throws: StrideError.invalidParameter("Invalid boolean value: maybe, must be 'true' or 'false'.")) {
            try RequestFields(query: [("flag", "maybe")]).bool("flag")
        }
    }

    @Test("int64 fields take numbers or numeric strings; doubles also take NaN and Infinity strings")
    func numbers() throws {
        let fields = RequestFields(json: [
            ("a", .integer(12)), ("b", .string("34")), ("c", .string("NaN")), ("d", .string("-Infinity")), ("e", .double(2.5)),
        ])
        #expect(try fields.int64("a") == 12)
        #expect(try fields.int64("b") == 34)
        #expect(try fields.double("c")?.isNaN == true)
        #expect(try fields.double("d") == -.infinity)
        #expect(throws: StrideError.self) { try fields.int64("e") }
        #expect(try fields.int64("missing") == nil)
    }

    @Test("a string field refuses numbers, booleans and lists with MLflow's schema message naming the field")
    func strictStrings() throws {
        let fields = RequestFields(json: [("run_id", .integer(31)), ("name", .bool(true)), ("key", .array([.string("a")])), ("ok", .string("x"))])
        #expect(throws: StrideError.invalidParameter(
            "Invalid value 31 for parameter 'run_id' supplied. Hint: Value was of type 'int'. See the API docs for more information about request parameters.")
        ) { try fields.runID() }
        #expect(throws: StrideError.self) { try fields.string("name") }
        #expect(throws: StrideError.self) { try fields.string("key") }
        #expect(try fields.string("ok") == "x")
    }

    @Test("a repeated field takes only a JSON array of strings; an enum takes its name or its number")
    func strictListsAndEnums() throws {
        let fields = RequestFields(json: [
            ("experiment_ids", .string("notalist")), ("run_ids", .array([.string("a"), .integer(1)])), ("view", .integer(2)),
        ])
        #expect(throws: StrideError.invalidParameter(
            #"Invalid value "notalist" for parameter 'experiment_ids' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters."#)
        ) { try fields.strings("experiment_ids") }
        #expect(throws: StrideError.self) { try fields.strings("run_ids") }
        #expect(try fields.enumeration("view") { Int($0) } == 2)
    }

    @Test("repeated query keys form a list and camelCase names are accepted")
    func repeatedAndCamel() throws {
        let fields = RequestFields(query: [("run_ids", "a"), ("run_ids", "b"), ("metricKey", "loss")])
        #expect(try fields.strings("run_ids") == ["a", "b"])
        #expect(try fields.string("metric_key") == "loss")
    }
}
