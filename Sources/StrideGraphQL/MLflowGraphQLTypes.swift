import GraphQL
import OrderedCollections

/// The object, input and scalar types of MLflow's GraphQL schema (`mlflow/server/graphql`), with
/// MLflow's names: generated from its protos, so fields are the protos' fields in camelCase.
///
/// Objects resolve from `[String: any Sendable]` values built by ``GraphQLValues``; the fields that
/// cost a lookup (a run's experiment and model versions) get resolvers in ``MLflowGraphQLSchema``.
/// Built once at startup: a type a schema names twice must be the same instance.
struct MLflowGraphQLTypes {
    let longString: GraphQLScalarType
    let viewType: GraphQLEnumType
    let apiError: GraphQLObjectType
    let experiment: GraphQLObjectType
    let modelVersion: GraphQLObjectType
    let runInfo: GraphQLObjectType
    let runData: GraphQLObjectType
    let runInputs: GraphQLObjectType
    let runOutputs: GraphQLObjectType
    let fileInfo: GraphQLObjectType
    let datasetSummary: GraphQLObjectType
    let metricWithRunID: GraphQLObjectType
    let echo: GraphQLObjectType
    let echoMutation: GraphQLObjectType
    let component: GraphQLDirective

    init() throws {
        longString = try Self.makeLongString()
        viewType = try Self.enumType("MlflowViewType", ["ACTIVE_ONLY", "DELETED_ONLY", "ALL"])
        let string = GraphQLString
        apiError = try Self.object("ApiError", [
            "code": Self.field(string), "message": Self.field(string), "helpUrl": Self.field(string), "traceId": Self.field(string),
            "errorDetails": Self.field(GraphQLList(try Self.object("ErrorDetail", ["field": Self.field(string), "message": Self.field(string)]))),
        ])
        experiment = try Self.object("MlflowExperiment", [
            "experimentId": Self.field(string), "name": Self.field(string), "artifactLocation": Self.field(string),
            "lifecycleStage": Self.field(string), "lastUpdateTime": Self.field(longString), "creationTime": Self.field(longString),
            "tags": Self.field(Self.listOf(try Self.keyValue("MlflowExperimentTag"))),
            "effectiveTraceArchivalRetention": Self.field(string), "workspace": Self.field(string),
        ])
        let deploymentJobState = try Self.object("MlflowModelVersionDeploymentJobState", [
            "jobId": Self.field(string), "runId": Self.field(string),
            "jobState": Self.field(try Self.enumType(
                "MlflowDeploymentJobConnectionState",
                ["DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED", "NOT_SET_UP", "CONNECTED", "NOT_FOUND", "REQUIRED_PARAMETERS_CHANGED"])),
            "runState": Self.field(try Self.enumType(
                "MlflowModelVersionDeploymentJobStateDeploymentJobRunState",
                ["DEPLOYMENT_JOB_RUN_STATE_UNSPECIFIED", "NO_VALID_DEPLOYMENT_JOB_FOUND", "RUNNING", "SUCCEEDED", "FAILED", "PENDING", "APPROVAL"])),
            "currentTaskName": Self.field(string),
        ])
        modelVersion = try Self.object("MlflowModelVersion", [
            "name": Self.field(string), "version": Self.field(string), "creationTimestamp": Self.field(longString),
            "lastUpdatedTimestamp": Self.field(longString), "userId": Self.field(string), "currentStage": Self.field(string),
            "description": Self.field(string), "source": Self.field(string), "runId": Self.field(string),
            "status": Self.field(try Self.enumType("MlflowModelVersionStatus", ["PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY"])),
            "statusMessage": Self.field(string), "tags": Self.field(Self.listOf(try Self.keyValue("MlflowModelVersionTag"))),
            "runLink": Self.field(string), "aliases": Self.field(GraphQLList(string)), "modelId": Self.field(string),
            "modelParams": Self.field(Self.listOf(try Self.keyValue("MlflowModelParam", key: "name"))),
            "modelMetrics": Self.field(Self.listOf(try Self.object("MlflowModelMetric", Self.metricFields(longString, withModelFields: true)))),
            "deploymentJobState": Self.field(deploymentJobState),
        ])
        runInfo = try Self.object("MlflowRunInfo", [
            "runId": Self.field(string), "runUuid": Self.field(string), "runName": Self.field(string),
            "experimentId": Self.field(string), "userId": Self.field(string),
            "status": Self.field(try Self.enumType("MlflowRunStatus", ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"])),
            "startTime": Self.field(longString), "endTime": Self.field(longString), "artifactUri": Self.field(string),
            "lifecycleStage": Self.field(string),
        ])
        runData = try Self.object("MlflowRunData", [
            "metrics": Self.field(Self.listOf(try Self.object("MlflowMetricExtension", Self.metricFields(longString, withModelFields: true)))),
            "params": Self.field(Self.listOf(try Self.keyValue("MlflowParam"))),
            "tags": Self.field(Self.listOf(try Self.keyValue("MlflowRunTag"))),
        ])
        let dataset = try Self.object("MlflowDataset", [
            "name": Self.field(string), "digest": Self.field(string), "sourceType": Self.field(string),
            "source": Self.field(string), "schema": Self.field(string), "profile": Self.field(string),
        ])
        runInputs = try Self.object("MlflowRunInputs", [
            "datasetInputs": Self.field(Self.listOf(try Self.object("MlflowDatasetInput", [
                "tags": Self.field(Self.listOf(try Self.keyValue("MlflowInputTag"))), "dataset": Self.field(dataset),
            ]))),
            "modelInputs": Self.field(Self.listOf(try Self.object("MlflowModelInput", ["modelId": Self.field(string)]))),
        ])
        runOutputs = try Self.object("MlflowRunOutputs", [
            "modelOutputs": Self.field(Self.listOf(try Self.object("MlflowModelOutput", ["modelId": Self.field(string), "step": Self.field(longString)]))),
        ])
        fileInfo = try Self.object("MlflowFileInfo", ["path": Self.field(string), "isDir": Self.field(GraphQLBoolean), "fileSize": Self.field(longString)])
        datasetSummary = try Self.object("MlflowDatasetSummary", [
            "experimentId": Self.field(string), "name": Self.field(string), "digest": Self.field(string), "context": Self.field(string),
        ])
        metricWithRunID = try Self.object("MlflowMetricWithRunId", Self.metricFields(longString, withModelFields: false))
        echo = try Self.object("Test", ["output": GraphQLField(type: string, description: "Echoes the input string")])
        echoMutation = try Self.object("TestMutation", ["output": GraphQLField(type: string, description: "Echoes the input string")])
        component = try GraphQLDirective(
            name: "component", locations: [.query, .mutation], args: ["name": GraphQLArgument(type: GraphQLNonNull(string))])
    }

    // MARK: Inputs

    func input(_ name: String, _ fields: KeyValuePairs<String, any GraphQLInputType>) throws -> GraphQLInputObjectType {
        var map: InputObjectFieldMap = [:]
        for (field, type) in fields { map[field] = InputObjectField(type: type) }
        return try GraphQLInputObjectType(name: name, fields: map)
    }

    var strings: GraphQLList { GraphQLList(GraphQLString) }

    // MARK: Building blocks

    /// MLflow's `LongString`: 64-bit integers travel as strings, which JavaScript cannot truncate.
    /// Inputs arrive as integer literals or variables and are kept as canonical decimal strings.
    private static func makeLongString() throws -> GraphQLScalarType {
        try GraphQLScalarType(
            name: "LongString",
            description: "Long converted to string to prevent truncation to max integer in JavaScript",
            serialize: { value in
                switch value {
                case let number as Int64: .string(String(number))
                case let number as Int: .string(String(number))
                default: throw GraphQLError(message: "LongString cannot represent value: \(value)")
                }
            },
            parseValue: { value in
                switch value {
                // JSON variables arrive as doubles; only an exact 64-bit integer is a LongString.
                case .number(let number) where Int64(exactly: number.doubleValue) != nil: return .string(String(number.int64Value))
                case .string(let text) where Int64(text) != nil: return .string(text)
                default: throw GraphQLError(message: "LongString cannot represent value: \(value)")
                }
            },
            parseLiteral: { literal in
                guard let integer = literal as? IntValue, let exact = Int64(integer.value) else {
                    throw GraphQLError(message: "LongString cannot represent a value that is not a 64-bit integer")
                }
                return .string(String(exact))
            })
    }

    private static func enumType(_ name: String, _ values: [String]) throws -> GraphQLEnumType {
        var map: GraphQLEnumValueMap = [:]
        for value in values { map[value] = GraphQLEnumValue(value: .string(value)) }
        return try GraphQLEnumType(name: name, values: map)
    }

    private static func object(_ name: String, _ fields: GraphQLFieldMap) throws -> GraphQLObjectType {
        try GraphQLObjectType(name: name, fields: fields)
    }

    private static func field(_ type: any GraphQLOutputType) -> GraphQLField { GraphQLField(type: type) }

    /// `[T!]`: how MLflow's schema types repeated message fields.
    private static func listOf(_ type: any GraphQLNullableType) -> GraphQLList { GraphQLList(GraphQLNonNull(type)) }

    private static func keyValue(_ name: String, key: String = "key") throws -> GraphQLObjectType {
        try object(name, [key: field(GraphQLString), "value": field(GraphQLString)])
    }

    private static func metricFields(_ longString: GraphQLScalarType, withModelFields: Bool) -> GraphQLFieldMap {
        var fields: GraphQLFieldMap = [
            "key": field(GraphQLString), "value": field(GraphQLFloat), "timestamp": field(longString), "step": field(longString),
        ]
        if withModelFields {
            for name in ["datasetName", "datasetDigest", "modelId"] { fields[name] = field(GraphQLString) }
        }
        fields["runId"] = field(GraphQLString)
        return fields
    }
}
