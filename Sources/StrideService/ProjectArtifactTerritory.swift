import StrideDomain
import StrideStore

/// The project-scope rule for artifact files: which store paths belong to which project.
///
/// One artifact store holds every project's files, laid out as MLflow 3 lays out workspaces plus
/// the folders of experiments whose location is a `file:` URI below the store:
/// - `workspaces/<name>/…` belongs to project `<name>` (its proxied root, ``ProjectArtifactRoot``);
/// - `<experiment id>/…` belongs to the project that owns that experiment (runs' and logged
///   models' folders with `--no-serve-artifacts`, and the `default` project's proxied runs), and
///   to no project while no such experiment exists;
/// - anything else below the root belongs to `default`; the store root itself to no project.
///
/// Every path a request reaches, however it was named (a proxied path, a run's or logged model's
/// artifact URI, a model version's source), is checked here after it has become a store path, so
/// no spelling of a location (`file:` URI, absolute path, `mlflow-artifacts:` URI, the root itself)
/// reaches another project's files.
struct ProjectArtifactTerritory: Sendable {
    let ownership: ProjectOwnership

    func contains(_ path: ArtifactPath, project: String) async throws -> Bool {
        guard let first = path.segments.first else { return false }
        if first == ProjectArtifactRoot.reservedSegment {
            return project != Project.defaultName && path.segments.count >= 2 && path.segments[1] == project
        }
        if let experiment = Self.experimentFolder(first) {
            return try await ownership.owns(experiment, project)
        }
        return project == Project.defaultName
    }

    /// The entries of the store root that `project` may see when it lists its root (only `default`
    /// has the store root as its root): neither `workspaces` nor other projects' experiment folders.
    func visibleRootEntries(_ entries: [ArtifactEntry], project: String) async throws -> [ArtifactEntry] {
        var visible: [ArtifactEntry] = []
        for entry in entries {
            guard let name = try? ArtifactPath.root.appending(name: entry.name) else { continue }
            if try await contains(name, project: project) { visible.append(entry) }
        }
        return visible
    }

    /// A folder named as the server names experiment folders: the id in canonical decimal.
    private static func experimentFolder(_ segment: String) -> ExperimentID? {
        guard !segment.isEmpty, segment.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int64(segment), String(value) == segment
        else { return nil }
        return ExperimentID(value)
    }
}
