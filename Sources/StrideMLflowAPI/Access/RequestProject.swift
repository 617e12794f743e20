public import HTTPTypes
import Hummingbird
import StrideDomain

/// The project (MLflow 3's workspace) a request addresses: the `/projects/<name>` URL prefix, else
/// the `X-MLFLOW-WORKSPACE` header the client sends after `mlflow.set_workspace`, else `default`.
public enum RequestProject {
    /// Where a project-scoped route is also served: `MLFLOW_TRACKING_URI=http://host/projects/vision` works unchanged.
    public static let pathPrefix = "/projects/:project"
    public static let header = HTTPField.Name("X-MLFLOW-WORKSPACE")!

    static func name(of request: Request, parameters: Parameters) throws(StrideError) -> String {
        let fromPath = parameters.get("project")
        let fromHeader = request.headers[header].flatMap { $0.isEmpty ? nil : $0 }
        switch (fromPath, fromHeader) {
        case (let path?, let header?) where path != header:
            throw .invalidParameter("The URL names project '\(path)' but the X-MLFLOW-WORKSPACE header names '\(header)'.")
        case (let path?, _): return path
        case (nil, let header?): return header
        case (nil, nil): return Project.defaultName
        }
    }
}
