import Testing
import StrideDomain
import StrideStore
@testable import StrideService

@Suite("stride import: where MLflow's artifact URIs are, and what they become")
struct MLflowImportMappingTests {
    /// A root whose existing folders are listed.
    private static func root(_ folders: Set<String>) -> SourceArtifactRoot {
        SourceArtifactRoot(root: "/data/mlartifacts/", isFolder: { folders.contains($0) })
    }

    @Test("mlflow-artifacts: paths are below the root, with or without a server authority")
    func proxied() {
        let root = Self.root([])
        #expect(root.localFolder(for: "mlflow-artifacts:/1/abc/artifacts") == "/data/mlartifacts/1/abc/artifacts")
        #expect(root.localFolder(for: "mlflow-artifacts://mlflow.example.com:5000/2/x") == "/data/mlartifacts/2/x")
        #expect(root.localFolder(for: "mlflow-artifacts:/") == "/data/mlartifacts")
    }

    @Test("a file: location that exists is used; a moved one is found by its trailing path below the root")
    func local() {
        let root = Self.root(["/srv/mlruns/1", "/data/mlartifacts/1/run/artifacts"])
        #expect(root.localFolder(for: "file:///srv/mlruns/1") == "/srv/mlruns/1")
        #expect(root.localFolder(for: "/srv/mlruns/1") == "/srv/mlruns/1")
        #expect(root.localFolder(for: "file:///old/host/mlruns/1/run/artifacts") == "/data/mlartifacts/1/run/artifacts")
        #expect(root.localFolder(for: "file:///old/elsewhere") == nil)
    }

    @Test("remote schemes have no local folder")
    func remote() {
        #expect(Self.root([]).localFolder(for: "s3://bucket/mlflow/1") == nil)
    }

    @Test("a rewrite moves a location and what is below it, the longest location first, on segment boundaries")
    func rewrite() {
        var rewrite = LocationRewrite()
        rewrite.add(from: "mlflow-artifacts:/1", to: "mlflow-artifacts:/7")
        rewrite.add(from: "mlflow-artifacts:/1/special/artifacts/", to: "mlflow-artifacts:/7/moved/artifacts")
        #expect(rewrite.rewritten("mlflow-artifacts:/1/abc/artifacts") == "mlflow-artifacts:/7/abc/artifacts")
        #expect(rewrite.rewritten("mlflow-artifacts:/1/special/artifacts/model") == "mlflow-artifacts:/7/moved/artifacts/model")
        #expect(rewrite.rewritten("mlflow-artifacts:/1") == "mlflow-artifacts:/7")
        #expect(rewrite.rewritten("mlflow-artifacts:/10/abc") == nil)
        #expect(rewrite.rewritten("runs:/abc/model") == nil)
    }

    @Test("a run stored outside its experiment's folder is copied to the place Stride gives it, and later URIs below it follow")
    func relocatedCopy() {
        var plan = ImportPlan()
        let root = Self.root(["/data/mlartifacts/elsewhere/run1"])
        let uri = plan.relocated("file:///gone/elsewhere/run1", handling: .copy, sourceRoot: root) { "mlflow-artifacts:/7/run1/artifacts" }
        #expect(uri == "mlflow-artifacts:/7/run1/artifacts")
        #expect(plan.copies == [ImportPlan.Copy(folder: "/data/mlartifacts/elsewhere/run1", uri: "mlflow-artifacts:/7/run1/artifacts")])
        #expect(plan.rewrite.rewritten("file:///gone/elsewhere/run1/model") == "mlflow-artifacts:/7/run1/artifacts/model")
    }

    @Test("with references, a local folder becomes its file: URI and nothing is copied")
    func relocatedReference() {
        var plan = ImportPlan()
        let root = Self.root([])
        let uri = plan.relocated("mlflow-artifacts:/3/run 2/artifacts", handling: .reference, sourceRoot: root) { "unused" }
        #expect(uri == "file:///data/mlartifacts/3/run%202/artifacts")
        #expect(plan.copies.isEmpty)
    }

    @Test("a stored run is read again only when the source holds more of it")
    func completeness() {
        let whole = RunContents(params: 2, tags: 3, metricPoints: 1000, inputs: 1, outputs: 0)
        #expect(!RunContents.needsRest(stored: whole, source: whole))
        var cut = whole
        cut.metricPoints = 400
        #expect(RunContents.needsRest(stored: cut, source: whole))
        #expect(!RunContents.needsRest(stored: whole, source: nil))
    }

    @Test("runs wait for one transaction until the point budget or the run count is reached")
    func pending() {
        var pending = PendingRuns(budget: 10)
        let info = RunInfo(
            runID: "r", experimentID: ExperimentID(1), runName: "r", userID: "", status: .finished, startTime: 0, endTime: nil,
            artifactURI: "", lifecycleStage: .active)
        pending.add(ImportedRun(info: info, deletedTime: nil, metrics: Array(repeating: Metric(key: "m", value: 1, timestamp: 1, step: 1), count: 6)))
        #expect(!pending.isFull)
        pending.add(ImportedRun(info: info, deletedTime: nil, metrics: Array(repeating: Metric(key: "m", value: 1, timestamp: 1, step: 1), count: 4)))
        #expect(pending.isFull)
        #expect(pending.take().count == 2)
        #expect(pending.points == 0 && pending.runs.isEmpty)
    }
}
