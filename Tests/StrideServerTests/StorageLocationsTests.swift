import Foundation
import StrideS3Artifacts
import Testing

@testable import StrideServer
import StridePostgres

/// A fresh folder standing in for the working directory `stride server` starts in.
private func withWorkingDirectory(_ body: (String) throws -> Void) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stride-locations-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try body(folder)
}

/// The start-up failure `body` throws, as the user reads it; nil when it throws none.
private func failure(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let failure as StartupFailure {
        return failure.message
    } catch {
        return "not a StartupFailure: \(error)"
    }
}

@Suite("Store and artifact paths are checked before anything is created")
struct StorageLocationsTests {
    @Test("The default store and artifact folder are under ./stride-data, which is created unasked")
    func defaultDataFolder() throws {
        try withWorkingDirectory { cwd in
            let locations = try StorageLocations.inspect(ServerConfiguration(), workingDirectory: cwd)
            #expect(locations.storeFile == cwd + "/stride-data/stride.db")
            #expect(locations.storeExists == false)
            #expect(locations.artifactsDirectory == cwd + "/stride-data/artifacts")
            #expect(locations.foldersToCreate == [cwd + "/stride-data", cwd + "/stride-data/artifacts"])
            #expect(!FileManager.default.fileExists(atPath: cwd + "/stride-data"))
        }
    }

    @Test("An s3:// destination, or an s3:// default root without serving, keeps artifacts in the bucket and nothing on disk")
    func s3Storage() throws {
        try withWorkingDirectory { cwd in
            let proxied = ServerConfiguration(artifactsDestination: "s3://my-bucket/team/")
            #expect(try proxied.artifactStorage() == .s3(S3Location(bucket: "my-bucket", prefix: "team")))
            let locations = try StorageLocations.inspect(proxied, workingDirectory: cwd)
            #expect(locations.artifactsDirectory == "s3://my-bucket/team")
            #expect(locations.foldersToCreate == [cwd + "/stride-data"])
            let direct = ServerConfiguration(defaultArtifactRoot: "s3://my-bucket/direct", serveArtifacts: false)
            #expect(try direct.artifactStorage() == .s3(S3Location(bucket: "my-bucket", prefix: "direct")))
            #expect(try ServerConfiguration(defaultArtifactRoot: "s3://my-bucket/direct").artifactStorage() == .local)
            #expect(failure { _ = try ServerConfiguration(artifactsDestination: "s3://My_Bucket").artifactStorage() }?.contains("valid bucket name") == true)
            #expect(failure { _ = try ServerConfiguration(artifactsDestination: "gs://bucket/x").artifactsDestinationDirectory() } != nil)
        }
    }

    @Test("A store whose folder is missing is refused with that folder's full path")
    func missingParentRefused() throws {
        try withWorkingDirectory { cwd in
            let configuration = ServerConfiguration(backendStoreURI: "sqlite:///no/such/dir/x.db")
            let message = failure { _ = try StorageLocations.inspect(configuration, workingDirectory: cwd) }
            #expect(message == "The folder \(cwd)/no/such/dir for the store (--backend-store-uri) does not exist: correct the path, create the folder, or pass --create-store-dirs to create it.")
        }
    }

    @Test("--create-store-dirs creates every missing folder, outermost first")
    func createStoreDirectories() throws {
        try withWorkingDirectory { cwd in
            let configuration = ServerConfiguration(
                backendStoreURI: "sqlite:///a/b/x.db", artifactsDestination: "a/files", createStoreDirectories: true)
            let locations = try StorageLocations.inspect(configuration, workingDirectory: cwd)
            #expect(locations.foldersToCreate == [cwd + "/a", cwd + "/a/b", cwd + "/a/files"])
        }
    }

    @Test("A file where a folder should be is named, in words")
    func parentIsAFile() throws {
        try withWorkingDirectory { cwd in
            _ = FileManager.default.createFile(atPath: cwd + "/notes.txt", contents: Data("x".utf8))
            let store = ServerConfiguration(backendStoreURI: "sqlite:///notes.txt/x.db")
            #expect(failure { _ = try StorageLocations.inspect(store, workingDirectory: cwd) }
                == "The path of the store (--backend-store-uri) goes through \(cwd)/notes.txt, which is a file, not a folder.")
            let artifacts = ServerConfiguration(artifactsDestination: "notes.txt")
            #expect(failure { _ = try StorageLocations.inspect(artifacts, workingDirectory: cwd) }
                == "The artifact folder \(cwd)/notes.txt (--artifacts-destination) is a file, not a folder.")
        }
    }

    @Test("A store URI naming a folder, or a file that is not SQLite, is refused")
    func storeIsAFolderOrForeignFile() throws {
        try withWorkingDirectory { cwd in
            try FileManager.default.createDirectory(atPath: cwd + "/mlruns", withIntermediateDirectories: false)
            #expect(failure { _ = try StorageLocations.inspect(ServerConfiguration(backendStoreURI: "sqlite:///mlruns"), workingDirectory: cwd) }
                == "--backend-store-uri 'sqlite:///mlruns' names the folder \(cwd)/mlruns; the store is one SQLite file, e.g. sqlite:///\(cwd)/mlruns/stride.db.")
            _ = FileManager.default.createFile(atPath: cwd + "/README.md", contents: Data("# not a database, just text\n".utf8))
            #expect(failure { _ = try StorageLocations.inspect(ServerConfiguration(backendStoreURI: "sqlite:///README.md"), workingDirectory: cwd) }
                == "The store \(cwd)/README.md (--backend-store-uri) is not an SQLite database; name a new file or a Stride store.")
        }
    }

    @Test("A failed start removes the folders and the store it created, and nothing else")
    func createdStorageIsRemoved() throws {
        try withWorkingDirectory { cwd in
            let locations = try StorageLocations.inspect(ServerConfiguration(), workingDirectory: cwd)
            let created = try CreatedStorage.create(locations)
            #expect(FileManager.default.fileExists(atPath: cwd + "/stride-data/artifacts"))
            _ = FileManager.default.createFile(atPath: locations.storeFile, contents: Data())
            created.remove()
            #expect(try FileManager.default.contentsOfDirectory(atPath: cwd) == [])
        }
    }
}

