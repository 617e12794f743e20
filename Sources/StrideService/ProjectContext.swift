public import StrideDomain

/// The project of the request being handled: set once per request by the router (from the URL
/// prefix or the workspace header) and by the web UI (from the signed-in viewer).
///
/// Service calls take their project as an argument; its default is this value, so the web UI's
/// many calls act in the viewer's project without threading it through each view, while the
/// MLflow wire layer names it on every call. Outside a request it is `default`.
public enum ProjectContext {
    @TaskLocal public static var current: String = Project.defaultName

    /// The verified token the request acts as, set by the router with auth on; nil with auth off
    /// (everyone is admin) and outside requests. Project management reads it (``ProjectService``).
    @TaskLocal public static var caller: Principal? = nil
}
