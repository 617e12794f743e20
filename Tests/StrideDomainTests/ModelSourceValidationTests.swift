import Testing
@testable import StrideDomain

@Suite("Model version sources are checked as MLflow checks them")
struct ModelSourceValidationTests {
    static let acceptedRemote = [
        "mlflow-artifacts:/models", "mlflow-artifacts:/models/", "mlflow-artifacts:/models///", "mlflow-artifacts:/models/foo///bar",
        "mlflow-artifacts://host:9000/models", "mlflow-artifacts://host:9000/models/artifact/..../", "runs:/abc/model",
        "runs:/run_id/model", "models:/name/1", "s3://bucket/path/model",
    ]

    @Test("absolute remote sources pass, whichever run they name", arguments: acceptedRemote)
    func acceptsRemote(source: String) throws {
        try ModelSource.validate(source, owner: .run, ownerLocation: nil, workingDirectory: "/srv")
    }

    static let climbingRemote = [
        "mlflow-artifacts://host:9000/models/../../../", "http://host:9000/models/../../../",
        "s3a://my_bucket/api/2.0/mlflow-artifacts/artifacts/../../../", "mlflow-artifacts://host:9000/models/..%2f..%2fartifacts",
        "mlflow-artifacts://host:9000/models/artifact%00", "runs:/abc/../other/model", "s3://bucket", "runs:/abc/./model",
    ]

    @Test("remote sources that climb, hide a NUL or have no absolute path are refused", arguments: climbingRemote)
    func refusesClimbing(source: String) {
        #expect {
            try ModelSource.validate(source, owner: .run, ownerLocation: nil, workingDirectory: "/srv")
        } throws: { error in
            (error as? StrideError)?.message.contains("If supplying a source as an http, https,") == true
        }
    }

    @Test("a local source must lie in the local artifact directory of the run it names")
    func localSources() throws {
        let runDirectory = "file:///data/artifacts/1/abc/artifacts"
        try ModelSource.validate("/data/artifacts/1/abc/artifacts/model", owner: .run, ownerLocation: runDirectory, workingDirectory: "/srv")
        try ModelSource.validate("file:///data/artifacts/1/abc/artifacts", owner: .run, ownerLocation: runDirectory, workingDirectory: "/srv")
        for (source, location) in [
            ("/data/artifacts/1/abc/artifacts/../../x", runDirectory), ("/tmp", runDirectory),
            ("/data/artifacts/1/abc/artifacts/model", nil), ("/x/model", "mlflow-artifacts:/1/abc/artifacts"),
        ] {
            #expect {
                try ModelSource.validate(source, owner: .run, ownerLocation: location, workingDirectory: "/srv")
            } throws: { error in
                (error as? StrideError)?.message.contains("To use a local path as a model version source, the run_id") == true
            }
        }
    }

    @Test("a URI is split into scheme and path as Python's urlparse splits it")
    func pythonURLParsing() {
        let cases: [(String, String, String)] = [
            ("mlflow-artifacts://host:9000/models", "mlflow-artifacts", "/models"), ("runs:/abc/model", "runs", "/abc/model"),
            ("relative/path", "", "relative/path"), ("dbfs:/a/b?x=../..", "dbfs", "/a/b"), ("http://h/p;params", "http", "/p"),
            ("C:/windows", "c", "/windows"), ("1abc:/x", "", "1abc:/x"),
        ]
        for (text, scheme, path) in cases {
            let url = PythonURL(text)
            #expect(url.scheme == scheme, "\(text)")
            #expect(url.path == path, "\(text)")
        }
    }

    @Test("the mlflow.modelVersions tag lists each version once, in json.dumps's spelling")
    func modelVersionsTag() {
        let first = ModelVersionsTag.adding(name: "model", version: 1, to: nil)
        #expect(first == #"[{"name": "model", "version": 1}]"#)
        let second = ModelVersionsTag.adding(name: "model", version: 2, to: first)
        #expect(second == #"[{"name": "model", "version": 1}, {"name": "model", "version": 2}]"#)
        #expect(ModelVersionsTag.adding(name: "model", version: 1, to: second) == second)
        #expect(ModelVersionsTag.adding(name: "m\"ö", version: 3, to: "not json") == #"[{"name": "m\"\u00f6", "version": 3}]"#)
    }
}
