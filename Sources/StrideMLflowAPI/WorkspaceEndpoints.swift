import Hummingbird
import StrideDomain
import StrideService

extension MLflowAPI {
    /// MLflow 3's workspace API (`/api/3.0/mlflow/workspaces`) over Stride's projects. With auth
    /// on, creating and deleting projects is the server admin's (the `default` project's admin),
    /// and any other token lists and reads its own project alone, as MLflow filters workspaces to
    /// the caller's (``ProjectService`` decides, from the request's verified token).
    func workspaceEndpoints(_ projects: ProjectService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .get, path: "/workspaces", access: .reader, version: "3.0", prefixes: ["/api"]) { _ in
                let all = try await projects.list(caller: ProjectContext.caller)
                return JSONResponse.page("workspaces", all, bytesPerItem: 64) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/workspaces", access: .admin, version: "3.0", prefixes: ["/api"]) { request in
                // The caller is checked before the name, so a token that may not create projects learns nothing more.
                let project = try await projects.create(named: try request.fields.string("name") ?? "", caller: ProjectContext.caller)
                var writer = JSONWriter()
                writer.beginObject()
                writer.key("workspace")
                writer.write(project)
                writer.endObject()
                return JSONResponse.make(writer, status: .created)
            },
            MLflowEndpoint(method: .get, path: "/workspaces/:workspace_name", access: .reader, version: "3.0", prefixes: ["/api"]) { request in
                let project = try await projects.project(named: try request.pathParameter("workspace_name"), caller: ProjectContext.caller)
                return JSONResponse.object("workspace") { $0.write(project) }
            },
            MLflowEndpoint(method: .delete, path: "/workspaces/:workspace_name", access: .admin, version: "3.0", prefixes: ["/api"]) { request in
                try await projects.delete(named: try request.pathParameter("workspace_name"), caller: ProjectContext.caller)
                return JSONResponse.empty()
            },
        ]
    }
}

extension JSONWriter {
    /// MLflow's `Workspace` message.
    mutating func write(_ project: Project) {
        beginObject()
        field("name", project.name)
        endObject()
    }
}
