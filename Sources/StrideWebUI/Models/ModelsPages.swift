import Foundation
import Hummingbird
import StrideDomain
import StrideService

/// The model registry: `/models` (registered models), `/models/:name` (one model's versions,
/// aliases and tags) and `/models/:name/versions/:version` (one version, linked to its run and
/// logged model).
extension WebUI {
    struct ModelsView {
        var query: String
        var rows: [ModelRow]
        var isEmpty: Bool
        var nextHref: String?
    }

    struct ModelRow {
        var name: String
        var href: String
        var latest: String
        var aliases: [String]
        var updated: String
        var description: String
    }

    struct ModelView {
        var description: String
        var hasDescription: Bool
        var aliases: [String]
        var tags: [KeyValueRow]
        var versions: [VersionRow]
    }

    struct VersionRow {
        var version: String
        var href: String
        var stage: String
        var aliases: [String]
        var created: String
        var runHref: String?
        var runID: String
        var description: String
    }

    struct ModelVersionView {
        var fields: [KeyValueRow]
        var description: String
        var hasDescription: Bool
        var aliases: [String]
        var tags: [KeyValueRow]
        var loggedModel: [KeyValueRow]
        var hasLoggedModel: Bool
    }

    static let modelsPerPage = 100
    static let versionsListed = 200

    func modelsPage(_ request: Request) async throws -> Response {
        let registry = try requireRegistry()
        let fields = FormFields(urlEncoded: request.uri.query)
        let query = fields["q"] ?? ""
        let (models, next) = try await registry.searchRegisteredModels(
            filter: query.isEmpty ? nil : "name ILIKE \(FilterLiteral.quoted("%" + query + "%"))", orderBy: ["name ASC"],
            maxResults: Self.modelsPerPage, pageToken: fields.nonEmpty("page"), project: ProjectContext.current)
        let rows = models.map { model in
            ModelRow(
                name: model.name, href: Self.modelHref(model.name),
                latest: model.latestVersions.map { "v\($0.version) \($0.stage.rawValue)" }.joined(separator: ", "),
                aliases: model.aliases.map { "@\($0.alias) → v\($0.version)" }, updated: Formatting.time(model.lastUpdatedTime),
                description: Formatting.abbreviated(model.description ?? "", to: 120))
        }
        let model = ModelsView(
            query: query, rows: rows, isEmpty: rows.isEmpty, nextHref: next.map { PageLink("/models").with("q", query).with("page", $0).url })
        return renderer.page("models", model, title: "Registered models")
    }

    func modelPage(_ request: Request, name: String) async throws -> Response {
        let registry = try requireRegistry()
        let model = try await registry.registeredModel(named: name, project: ProjectContext.current)
        let versions = try await registry.searchModelVersions(
            filter: "name = \(FilterLiteral.quoted(name))", orderBy: ["version_number DESC"], maxResults: Self.versionsListed, pageToken: nil,
            project: ProjectContext.current
        ).versions
        let view = ModelView(
            description: model.description ?? "", hasDescription: !(model.description ?? "").isEmpty,
            aliases: model.aliases.map { "@\($0.alias) → v\($0.version)" }, tags: KeyValueRow.rows(model.tags),
            versions: versions.map { version in
                VersionRow(
                    version: "v\(version.version)", href: Self.modelHref(name) + "/versions/\(version.version)", stage: version.stage.rawValue,
                    aliases: version.aliases.map { "@" + $0 }, created: Formatting.time(version.creationTime),
                    runHref: version.runID.flatMap { $0.isEmpty ? nil : "/runs/\($0)" }, runID: version.runID ?? "",
                    description: Formatting.abbreviated(version.description ?? "", to: 80))
            })
        return renderer.page("model", view, title: model.name, crumbs: [.init(label: "Models", href: "/models")])
    }

    func modelVersionPage(name: String, version: String) async throws -> Response {
        let registry = try requireRegistry()
        let modelVersion = try await registry.modelVersion(model: name, version: version, project: ProjectContext.current)
        var fields = [
            KeyValueRow("Stage", modelVersion.stage.rawValue),
            KeyValueRow("Created (UTC)", Formatting.time(modelVersion.creationTime)),
            KeyValueRow("Updated (UTC)", Formatting.time(modelVersion.lastUpdatedTime)),
            KeyValueRow("Source", modelVersion.source, mono: true),
        ]
        if let runID = modelVersion.runID, !runID.isEmpty {
            fields.append(KeyValueRow("Source run", runID, href: "/runs/\(runID)", mono: true))
        }
        var loggedModel: [KeyValueRow] = []
        if let modelID = modelVersion.modelID, !modelID.isEmpty, let loggedModels {
            let logged = try await loggedModels.model(id: modelID, allowDeleted: true)
            loggedModel = [
                KeyValueRow("Model ID", logged.id, mono: true), KeyValueRow("Name", logged.name),
                KeyValueRow("Type", logged.modelType ?? ""), KeyValueRow("Status", logged.status.name),
                KeyValueRow("Artifacts", logged.artifactURI, mono: true),
            ]
            if let runID = logged.sourceRunID, !runID.isEmpty {
                loggedModel.append(KeyValueRow("Logged by run", runID, href: "/runs/\(runID)", mono: true))
            }
            loggedModel += logged.params.map { KeyValueRow("param " + $0.key, $0.value) }
        }
        let view = ModelVersionView(
            fields: fields, description: modelVersion.description ?? "", hasDescription: !(modelVersion.description ?? "").isEmpty,
            aliases: modelVersion.aliases.map { "@" + $0 }, tags: KeyValueRow.rows(modelVersion.tags), loggedModel: loggedModel,
            hasLoggedModel: !loggedModel.isEmpty)
        return renderer.page(
            "modelVersion", view, title: "\(name) v\(modelVersion.version)",
            crumbs: [.init(label: "Models", href: "/models"), .init(label: name, href: Self.modelHref(name))])
    }

    static func modelHref(_ name: String) -> String {
        "/models/" + PageLink.segment(name)
    }

    private func requireRegistry() throws -> RegistryService {
        guard let registry else { throw StrideError(.notImplemented, "This server does not serve the model registry.") }
        return registry
    }
}
