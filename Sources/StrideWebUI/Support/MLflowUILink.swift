import Foundation
import StrideDomain

/// The Stride page for a link to MLflow's own web UI, which the mlflow client prints after every run
/// (`View run at http://host:5000/#/experiments/1/runs/<id>`). MLflow's UI routes live in the URL's
/// fragment, which browsers never send, so `/static/mlflow-links.js` passes the fragment to
/// `/-/mlflow-link` and this table answers; kept on the server so it is tested like any other code.
struct MLflowUILink: Equatable {
    /// The Stride page, a local path.
    var path: String
    /// The project a `?workspace=` in the fragment names (what the client adds after `set_workspace`).
    var project: String?

    /// Reads a fragment without its `#`: `/experiments/<id>[/runs/<run>[/artifacts...]]`, `/experiments/<id>/traces`,
    /// `/models[/<name>[/versions/<n>]]`; anything else leads to the experiments list.
    init(fragment: String) {
        let parts = fragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let segments = parts[0].split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let workspace = parts.count > 1 ? FormFields(urlEncoded: String(parts[1]))["workspace"] : nil
        project = workspace.flatMap { name in (try? ProjectName.validate(name)) == nil ? nil : name }
        path = Self.page(for: segments)
    }

    private static func page(for segments: [String]) -> String {
        switch segments.first {
        case "experiments" where segments.count >= 4 && segments[2] == "runs":
            let run = "/runs/" + encoded(segments[3])
            return segments.count >= 5 && segments[4] == "artifacts" ? run + "/artifacts" : run
        case "experiments" where segments.count >= 3 && segments[2] == "traces":
            return "/experiments/" + encoded(segments[1]) + "/traces"
        case "experiments" where segments.count >= 2:
            return "/experiments/" + encoded(segments[1])
        case "models" where segments.count >= 4 && segments[2] == "versions":
            return "/models/" + encoded(segments[1]) + "/versions/" + encoded(segments[3])
        case "models" where segments.count >= 2:
            return "/models/" + encoded(segments[1])
        case "models":
            return "/models"
        default:
            return "/"
        }
    }

    /// One path segment, percent-encoded so that nothing in it can leave the path it is put in.
    private static func encoded(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// `/static/mlflow-links.js`: on the pages a client's link can reach (`/`, where
    /// `/projects/<name>/` leads, and the sign-in page the server sends a signed-out viewer to),
    /// a fragment shaped like MLflow's routes is handed to `/-/mlflow-link`.
    static let script = #"""
        (function () {
          if (location.hash.indexOf('#/') !== 0) return;
          if (location.pathname !== '/' && location.pathname !== '/login') return;
          location.replace('/-/mlflow-link?fragment=' + encodeURIComponent(location.hash.slice(1)));
        })();
        """#
}
