import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import StrideDomain
import StrideService
import Testing

@Suite("The mlflow-artifacts API streams files, lists directories and refuses hostile paths")
struct ArtifactEndpointTests {
    static let api = "/api/2.0/mlflow-artifacts/artifacts"

    @Test("an uploaded file downloads whole, by range, with MLflow's headers")
    func uploadAndDownload() async throws {
        try await withTestClient { client in
            let bytes = ByteBuffer(bytes: (0..<1000).map { UInt8(truncatingIfNeeded: $0) })
            let put = try await client.execute(uri: "\(Self.api)/0/r/artifacts/plot.png", method: .put, body: bytes)
            #expect(put.status == .ok)

            let whole = try await client.get("\(Self.api)/0/r/artifacts/plot.png")
            #expect(whole.status == .ok)
            #expect(whole.body == bytes)
            #expect(whole.headers[.contentType] == "image/png")
            #expect(whole.headers[.contentDisposition] == "attachment; filename=plot.png")

            let part = try await client.execute(uri: "\(Self.api)/0/r/artifacts/plot.png", method: .get, headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 100-199/1000")
            #expect(Array(part.body.readableBytesView) == (100..<200).map { UInt8($0) })

            let beyond = try await client.execute(uri: "\(Self.api)/0/r/artifacts/plot.png", method: .get, headers: [.range: "bytes=5000-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers[.contentRange] == "bytes */1000")
        }
    }

    @Test("listing gives basenames and sizes, and an empty object for files and missing paths")
    func listing() async throws {
        try await withTestClient { client in
            _ = try await client.execute(uri: "\(Self.api)/0/r/artifacts/a.txt", method: .put, body: ByteBuffer(string: "abc"))
            _ = try await client.execute(uri: "\(Self.api)/0/r/artifacts/d/b.txt", method: .put, body: ByteBuffer(string: "b"))
            let listed = try await client.get("\(Self.api)?path=0%2Fr%2Fartifacts")
            #expect(String(buffer: listed.body) == #"{"files":[{"path":"a.txt","is_dir":false,"file_size":3},{"path":"d","is_dir":true}]}"#)
            #expect(String(buffer: try await client.get("\(Self.api)?path=0/r/artifacts/a.txt").body) == "{}")
            #expect(String(buffer: try await client.get("\(Self.api)?path=nowhere").body) == "{}")
        }
    }

    @Test("hostile paths are 400 INVALID_PARAMETER_VALUE for every method", arguments: [
        "%2e%2e/%2e%2e/etc/passwd", "a/%2E%2E/b", "a%2F..%2Fb", "%252e%252e/x", "a%00b", "a%23b", ".stride-uploads/x",
    ])
    func hostilePaths(tail: String) async throws {
        try await withTestClient { client in
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let response = try await client.execute(uri: "\(Self.api)/\(tail)", method: method, body: ByteBuffer(string: "x"))
                #expect(response.status == .badRequest, "\(method) \(tail)")
                #expect(try json(response)["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            }
        }
    }

    @Test("a missing file is 404 and a directory is 400, as in MLflow")
    func missingAndDirectory() async throws {
        try await withTestClient { client in
            _ = try await client.execute(uri: "\(Self.api)/0/r/artifacts/d/f.txt", method: .put, body: ByteBuffer(string: "f"))
            let missing = try await client.get("\(Self.api)/0/r/artifacts/none.txt")
            #expect(missing.status == .notFound)
            #expect(try json(missing)["message"] as? String == "No such artifact: '0/r/artifacts/none.txt'")
            #expect(try await client.get("\(Self.api)/0/r/artifacts/d").status == .badRequest)
        }
    }

    @Test("a folder named by a number belongs to that experiment: one of no experiment of the project is refused and reads as missing")
    func experimentFolders() async throws {
        try await withTestClient { client in
            let put = try await client.execute(uri: "\(Self.api)/12/r/artifacts/x.txt", method: .put, body: ByteBuffer(string: "x"))
            #expect(put.status == .badRequest)
            #expect(try json(put)["error_code"] as? String == "INVALID_PARAMETER_VALUE")
            #expect(try await client.get("\(Self.api)/12/r/artifacts/x.txt").status == .notFound)
            #expect(String(buffer: try await client.get("\(Self.api)?path=12").body) == "{}")
            // `012` is not how the server names experiment 12's folder, so it is an ordinary folder.
            #expect(try await client.execute(uri: "\(Self.api)/012/x.txt", method: .put, body: ByteBuffer(string: "x")).status == .ok)
        }
    }

    @Test("the default project's root lists neither other projects nor their experiments' folders")
    func rootListing() async throws {
        try await withTestClient { client in
            _ = try await client.execute(uri: "\(Self.api)/0/r/artifacts/a.txt", method: .put, body: ByteBuffer(string: "a"))
            _ = try await client.execute(uri: "\(Self.api)/notes.txt", method: .put, body: ByteBuffer(string: "n"))
            let listed = try await client.get("\(Self.api)?path=")
            #expect(String(buffer: listed.body) == #"{"files":[{"path":"0","is_dir":true},{"path":"notes.txt","is_dir":false,"file_size":1}]}"#)
        }
    }

    @Test("a wrong method on an artifact path is 405, not 404")
    func wrongMethod() async throws {
        try await withTestClient { client in
            let response = try await client.execute(uri: "\(Self.api)/1/x.txt", method: .post)
            #expect(response.status == .methodNotAllowed)
        }
    }

    @Test("the UI helper serves a run's file by its run-relative path")
    func getArtifact() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            _ = try await client.execute(uri: "\(Self.api)/0/\(runID)/artifacts/MLmodel", method: .put, body: ByteBuffer(string: "flavors: {}"))
            let response = try await client.get("/get-artifact?run_uuid=\(runID)&path=MLmodel")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "flavors: {}")
            #expect(response.headers[.contentType] == "text/plain")
            let listed = try json(try await client.get("/api/2.0/mlflow/artifacts/list?run_id=\(runID)"))
            #expect(listed["root_uri"] as? String == "mlflow-artifacts:/0/\(runID)/artifacts")
        }
    }

