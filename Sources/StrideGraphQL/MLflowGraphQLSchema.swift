import GraphQL
import OrderedCollections
import StrideDomain
import StrideService
import Synchronization

/// MLflow's GraphQL schema over Stride's services: the queries MLflow's web UI sends, each
/// resolved by the same service call as the REST endpoint it mirrors, in the request's project.
///
/// MLflow declares `mlflowSearchRuns` and `mlflowSearchDatasets` as mutations (and `mlflowSearchRuns`
/// as a query too); both only read, as does everything here.
struct MLflowGraphQLSchema: Sendable {
    let tracking: TrackingService
    /// Nil serves no model versions (a run's `modelVersions` is empty, their search fails).
    let registry: RegistryService?
    /// Nil makes artifact listing fail.
    let artifacts: ArtifactService?

    func build() throws -> GraphQLSchema {
        let types = try MLflowGraphQLTypes()
        let input = { (type: GraphQLInputObjectType) in ["input": GraphQLArgument(type: type)] as GraphQLArgumentConfigMap }
        let run = try GraphQLObjectType(name: "MlflowRunExtension", fields: [
            "info": GraphQLField(type: types.runInfo), "data": GraphQLField(type: types.runData),
            "inputs": GraphQLField(type: types.runInputs), "outputs": GraphQLField(type: types.runOutputs),
            "experiment": resolvedField(type: types.experiment) { source, _, context, _ in
                try await resolving(context) { scope in
                    let id = Self.runInfo(source, "experimentId")
                    return try await scope.experiment(id) { GraphQLValues.experiment(try await tracking.experiment(id: id, project: scope.project)) }
                }
            },
            "modelVersions": resolvedField(type: GraphQLList(GraphQLNonNull(types.modelVersion))) { source, _, context, _ in
                try await resolving(context) { scope in try await modelVersions(ofRun: Self.runInfo(source, "runId"), project: scope.project) }
            },
        ])
        let searchRunsResponse = try GraphQLObjectType(name: "MlflowSearchRunsResponse", fields: [
            "runs": GraphQLField(type: GraphQLList(GraphQLNonNull(run))), "nextPageToken": GraphQLField(type: GraphQLString),
            "apiError": GraphQLField(type: types.apiError),
        ])
        let searchRunsInput = try types.input("MlflowSearchRunsInput", [
            "experimentIds": types.strings, "filter": GraphQLString, "runViewType": types.viewType, "maxResults": GraphQLInt,
            "orderBy": types.strings, "pageToken": GraphQLString,
        ])
        let searchRuns = resolvedField(type: searchRunsResponse, args: input(searchRunsInput)) { _, args, context, _ in
            try await resolving(context) { scope in try await self.searchRuns(args["input"], project: scope.project) }
        }
        let searchDatasets = resolvedField(
            type: try response("MlflowSearchDatasetsResponse", types, ["datasetSummaries": GraphQLList(GraphQLNonNull(types.datasetSummary))]),
            args: input(try types.input("MlflowSearchDatasetsInput", ["experimentIds": types.strings]))
        ) { _, args, context, _ in
            try await resolving(context) { scope in
                let summaries = try await tracking.searchDatasets(experimentIDs: Self.strings(args["input", "experimentIds"]), project: scope.project)
                return ["datasetSummaries": summaries.map(GraphQLValues.datasetSummary)] as GraphQLValues.Object
            }
        }
        let query = try GraphQLObjectType(name: "Query", fields: [
            "mlflowGetExperiment": resolvedField(
                type: try response("MlflowGetExperimentResponse", types, ["experiment": types.experiment]),
                args: input(try types.input("MlflowGetExperimentInput", ["experimentId": GraphQLString]))
            ) { _, args, context, _ in
                try await resolving(context) { scope in
                    let experiment = try await tracking.experiment(id: args["input", "experimentId"].string ?? "", project: scope.project)
                    return ["experiment": GraphQLValues.experiment(experiment)] as GraphQLValues.Object
                }
            },
            "mlflowGetMetricHistoryBulkInterval": resolvedField(
                type: try response("MlflowGetMetricHistoryBulkIntervalResponse", types, ["metrics": GraphQLList(GraphQLNonNull(types.metricWithRunID))]),
                args: input(try types.input("MlflowGetMetricHistoryBulkIntervalInput", [
                    "runIds": types.strings, "metricKey": GraphQLString, "startStep": GraphQLInt, "endStep": GraphQLInt, "maxResults": GraphQLInt,
                ]))
            ) { _, args, context, _ in
                try await resolving(context) { scope in try await metricHistoryBulkInterval(args["input"], project: scope.project) }
            },
            "mlflowGetRun": resolvedField(
                type: try response("MlflowGetRunResponse", types, ["run": run]),
                args: input(try types.input("MlflowGetRunInput", ["runId": GraphQLString, "runUuid": GraphQLString]))
            ) { _, args, context, _ in
                try await resolving(context) { scope in
                    ["run": GraphQLValues.run(try await tracking.run(id: try Self.runID(args["input"]), project: scope.project))] as GraphQLValues.Object
                }
            },
            "mlflowListArtifacts": resolvedField(
                type: try response("MlflowListArtifactsResponse", types, [
                    "rootUri": GraphQLString, "files": GraphQLList(GraphQLNonNull(types.fileInfo)), "nextPageToken": GraphQLString,
                ]),
                args: input(try types.input("MlflowListArtifactsInput", [
                    "runId": GraphQLString, "runUuid": GraphQLString, "path": GraphQLString, "pageToken": GraphQLString,
                ]))
            ) { _, args, context, _ in
                try await resolving(context) { scope in try await listArtifacts(args["input"], project: scope.project) }
            },
            "mlflowSearchModelVersions": resolvedField(
                type: try response("MlflowSearchModelVersionsResponse", types, [
                    "modelVersions": GraphQLList(GraphQLNonNull(types.modelVersion)), "nextPageToken": GraphQLString,
                ]),
                args: input(try types.input("MlflowSearchModelVersionsInput", [
                    "filter": GraphQLString, "maxResults": types.longString, "orderBy": types.strings, "pageToken": GraphQLString,
                ]))
            ) { _, args, context, _ in
                try await resolving(context) { scope in try await searchModelVersions(args["input"], project: scope.project) }
            },
            "test": resolvedField(type: types.echo, description: "Simple echoing field", args: ["inputString": GraphQLArgument(type: GraphQLString)]) {
                _, args, _, _ in Self.echo(args)
            },
            "mlflowSearchRuns": searchRuns,
        ])
        let mutation = try GraphQLObjectType(name: "Mutation", fields: [
            "mlflowSearchDatasets": searchDatasets,
            "mlflowSearchRuns": searchRuns,
            "testMutation": resolvedField(
                type: types.echoMutation, description: "Simple echoing field", args: ["inputString": GraphQLArgument(type: GraphQLString)]
            ) { _, args, _, _ in Self.echo(args) },
        ])
        return try GraphQLSchema(query: query, mutation: mutation, directives: [
            GraphQLIncludeDirective, GraphQLSkipDirective, GraphQLDeprecatedDirective, GraphQLSpecifiedByDirective, GraphQLOneOfDirective,
            types.component,
        ])
    }

