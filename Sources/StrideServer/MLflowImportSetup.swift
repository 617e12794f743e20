import Foundation
public import Logging
import StrideDomain
import StrideMLflowSource
import StrideStore
public import StrideService

/// `stride import`'s composition: the MLflow source it names, and the store and artifact folder
/// `stride server` would use for `configuration`, opened and checked the way the server does.
public enum MLflowImportSetup {
    /// Imports `sourceURI` (`sqlite:///<path>`) with the artifacts below `artifactRoot` (a folder or
    /// `file:` URI; default: `mlartifacts` beside the database). The source is checked before the
    /// store is touched, so a foreign or truncated file changes nothing.
    public static func run(
        _ configuration: ServerConfiguration, from sourceURI: String, artifactRoot: String?, options: MLflowImporter.Options, logger: Logger,
        announce: @escaping @Sendable (String) -> Void, progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws -> ImportReport {
        let sourcePath = try sourceFile(sourceURI)
        let source = try MLflowSQLiteSource.open(path: sourcePath)
        defer { try? source.close() }
        let root = try artifactRootFolder(artifactRoot, besides: sourcePath)
        let locations = try StorageLocations.inspect(configuration)
        if options.dryRun, !locations.storeExists {
            return ImportReport(inventory: try await source.inventory())
        }
        return try await StoreSession.with(configuration, locations: locations, logger: logger, announce: announce) { backend in
            guard let imports = backend as? any ImportStore else {
                throw StartupFailure("stride import cannot write into the store at \(locations.storeFile).")
            }
            return try await importing(
                source, root: root, store: backend, imports: imports, configuration: configuration, artifactsDirectory: locations.artifactsDirectory,
                options: options, progress: progress)
        }
    }

    private static func importing(
        _ source: MLflowSQLiteSource, root: String, store: any BackendStore, imports: any ImportStore, configuration: ServerConfiguration,
        artifactsDirectory: String, options: MLflowImporter.Options, progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws -> ImportReport {
        guard try await store.project(named: options.project) != nil else {
            throw StartupFailure("Project '\(options.project)' does not exist: create it with `stride project create \(options.project)`.")
        }
        let locations = ArtifactLocations(defaultRoot: configuration.effectiveArtifactRoot, workingDirectory: FileManager.default.currentDirectoryPath)
        let tracking = TrackingService(store: store, artifacts: locations)
        try await tracking.bootstrap()
        let loggedModels = LoggedModelService(store: store, tracking: tracking)
        let registry = RegistryService(store: store, tracking: tracking, loggedModels: loggedModels)
        let artifacts = try await StrideApplication.artifactService(
            artifactsDirectory, tracking: tracking, modelVersions: registry, loggedModels: loggedModels)
        let importer = MLflowImporter(
            source: source, store: imports, files: LocalSourceFiles(), artifactRoot: root, artifacts: artifacts, locations: locations,
            options: options)
        return try await importer.run(progress: progress)
    }

    /// The file an `--from` URI names; relative paths are read from the working directory.
    static func sourceFile(_ uri: String) throws(StartupFailure) -> String {
        if uri.hasPrefix("sqlite:///") {
            let path = String(uri.dropFirst("sqlite:///".count))
            guard !path.isEmpty else { throw StartupFailure("--from 'sqlite:///' names no file: use e.g. sqlite:///mlflow.db.") }
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        if uri.hasPrefix("postgresql:") || uri.hasPrefix("postgres:") || uri.hasPrefix("mysql") {
            throw StartupFailure("--from '\(uri)': Stride imports MLflow's SQLite databases so far; PostgreSQL sources are planned.")
        }
        throw StartupFailure("--from '\(uri)' is not a database URI: use sqlite:///<relative path> or sqlite:////<absolute path>, as given to `mlflow server --backend-store-uri`.")
    }

    /// The absolute folder `--artifacts` names (a path or `file:` URI), which must exist.
    static func artifactRootFolder(_ given: String?, besides databaseFile: String) throws(StartupFailure) -> String {
        let folder: String
        if let given, given.hasPrefix("file:") {
            guard let url = URL(string: given), url.isFileURL else { throw StartupFailure("--artifacts '\(given)' is not a file: URI.") }
            folder = url.standardizedFileURL.path
        } else if let given {
            guard !given.contains("://") else {
                throw StartupFailure("--artifacts '\(given)': name MLflow's artifact root as a folder or file: URI on this machine.")
            }
            folder = URL(fileURLWithPath: given).standardizedFileURL.path
        } else {
            folder = URL(fileURLWithPath: databaseFile).deletingLastPathComponent().appendingPathComponent("mlartifacts").standardizedFileURL.path
        }
        guard PathKind(of: folder) == .directory else {
            throw StartupFailure(
                "MLflow's artifact root \(folder) is not a folder: pass --artifacts with the folder `mlflow server --artifacts-destination` wrote to "
                    + "(default ./mlartifacts where the server ran) or its old file: root (default ./mlruns).")
        }
        return folder
    }
}