    @Test("model-version downloads read the version's files, wherever its source points")
    func modelVersionArtifact() async throws {
        try await withTestClient { client in
            let runID = try await client.createRun()
            _ = try await client.execute(
                uri: "\(Self.api)/0/\(runID)/artifacts/model/MLmodel", method: .put, body: ByteBuffer(string: "flavors: {}"))
            _ = try await client.post("/api/2.0/mlflow/registered-models/create", #"{"name":"m"}"#)
            _ = try await client.post(
                "/api/2.0/mlflow/model-versions/create", #"{"name":"m","source":"runs:/\#(runID)/model","run_id":"\#(runID)"}"#)
            _ = try await client.post(
                "/api/2.0/mlflow/model-versions/create", #"{"name":"m","source":"mlflow-artifacts:/0/\#(runID)/artifacts/model"}"#)
            for version in [1, 2] {
                let response = try await client.get("/model-versions/get-artifact?name=m&version=\(version)&path=MLmodel")
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "flavors: {}")
            }
            let missing = try await client.get("/model-versions/get-artifact?name=m&version=3&path=MLmodel")
            #expect(missing.status == .notFound)
            #expect(try json(missing)["error_code"] as? String == "RESOURCE_DOES_NOT_EXIST")
        }
    }

    @Test("artifact locations follow MLflow's layout for experiments, runs and logged models")
    func locations() {
        let locations = ArtifactLocations(defaultRoot: "mlflow-artifacts:")
        let experiment = locations.experimentLocation(.init(3))
        #expect(experiment == "mlflow-artifacts:/3")
        #expect(locations.runLocation(experimentLocation: experiment, runID: "abc") == "mlflow-artifacts:/3/abc/artifacts")
        #expect(locations.loggedModelLocation(experimentLocation: experiment, modelID: "m-1") == "mlflow-artifacts:/3/models/m-1/artifacts")
    }

    @Test("artifact URIs resolve to store paths only when Stride holds them", arguments: [
        ("mlflow-artifacts:/1/r/artifacts", "1/r/artifacts"),
        ("mlflow-artifacts://host:5000/1/r/artifacts", "1/r/artifacts"),
        ("file:///srv/artifacts/1/r/artifacts", "1/r/artifacts"),
        ("/srv/artifacts/2", "2"),
    ])
    func resolvesOwnURIs(uri: String, path: String) throws {
        let resolver = ArtifactURIResolver(localRoots: ["/srv/artifacts"])
        #expect(try resolver.storePath(for: uri)?.description == path)
    }

    @Test("s3:// URIs below an S3 store's root resolve; other buckets and prefixes do not")
    func resolvesBucketURIs() throws {
        let resolver = ArtifactURIResolver(localRoots: [], uriRoots: ["s3://bucket/team"])
        #expect(try resolver.storePath(for: "s3://bucket/team/1/r/artifacts/a b.txt")?.description == "1/r/artifacts/a b.txt")
        #expect(try resolver.storePath(for: "s3://bucket/team") == .root)
        #expect(try resolver.storePath(for: "s3://bucket/teams/1") == nil)
        #expect(try resolver.storePath(for: "s3://other/team/1") == nil)
        #expect(throws: StrideError.self) { try resolver.storePath(for: "s3://bucket/team/1/../../x") }
    }

    @Test("foreign artifact URIs resolve to nothing", arguments: ["s3://bucket/1/r", "file:///elsewhere/1", "/srv/artifacts-other/1"])
    func ignoresForeignURIs(uri: String) throws {
        #expect(try ArtifactURIResolver(localRoots: ["/srv/artifacts"]).storePath(for: uri) == nil)
    }
}
