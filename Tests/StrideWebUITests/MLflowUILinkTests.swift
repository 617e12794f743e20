import Testing

@testable import StrideWebUI

@Suite("MLflow's UI links, as the mlflow client prints them, lead to Stride's pages")
struct MLflowUILinkTests {
    @Test("Runs, experiments and registered models map to the matching pages", arguments: [
        ("/experiments/1/runs/0a1b2c", "/runs/0a1b2c"),
        ("/experiments/1/runs/0a1b2c/artifacts/model/MLmodel", "/runs/0a1b2c/artifacts"),
        ("/experiments/1/runs/0a1b2c/model-metrics", "/runs/0a1b2c"),
        ("/experiments/12", "/experiments/12"),
        ("/experiments/12/overview", "/experiments/12"),
        ("/experiments/12/traces", "/experiments/12/traces"),
        ("/models", "/models"),
        ("/models/my%20model", "/models/my%20model"),
        ("/models/churn/versions/3", "/models/churn/versions/3"),
        ("/prompts", "/"),
        ("", "/"),
    ])
    func pages(fragment: String, path: String) {
        let link = MLflowUILink(fragment: fragment)
        #expect(link.path == path)
        #expect(link.project == nil)
    }

    @Test("The ?workspace= the client adds after set_workspace selects that project")
    func workspace() {
        let link = MLflowUILink(fragment: "/experiments/4/runs/ff?workspace=vision")
        #expect(link.path == "/runs/ff")
        #expect(link.project == "vision")
        #expect(MLflowUILink(fragment: "/experiments/4?workspace=Not_Valid").project == nil)
    }

    @Test("Nothing in a fragment can lead off the site or out of its path segment")
    func staysLocal() {
        #expect(MLflowUILink(fragment: "/experiments/1/runs/..%2F..%2Fevil").path == "/runs/..%2F..%2Fevil")
        #expect(MLflowUILink(fragment: "//evil.example/x").path == "/")
        #expect(MLflowUILink(fragment: "/models/a%3Fb/versions/1").path == "/models/a%3Fb/versions/1")
    }
}
