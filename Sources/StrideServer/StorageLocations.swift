import Foundation
import StrideS3Artifacts

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store file and the artifact folder a configuration names, checked on disk before anything is
/// created: where they are, what start-up will create, or in words why it cannot start.
///
/// Only the embedded default's folder (`./stride-data`) is created unasked; any other missing folder
/// needs `--create-store-dirs`, so a mistyped path is refused instead of becoming an empty store.
struct StorageLocations: Sendable, Equatable {
    /// The SQLite file, absolute.
    var storeFile: String
    /// Whether the store file is there already; false means start-up creates a new store.
    var storeExists: Bool
    /// The artifact folder, absolute.
    var artifactsDirectory: String
    /// Folders start-up creates, each after its parent.
    var foldersToCreate: [String]

    /// Checks `configuration`'s store and (unless `includingArtifacts` is false, as for the
    /// administration commands) its artifact folder; relative paths are read from `workingDirectory`.
    static func inspect(
        _ configuration: ServerConfiguration, includingArtifacts: Bool = true,
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(StartupFailure) -> StorageLocations {
        let recipe = try StoreFactory.recipe(for: configuration)
        let base = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        // Artifacts in a bucket: nothing on disk to check; the bucket's URI stands in for the folder.
        var includingArtifacts = includingArtifacts
        let artifactsDirectory: String
        if case .s3(let location) = try configuration.artifactStorage() {
            includingArtifacts = false
            artifactsDirectory = location.description
        } else {
            artifactsDirectory = try configuration.artifactsDestinationDirectory(workingDirectory: workingDirectory)
        }
        let defaultFolder = base.appendingPathComponent(ServerConfiguration.defaultDataDirectory).standardizedFileURL.path
        let rules = FolderRules(createAll: configuration.createStoreDirectories, createdUnasked: defaultFolder)

        var folders: [String] = []
        let storeFile: String
        let storeExists: Bool
        if let written = recipe.file {
            storeFile = URL(fileURLWithPath: written, relativeTo: base).standardizedFileURL.path
            storeExists = try checkStoreFile(storeFile, uri: configuration.backendStoreURI)
            if !storeExists {
                folders += try rules.missingFolders(above: storeFile, role: "the store", flag: "--backend-store-uri")
            }
        } else {
            // A database server's store is reached at start-up, not checked on disk.
            storeFile = recipe.server ?? configuration.backendStoreURI
            storeExists = true
        }
        switch includingArtifacts ? PathKind(of: artifactsDirectory) : .directory {
        case .directory where !includingArtifacts:
            break
        case .directory:
            try requireWritable(artifactsDirectory, what: "The artifact folder")
        case .missing:
            for folder in try rules.missingFolders(above: artifactsDirectory, role: "the artifact folder", flag: "--artifacts-destination")
            where !folders.contains(folder) {
                folders.append(folder)
            }
            folders.append(artifactsDirectory)
        case .file, .other:
            throw StartupFailure("The artifact folder \(artifactsDirectory) (--artifacts-destination) is a file, not a folder.")
        case .inaccessible(let code):
            throw StartupFailure("The artifact folder \(artifactsDirectory) cannot be reached: \(Self.words(for: code)).")
        }
        return StorageLocations(storeFile: storeFile, storeExists: storeExists, artifactsDirectory: artifactsDirectory, foldersToCreate: folders)
    }

    /// Whether the store file exists and can be used; throws for a folder, a foreign file or one without access.
    private static func checkStoreFile(_ path: String, uri: String) throws(StartupFailure) -> Bool {
        switch PathKind(of: path) {
        case .missing:
            return false
        case .directory:
            let example = ServerConfiguration.sqliteURI(suggestedFor: path + "/stride.db")
            throw StartupFailure("--backend-store-uri '\(uri)' names the folder \(path); the store is one SQLite file, e.g. \(example).")
        case .file(let size):
            try requireWritable(path, what: "The store")
            if size > 0, !hasSQLiteHeader(path) {
                throw StartupFailure("The store \(path) (--backend-store-uri) is not an SQLite database; name a new file or a Stride store.")
            }
            return true
        case .other:
            throw StartupFailure("The store \(path) (--backend-store-uri) is not a regular file.")
        case .inaccessible(let code):
            throw StartupFailure("The store \(path) cannot be reached: \(words(for: code)).")
        }
    }

    /// Every SQLite 3 database file starts with these 16 bytes.
    private static func hasSQLiteHeader(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        return header == Data("SQLite format 3\0".utf8)
    }

    static func requireWritable(_ path: String, what: String) throws(StartupFailure) {
        guard access(path, R_OK | W_OK) != 0 else { return }
        throw StartupFailure("\(what) \(path) cannot be written: \(words(for: errno)).")
    }

    /// An `errno` value in words, for messages about paths.
    static func words(for code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "permission denied"
        case EROFS: "the file system is read-only"
        case ENOTDIR: "a part of the path is a file, not a folder"
        case ENOENT: "it does not exist"
        case ENOSPC: "the disk is full"
        case ELOOP: "too many symbolic links"
        case ENAMETOOLONG: "the path is too long"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}

/// Which missing folders start-up may create: all with `--create-store-dirs`, else only the default one.
struct FolderRules {
    var createAll: Bool
    var createdUnasked: String

    /// The folders that must be created, outermost first, for `path` to be created; throws when one
    /// may not be, or when what is there is not a writable folder.
    func missingFolders(above path: String, role: String, flag: String) throws(StartupFailure) -> [String] {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var missing: [String] = []
        var folder = parent
        while true {
            switch PathKind(of: folder) {
            case .missing:
                missing.insert(folder, at: 0)
                folder = URL(fileURLWithPath: folder).deletingLastPathComponent().path
                continue
            case .directory:
                break
            case .file, .other:
                throw StartupFailure("The path of \(role) (\(flag)) goes through \(folder), which is a file, not a folder.")
            case .inaccessible(let code):
                throw StartupFailure("The folder \(folder) for \(role) (\(flag)) cannot be reached: \(StorageLocations.words(for: code)).")
            }
            break
        }
        if !missing.isEmpty, !createAll, missing != [createdUnasked] {
            throw StartupFailure(
                "The folder \(parent) for \(role) (\(flag)) does not exist: correct the path, create the folder, or pass --create-store-dirs to create it.")
        }
        try StorageLocations.requireWritable(folder, what: "The folder")
        return missing
    }
}
