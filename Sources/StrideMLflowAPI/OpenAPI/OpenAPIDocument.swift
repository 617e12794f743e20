import StrideDomain

/// The OpenAPI 3.1 document of Stride's API, written from the routes the router registered (so it
/// cannot list a route that is not served, nor miss one that is) and each route's ``OperationShape``.
struct OpenAPIDocument {
    /// One registered route: its method, its path as the router spells it (`{name}`, `**`), and who may call it.
    struct Route: Sendable, Hashable {
        var method: String
        var path: String
        var access: RouteAccess
    }

    /// The prefix under which project-scoped routes are also served, in OpenAPI's spelling.
    static let projectPrefix = "/projects/{project}"
    /// What `**`, the artifact path at a URL's tail, is called as a path parameter.
    static let tailParameter = "artifact_path"

    let routes: [Route]
    let version: String

    /// The routes' shape keys that no ``OperationShape`` describes.
    var unshapedRoutes: [String] {
        routes.map { OperationShape.key(method: $0.method, path: $0.path) }.filter { OperationShape.all[$0] == nil }
    }

    /// The OpenAPI path of a router path: `{name}` stays, `**` becomes `{artifact_path}`.
    static func openAPIPath(_ routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == "**" ? "{\(tailParameter)}" : String($0) }
            .joined(separator: "/")
    }

    func render() -> [UInt8] {
        var paths: [String: [Route]] = [:]
        var projectScoped: Set<String> = []
        for route in routes {
            if route.path.hasPrefix(Self.projectPrefix + "/") {
                projectScoped.insert(String(route.path.dropFirst(Self.projectPrefix.count)))
            } else {
                paths[route.path, default: []].append(route)
            }
        }
        var writer = JSONWriter(capacity: 256 * 1024)
        writer.beginObject()
        writer.field("openapi", "3.1.0")
        writeInfo(&writer)
        writer.key("paths")
        writer.beginObject()
        for path in paths.keys.sorted() {
            writer.key(Self.openAPIPath(path))
            writer.beginObject()
            if projectScoped.contains(path) { Self.writeProjectServers(&writer) }
            for route in paths[path, default: []].sorted(by: { $0.method < $1.method }) {
                writer.key(route.method.lowercased())
                OpenAPIOperation(route: route).write(to: &writer)
            }
            writer.endObject()
        }
        writer.endObject()
        Self.writeComponents(&writer)
        writer.endObject()
        return writer.bytes
    }

    private func writeInfo(_ writer: inout JSONWriter) {
        writer.key("info")
        writer.beginObject()
        writer.field("title", "Stride")
        writer.field("version", version)
        writer.field(
            "description",
            "MLflow's REST API as Stride serves it, plus Stride's own routes. Errors are MLflow's "
                + "{\"error_code\", \"message\"}. With --auth, every route but the public ones needs "
                + "'Authorization: Bearer <token>'. Project-scoped routes are also served under /projects/{project}.")
        writer.endObject()
    }

    /// A project-scoped route answers at the root (the `default` project, or the one the
    /// `X-MLFLOW-WORKSPACE` header names) and under `/projects/<name>`.
    private static func writeProjectServers(_ writer: inout JSONWriter) {
        writer.key("servers")
        writer.beginArray()
        writer.beginObject()
        writer.field("url", "/")
        writer.endObject()
        writer.beginObject()
        writer.field("url", projectPrefix)
        writer.key("variables")
        writer.beginObject()
        writer.key("project")
        writer.beginObject()
        writer.field("default", Project.defaultName)
        writer.endObject()
        writer.endObject()
        writer.endObject()
        writer.endArray()
    }

    private static func writeComponents(_ writer: inout JSONWriter) {
        writer.key("components")
        writer.beginObject()
        writer.key("schemas")
        writer.beginObject()
        for (name, schema) in OpenAPIComponents.schemas {
            writer.key(name)
            schema.write(to: &writer)
        }
        writer.endObject()
        writer.key("securitySchemes")
        writer.beginObject()
        writer.key(OpenAPIOperation.securityScheme)
        writer.beginObject()
        writer.field("type", "http")
        writer.field("scheme", "bearer")
        writer.field("description", "A Stride access token (`stride token create`), required with --auth.")
        writer.endObject()
        writer.endObject()
        writer.endObject()
    }
}
