import StrideDomain

/// Reading and writing MLflow's trace messages: `TraceInfoV3`, `Trace` and `Assessment`.
extension JSONWriter {
    /// `TraceInfoV3`: times as protobuf-JSON `Timestamp` and `Duration`, maps as JSON objects.
    mutating func write(_ trace: TraceInfo) {
        beginObject()
        field("trace_id", trace.id)
        if let clientRequestID = trace.clientRequestID { field("client_request_id", clientRequestID) }
        key("trace_location")
        beginObject()
        field("type", "MLFLOW_EXPERIMENT")
        key("mlflow_experiment")
        beginObject()
        field("experiment_id", trace.experimentID.description)
        endObject()
        endObject()
        if let preview = trace.requestPreview { field("request_preview", preview) }
        if let preview = trace.responsePreview { field("response_preview", preview) }
        field("request_time", ProtobufTime.timestamp(milliseconds: trace.requestTime))
        if let duration = trace.executionDuration { field("execution_duration", ProtobufTime.duration(milliseconds: duration)) }
        field("state", trace.state.name)
        writeMap("trace_metadata", trace.metadata)
        writeArray("assessments", trace.assessments) { $0.write($1) }
        writeMap("tags", trace.tags)
        endObject()
    }

    /// `Trace`: the info and, when read with spans, the spans as OpenTelemetry protobuf-JSON.
    mutating func write(_ trace: TraceInfo, spans: [TraceSpan]?) {
        beginObject()
        key("trace_info")
        write(trace)
        if let spans {
            key("spans")
            beginArray()
            for span in spans { rawValue(span.content) }
            endArray()
        }
        endObject()
    }

    mutating func write(_ assessment: Assessment) {
        beginObject()
        field("assessment_id", assessment.id)
        field("assessment_name", assessment.name)
        field("trace_id", assessment.traceID)
        if let spanID = assessment.spanID { field("span_id", spanID) }
        field("create_time", ProtobufTime.timestamp(milliseconds: assessment.createTime))
        field("last_update_time", ProtobufTime.timestamp(milliseconds: assessment.lastUpdateTime))
        field("valid", assessment.valid)
        if let overrides = assessment.overrides { field("overrides", overrides) }
        rawMembers(ofObject: assessment.details)
        endObject()
    }

    mutating func writeMap(_ name: String, _ pairs: [KeyValue]) {
        key(name)
        beginObject()
        for pair in pairs { field(pair.key, pair.value) }
        endObject()
    }
}

extension MLflowAPI {
    /// A `TraceInfoV3` message as the client sends it to `StartTraceV3`.
    static func traceInfo(_ fields: RequestFields) throws(StrideError) -> TraceInfo {
        let location = try fields.message("trace_location")
        let experimentID = try location?.message("mlflow_experiment")?.string("experiment_id")
        guard let experimentID, !experimentID.isEmpty else { throw StrideError.missingValue("trace.trace_info.trace_location.mlflow_experiment.experiment_id") }
        let requestTime = try fields.string("request_time").map { (text) throws(StrideError) in
            guard let milliseconds = ProtobufTime.milliseconds(fromTimestamp: text) else {
                throw StrideError.invalidParameter("Invalid value '\(text.prefix(64))' for parameter 'request_time': expected an RFC 3339 timestamp.")
            }
            return milliseconds
        }
        let duration = try fields.string("execution_duration").map { (text) throws(StrideError) in
            guard let milliseconds = ProtobufTime.milliseconds(fromDuration: text) else {
                throw StrideError.invalidParameter("Invalid value '\(text.prefix(64))' for parameter 'execution_duration': expected a duration such as '1.5s'.")
            }
            return milliseconds
        }
        let traceID = try fields.string("trace_id") ?? ""
        return TraceInfo(
            id: traceID, experimentID: try ExperimentID(parsing: experimentID), requestTime: requestTime ?? 0, executionDuration: duration,
            state: try fields.enumeration("state", TraceState.init(parsing:)) ?? .unspecified,
            clientRequestID: try fields.string("client_request_id").flatMap { $0.isEmpty ? nil : $0 },
            requestPreview: try fields.string("request_preview"), responsePreview: try fields.string("response_preview"),
            metadata: try fields.stringMap("trace_metadata"), tags: try fields.stringMap("tags"),
            assessments: try fields.messages("assessments").map { (message) throws(StrideError) in try assessment(message, traceID: traceID) })
    }

    /// An `Assessment` message: the typed fields read, the rest kept as sent.
    static func assessment(_ fields: RequestFields, traceID: String) throws(StrideError) -> Assessment {
        let createTime = try fields.string("create_time").flatMap(ProtobufTime.milliseconds(fromTimestamp:)) ?? 0
        return Assessment(
            id: try fields.string("assessment_id") ?? "", traceID: try fields.string("trace_id").flatMap { $0.isEmpty ? nil : $0 } ?? traceID,
            name: try fields.string("assessment_name") ?? "", spanID: try fields.string("span_id").flatMap { $0.isEmpty ? nil : $0 },
            createTime: createTime, lastUpdateTime: createTime, valid: try fields.bool("valid") ?? true,
            overrides: try fields.string("overrides").flatMap { $0.isEmpty ? nil : $0 }, details: details(of: fields))
    }

    /// An expectation whose value is a list or map keeps it as JSON text in `serialized_value`,
    /// as MLflow's `Expectation.to_proto` does; other values stay as sent.
    static func serialized(expectation: JSONValue) -> JSONValue {
        guard case .object(let members) = expectation, let value = members.first(where: { $0.key == "value" })?.value else { return expectation }
        switch value {
        case .object, .array:
            let serialized = JSONValue.object([("serialization_format", .string("JSON_FORMAT")), ("value", .string(value.pythonText()))])
            return .object(members.filter { $0.key != "value" } + [("serialized_value", serialized)])
        default:
            return expectation
        }
    }

    /// The members of `Assessment.detailMembers` the message carries, as one JSON object text.
    static func details(of fields: RequestFields, over stored: [(key: String, value: JSONValue)] = [], replacing: Set<String>? = nil) -> String {
        var members = stored
        for name in Assessment.detailMembers.sorted() where replacing?.contains(name) ?? true {
            members.removeAll { $0.key == name }
            if let value = fields.json(name), value != .null { members.append((name, name == "expectation" ? serialized(expectation: value) : value)) }
        }
        var writer = JSONWriter()
        writer.write(JSONValue.object(members))
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
