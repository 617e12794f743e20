import Hummingbird
import StrideDomain
import StrideService

extension MLflowAPI {
    /// MLflow 3's workspace API (`/api/3.0/mlflow/workspaces`) over Stride's projects. Managing
    /// projects is the server admin's (the `default` project's admin) when auth is on.
    func workspaceEndpoints(_ projects: ProjectService) -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .get, path: "/workspaces", access: .admin, version: "3.0", prefixes: ["/api"]) { _ in
                let all = try await projects.list()
                return JSONResponse.page("workspaces", all, bytesPerItem: 64) { $0.write($1) }
            },
            MLflowEndpoint(method: .post, path: "/workspaces", access: .admin, version: "3.0", prefixes: ["/api"]) { request in
                let project = try await projects.create(named: try request.fields.requiredString("name"))
                var writer = JSONWriter()
                writer.beginObject()
                writer.key("workspace")
                writer.write(project)
                writer.endObject()
                return JSONResponse.make(writer, status: .created)
            },
            MLflowEndpoint(method: .get, path: "/workspaces/:workspace_name", access: .admin, version: "3.0", prefixes: ["/api"]) { request in
                let project = try await projects.project(named: try request.pathParameter("workspace_name"))
                return JSONResponse.object("workspace") { $0.write(project) }
            },
            MLflowEndpoint(method: .delete, path: "/workspaces/:workspace_name", access: .admin, version: "3.0", prefixes: ["/api"]) { request in
                try await projects.delete(named: try request.pathParameter("workspace_name"))
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
