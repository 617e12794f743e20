import Foundation
public import Logging
import StrideDomain
import StrideMLflowSource
import StridePostgres
import StrideStore
public import StrideService

/// `stride import`'s composition: the MLflow source it names, and the store and artifact folder
/// `stride server` would use for `configuration`, opened and checked the way the server does.
public enum MLflowImportSetup {
    /// Imports `sourceURI` (`sqlite:///<path>` or `postgresql://...`) with the artifacts below
    /// `artifactRoot` (a folder or `file:` URI; default: `mlartifacts` beside an SQLite database, or in
    /// the working directory for PostgreSQL, as `mlflow server` makes it). The source is checked
    /// before the store is touched, so a foreign, truncated or unknown database changes nothing.
    public static func run(
        _ configuration: ServerConfiguration, from sourceURI: String, artifactRoot: String?, options: MLflowImporter.Options, logger: Logger,
        announce: @escaping @Sendable (String) -> Void, progress: @escaping @Sendable (ImportProgress) -> Void
    ) async throws -> ImportReport {
        let opened = try await openSource(sourceURI, logger: logger)
        defer { opened.close() }
        let root = try artifactRootFolder(artifactRoot, defaultFolder: opened.defaultArtifactRoot)
        let source = opened.source
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

    /// An opened source, how to close it, and where its server kept artifacts by default.
    struct OpenedSource {
        var source: any MLflowSource
        var defaultArtifactRoot: String
        var close: () -> Void
    }

    /// The MLflow database `uri` names, opened and its schema checked.
    static func openSource(_ uri: String, logger: Logger) async throws -> OpenedSource {
        if PostgresSettings.names(uri) {
            // MLflow's database has its own credentials: Stride's STRIDE_DATABASE_PASSWORD is not offered to it.
            let environment = ProcessInfo.processInfo.environment.filter { $0.key == "USER" }
            let settings: PostgresSettings
            do {
                settings = try PostgresSettings(uri: uri, environment: environment)
            } catch {
                throw StartupFailure("--from: \(error.description)")
            }
            let database = try await MLflowPostgresSource.open(settings: settings, logger: logger)
            let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("mlartifacts").standardizedFileURL.path
            return OpenedSource(source: MLflowSchemaReader(database), defaultArtifactRoot: folder, close: { database.close() })
        }
        let path = try sourceFile(uri)
        let database = try MLflowSQLiteSource.open(path: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("mlartifacts").standardizedFileURL.path
        return OpenedSource(source: MLflowSchemaReader(database), defaultArtifactRoot: folder, close: { try? database.close() })
    }

    private static func importing(
        _ source: any MLflowSource, root: String, store: any BackendStore, imports: any ImportStore, configuration: ServerConfiguration,
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

    /// The SQLite file an `--from` URI names; relative paths are read from the working directory.
    static func sourceFile(_ uri: String) throws(StartupFailure) -> String {
        if uri.hasPrefix("sqlite:///") {
            let path = String(uri.dropFirst("sqlite:///".count))
            guard !path.isEmpty else { throw StartupFailure("--from 'sqlite:///' names no file: use e.g. sqlite:///mlflow.db.") }
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        if uri.hasPrefix("mysql") || uri.hasPrefix("mssql") {
            throw StartupFailure("--from '\(uri)': Stride imports MLflow's SQLite and PostgreSQL databases; MySQL and SQL Server sources are not supported.")
        }
        throw StartupFailure(
            "--from '\(uri)' is not a database URI: use sqlite:///<relative path>, sqlite:////<absolute path> or postgresql://user@host:5432/database, "
                + "as given to `mlflow server --backend-store-uri`.")
    }

    /// The absolute folder `--artifacts` names (a path or `file:` URI), which must exist.
    static func artifactRootFolder(_ given: String?, defaultFolder: String) throws(StartupFailure) -> String {
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
            folder = defaultFolder
        }
        guard PathKind(of: folder) == .directory else {
            throw StartupFailure(
                "MLflow's artifact root \(folder) is not a folder: pass --artifacts with the folder `mlflow server --artifacts-destination` wrote to "
                    + "(default ./mlartifacts where the server ran) or its old file: root (default ./mlruns).")
        }
        return folder
    }
}