@Suite("--backend-store-uri is read as SQLAlchemy's SQLite URIs, and MLflow's file-store habits are answered")
struct BackendURITests {
    @Test("sqlite:/// is relative and sqlite://// absolute")
    func sqliteURIs() throws {
        #expect(try ServerConfiguration(backendStoreURI: "sqlite:///data/x.db").backend() == .sqlite(path: "data/x.db"))
        #expect(try ServerConfiguration(backendStoreURI: "sqlite:////srv/x.db").backend() == .sqlite(path: "/srv/x.db"))
    }

    @Test("A plain path, as MLflow's file store takes, is refused with the SQLite URI to use")
    func plainPathsAnswered() {
        let message = failure { _ = try ServerConfiguration(backendStoreURI: "./mlruns").backend() }
        #expect(message == "--backend-store-uri './mlruns' is a path, which MLflow would use as a file store (folders of YAML files); Stride keeps its store in one SQLite file and cannot read MLflow's file store: use sqlite:///mlruns.db.")
        #expect(ServerConfiguration.sqliteURI(suggestedFor: "/srv/mlruns/") == "sqlite:////srv/mlruns.db")
        #expect(ServerConfiguration.sqliteURI(suggestedFor: "runs.sqlite") == "sqlite:///runs.sqlite")
        #expect(ServerConfiguration.sqliteURI(suggestedFor: "file:///srv/mlruns") == "sqlite:////srv/mlruns.db")
    }

    @Test("Other schemes are refused, naming the two that work")
    func otherSchemes() {
        #expect(failure { _ = try ServerConfiguration(backendStoreURI: "mysql://db/stride").backend() }
            == "Unsupported --backend-store-uri 'mysql://db/stride': use sqlite:///<path> or postgresql://user@host:5432/database.")
    }

    @Test("PostgreSQL URIs, as MLflow users write them, select the PostgreSQL store; the store line hides the password")
    func postgresSchemes() throws {
        for uri in ["postgresql://ml:pw@db:5433/stride", "postgres://ml:pw@db:5433/stride", "postgresql+psycopg2://ml:pw@db:5433/stride"] {
            guard case .postgres(let settings) = try ServerConfiguration(backendStoreURI: uri).backend() else {
                Issue.record("\(uri) did not select PostgreSQL")
                continue
            }
            #expect(settings.address == "db:5433/stride")
        }
        let locations = try StorageLocations.inspect(
            ServerConfiguration(backendStoreURI: "postgresql://ml:pw@db:5433/stride"), includingArtifacts: false)
        #expect(locations.storeFile == "postgresql://ml@db:5433/stride")
        #expect(failure { _ = try ServerConfiguration(backendStoreURI: "postgresql://ml@db/stride?sslmode=maybe").backend() }
            == "--backend-store-uri: sslmode 'maybe' is not one of disable, allow, prefer, require, verify-ca, verify-full.")
    }
}

@Suite("The start-up line says where Stride serves, stores and keeps artifacts, and whether auth is on")
struct ServingLineTests {
    @Test("Defaults: the URL, the full store path, the artifact folder and auth off")
    func defaults() {
        let locations = StorageLocations(
            storeFile: "/w/stride-data/stride.db", storeExists: true, artifactsDirectory: "/w/stride-data/artifacts", foldersToCreate: [])
        #expect(ServerStartup.servingLine(ServerConfiguration(), locations: locations, url: "http://127.0.0.1:5000")
            == "Stride serves http://127.0.0.1:5000 (store: /w/stride-data/stride.db, artifacts: /w/stride-data/artifacts, auth: off); Ctrl-C stops it.")
    }

    @Test("Unserved artifacts are named by the file: URI clients write to")
    func unservedArtifacts() {
        let locations = StorageLocations(storeFile: "/w/s.db", storeExists: true, artifactsDirectory: "/w/files", foldersToCreate: [])
        let configuration = ServerConfiguration(artifactsDestination: "/w/files", serveArtifacts: false, authEnabled: true)
        #expect(ServerStartup.artifactsSummary(configuration, locations: locations) == "file:///w/files (written by clients directly)")
        #expect(ServerStartup.servingLine(configuration, locations: locations, url: "http://[::1]:80").hasSuffix("auth: on); Ctrl-C stops it."))
    }

    @Test("An IPv6 host is bracketed in the URL, and the bound port replaces port 0")
    func listeningURL() {
        #expect(ListeningAddress(host: "::1", port: 0).url(boundPort: 49152) == "http://[::1]:49152")
        #expect(ListeningAddress(host: "127.0.0.1", port: 5000).url(boundPort: nil) == "http://127.0.0.1:5000")
    }
}