    // MARK: Resolvers

    private func searchRuns(_ input: Map, project: String) async throws -> GraphQLValues.Object {
        let page = try await tracking.searchRuns(
            experimentIDs: Self.strings(input["experimentIds"]), filter: input["filter"].string, orderBy: Self.strings(input["orderBy"]),
            viewType: input["runViewType"].string.flatMap(ViewType.init(rawValue:)) ?? .activeOnly, maxResults: input["maxResults"].int,
            pageToken: input["pageToken"].string, project: project)
        return ["runs": page.runs.map(GraphQLValues.run), "nextPageToken": page.nextPageToken ?? ""]
    }

    private func metricHistoryBulkInterval(_ input: Map, project: String) async throws -> GraphQLValues.Object {
        guard let key = input["metricKey"].string, !key.isEmpty else { throw StrideError.missingValue("metric_key") }
        let points = try await tracking.sampledMetricHistory(
            runIDs: Self.strings(input["runIds"]), key: key, maxResults: input["maxResults"].int,
            startStep: input["startStep"].int.map(Int64.init), endStep: input["endStep"].int.map(Int64.init), project: project)
        return ["metrics": points.map { GraphQLValues.metric($0.metric, runID: $0.runID) }]
    }

    private func listArtifacts(_ input: Map, project: String) async throws -> GraphQLValues.Object {
        guard let artifacts else { throw StrideError(.notImplemented, "This server does not serve artifacts.") }
        let listing = try await artifacts.listRunArtifacts(runID: try Self.runID(input), path: input["path"].string, project: project)
        return ["rootUri": listing.rootURI, "files": listing.entries.map(GraphQLValues.file), "nextPageToken": ""]
    }

