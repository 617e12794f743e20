import StrideDomain

/// Where a project's artifacts live in the artifact store, as MLflow 3 lays out workspaces: the
/// `default` project at the root (so existing data stays where it is), every other project under
/// `workspaces/<name>/`. A request's path is always taken relative to its project's root, and the
/// default project may not reach into `workspaces/`, so no path names another project's files.
enum ProjectArtifactRoot {
    static let reservedSegment = "workspaces"

    /// The folder of a project's files; nil for `default`, whose root is the store's.
    static func folder(of project: String) throws(StrideError) -> ArtifactPath? {
        guard project != Project.defaultName else { return nil }
        return try ArtifactPath.root.appending(name: reservedSegment).appending(name: project)
    }

    static func storePath(_ path: ArtifactPath, project: String) throws(StrideError) -> ArtifactPath {
        guard project != Project.defaultName else {
            if path.segments.first == reservedSegment {
                throw .invalidParameter("Artifact paths starting with '\(reservedSegment)/' are reserved for other projects.")
            }
            return path
        }
        return try ArtifactPath.root.appending(name: reservedSegment).appending(name: project).appending(path)
    }
}
