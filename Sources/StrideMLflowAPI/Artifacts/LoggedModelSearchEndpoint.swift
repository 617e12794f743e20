import Hummingbird

extension MLflowAPI {
    /// `POST /api/2.0/mlflow/logged-models/search`, answered with an empty page until logged models exist.
    ///
    /// The 3.x client asks this before every run-artifact listing and download: it checks whether the
    /// first path segment names a logged model of the run (`runs_artifact_repo.py`). Stride cannot
    /// create logged models yet (they arrive with the model registry, issue 5), so there are none and
    /// an empty page is the true answer. The registry work replaces this endpoint with a real search.
    func loggedModelSearchEndpoints() -> [MLflowEndpoint] {
        [
            MLflowEndpoint(method: .post, path: "/logged-models/search") { _ in
                JSONResponse.empty()
            },
        ]
    }
}