    private func searchModelVersions(_ input: Map, project: String) async throws -> GraphQLValues.Object {
        guard let registry else { throw StrideError(.notImplemented, "This server does not serve the model registry.") }
        // LongString inputs arrive as canonical decimal strings; Int64 fits Int on every platform Stride runs on.
        var maxResults = RegistryService.maxVersionSearchResults
        if let text = input["maxResults"].string {
            guard let value = Int(text) else { throw StrideError.invalidParameter("Invalid value \(text) for parameter 'max_results' supplied.") }
            maxResults = value
        }
        let page = try await registry.searchModelVersions(
            filter: input["filter"].string, orderBy: Self.strings(input["orderBy"]),
            maxResults: maxResults, pageToken: input["pageToken"].string, project: project)
        return ["modelVersions": page.versions.map(GraphQLValues.modelVersion), "nextPageToken": page.nextPageToken ?? ""]
    }

    /// A run's registered versions, as MLflow finds them: a version search by `run_id`.
    private func modelVersions(ofRun runID: String, project: String) async throws -> [GraphQLValues.Object] {
        guard let registry, !runID.isEmpty, !runID.contains("'") else { return [] }
        var versions: [GraphQLValues.Object] = []
        var token: String?
        repeat {
            let page = try await registry.searchModelVersions(
                filter: "run_id='\(runID)'", orderBy: [], maxResults: RegistryService.maxVersionSearchResults, pageToken: token, project: project)
            versions += page.versions.map(GraphQLValues.modelVersion)
            token = page.nextPageToken
        } while token != nil
        return versions
    }

    // MARK: Inputs and outputs

    /// A `*Response` object: the given fields plus MLflow's `apiError`, which stays null (errors go to `errors`).
    private func response(_ name: String, _ types: MLflowGraphQLTypes, _ fields: KeyValuePairs<String, any GraphQLOutputType>) throws -> GraphQLObjectType {
        var map: GraphQLFieldMap = ["apiError": GraphQLField(type: types.apiError)]
        for (field, type) in fields { map[field] = GraphQLField(type: type) }
        return try GraphQLObjectType(name: name, fields: map)
    }

    /// MLflow's `test` fields, which its UI uses to check the endpoint: the input, echoed.
    private static func echo(_ args: Map) -> GraphQLValues.Object {
        args["inputString"].string.map { ["output": $0] } ?? [:]
    }

    private static func strings(_ value: Map) -> [String] {
        value.array?.compactMap(\.string) ?? []
    }

    private static func runID(_ input: Map) throws(StrideError) -> String {
        guard let id = input["runId"].string ?? input["runUuid"].string, !id.isEmpty else { throw StrideError.missingValue("run_id") }
        return id
    }

    private static func runInfo(_ source: any Sendable, _ field: String) -> String {
        ((source as? GraphQLValues.Object)?["info"] as? GraphQLValues.Object)?[field] as? String ?? ""
    }
}

/// A field with an asynchronous resolver: GraphQLSwift's initializers make a bare trailing closure ambiguous.
private func resolvedField(
    type: any GraphQLOutputType, description: String? = nil, args: GraphQLArgumentConfigMap = [:], _ resolve: @escaping GraphQLFieldResolve
) -> GraphQLField {
    GraphQLField(type: type, description: description, args: args, resolve: resolve)
}

/// What every resolver knows of its request: the project it acts in, and the experiments already
/// looked up, so a page of runs that asks for each run's experiment reads each experiment once.
final class GraphQLRequestScope: Sendable {
    let project: String
    private let experiments = Mutex<[String: GraphQLValues.Object]>([:])

    init(project: String) {
        self.project = project
    }

    func experiment(_ id: String, load: () async throws -> GraphQLValues.Object) async throws -> GraphQLValues.Object {
        if let known = experiments.withLock({ $0[id] }) { return known }
        let loaded = try await load()
        experiments.withLock { $0[id] = loaded }
        return loaded
    }
}

/// Runs a resolver in the request's scope; a service's refusal becomes the field's error with the
/// service's message (MLflow reports the `MlflowException` message), anything else a generic one.
func resolving(_ context: any Sendable, _ body: (GraphQLRequestScope) async throws -> (any Sendable)?) async throws -> (any Sendable)? {
    guard let scope = context as? GraphQLRequestScope else { throw GraphQLError(message: "Internal error") }
    do {
        return try await body(scope)
    } catch let error as StrideError {
        throw GraphQLError(message: error.message)
    } catch let error as GraphQLError {
        throw error
    } catch {
        throw GraphQLError(message: "Internal error")
    }
}
