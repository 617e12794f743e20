/// One operation of the document: its parameters, body, answers and security, from its route and shape.
struct OpenAPIOperation {
    static let securityScheme = "accessToken"

    let route: OpenAPIDocument.Route
    let shape: OperationShape?

    init(route: OpenAPIDocument.Route) {
        self.route = route
        self.shape = OperationShape.all[OperationShape.key(method: route.method, path: route.path)]
    }

    private var readsQuery: Bool { route.method == "GET" }
    private var fields: [OpenAPIField] { shape?.fields ?? [] }
    private var response: ResponseShape { shape?.response ?? .json(.anyObject) }
    /// Uploads carry raw bytes; everything else that is not a GET carries MLflow's JSON message.
    private var takesUpload: Bool { route.method == "PUT" && { if case .stored = response { true } else { false } }() }
    private var takesBody: Bool { takesUpload || (!readsQuery && !fields.isEmpty) }

    func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("summary", shape?.summary ?? "\(route.method) \(route.path)")
        writer.field("x-stride-access", route.access.description)
        writer.key("security")
        writer.beginArray()
        if route.access != .anyone {
            writer.beginObject()
            writer.key(Self.securityScheme)
            writer.beginArray()
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writeParameters(&writer)
        if takesBody { writeRequestBody(&writer) }
        writeResponses(&writer)
        writer.endObject()
    }

    private func writeParameters(_ writer: inout JSONWriter) {
        let pathNames = Self.pathParameterNames(OpenAPIDocument.openAPIPath(route.path))
        let queryFields = readsQuery ? fields : []
        guard !pathNames.isEmpty || !queryFields.isEmpty else { return }
        writer.key("parameters")
        writer.beginArray()
        for name in pathNames {
            writer.beginObject()
            writer.field("name", name)
            writer.field("in", "path")
            writer.field("required", true)
            writer.key("schema")
            // The router never matches an empty segment.
            writer.beginObject()
            writer.field("type", "string")
            writer.field("minLength", 1 as Int64)
            writer.endObject()
            writer.endObject()
        }
        for field in queryFields {
            writer.beginObject()
            writer.field("name", field.name)
            writer.field("in", "query")
            writer.field("required", field.isRequired)
            if case .array = field.schema {
                writer.field("style", "form")
                writer.field("explode", true)
            }
            writer.key("schema")
            field.schema.write(to: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    private func writeRequestBody(_ writer: inout JSONWriter) {
        writer.key("requestBody")
        writer.beginObject()
        writer.field("required", true)
        writer.key("content")
        writer.beginObject()
        if takesUpload {
            writer.key("application/octet-stream")
            writer.beginObject()
            writer.key("schema")
            writer.beginObject()
            writer.field("type", "string")
            writer.field("format", "binary")
            writer.endObject()
            writer.endObject()
        } else {
            writer.key("application/json")
            writer.beginObject()
            writer.key("schema")
            OpenAPISchema.object(fields).write(to: &writer)
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
    }

    private func writeResponses(_ writer: inout JSONWriter) {
        writer.key("responses")
        writer.beginObject()
        switch response {
        case .json(let schema): Self.writeResponse("200", "Success", media: "application/json", schema: schema, to: &writer)
        case .created(let schema): Self.writeResponse("201", "Created", media: "application/json", schema: schema, to: &writer)
        case .download:
            Self.writeResponse("200", "The file, in its media type", media: "*/*", schema: nil, to: &writer)
            Self.writeResponse("206", "The requested byte range", media: "*/*", schema: nil, to: &writer)
            Self.writeResponse("416", "The range starts past the end of the file", media: nil, schema: nil, to: &writer)
        case .stored: Self.writeResponse("200", "Stored", media: nil, schema: nil, to: &writer)
        case .text: Self.writeResponse("200", "Success", media: "text/plain", schema: .string, to: &writer)
        case .notImplemented: Self.writeError("501", "Not supported", to: &writer)
        }
        for (status, meaning) in errorStatuses { Self.writeError(status, meaning, to: &writer) }
        writer.endObject()
    }

    /// The failures an operation can answer, each in MLflow's error shape.
    private var errorStatuses: [(String, String)] {
        let authStatuses = route.access == .anyone
            ? [] : [("401", "No valid access token (with --auth)"), ("403", "The token's role is too weak (with --auth)")]
        // Plain-text routes (health, readiness, version, metrics) take no input: only the token
        // check and an unreachable store can fail them.
        if case .text = response { return authStatuses + [("503", "The store does not answer (readiness)")] }
        var statuses = [("400", "Invalid request"), ("404", "No such resource, or the project does not exist")] + authStatuses
        if takesBody { statuses.append(("413", "The request body is too large")) }
        if shape?.readsRecordedLocation == true {
            statuses.append(("501", "The artifacts are in a store Stride cannot read (clients read it themselves)"))
        }
        statuses.append(("503", "Temporarily unavailable (artifact serving off, or the database busy)"))
        return statuses
    }

    private static func writeError(_ status: String, _ meaning: String, to writer: inout JSONWriter) {
        writeResponse(status, meaning, media: "application/json", schema: .reference("Error"), to: &writer)
    }

    private static func writeResponse(_ status: String, _ meaning: String, media: String?, schema: OpenAPISchema?, to writer: inout JSONWriter) {
        writer.key(status)
        writer.beginObject()
        writer.field("description", meaning)
        if let media {
            writer.key("content")
            writer.beginObject()
            writer.key(media)
            writer.beginObject()
            if let schema {
                writer.key("schema")
                schema.write(to: &writer)
            }
            writer.endObject()
            writer.endObject()
        }
        writer.endObject()
    }

    /// `["model_id", "tag_key"]` for `/logged-models/{model_id}/tags/{tag_key}`.
    static func pathParameterNames(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { segment in
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return nil }
            return String(segment.dropFirst().dropLast())
        }
    }
}
