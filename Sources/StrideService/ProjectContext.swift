/// The project a service call acts in when the caller does not name one.
///
/// The MLflow API always names the request's project. The web UI sets this once per request,
/// from the signed-in token's project (or the server admin's choice), so every page's many
/// service calls act in that project without threading it through each view. Outside a request
/// it is `default`, the project of a server without projects.
public enum ProjectContext {
    @TaskLocal public static var current: String = TrackingService.defaultProject
}
