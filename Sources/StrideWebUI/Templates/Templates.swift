/// Every template by name. Each page's template lives in its own file as a literal, so the build
/// needs no resources.
enum Templates {
    static let all: [String: String] = [
        "layout": layout,
        "login": login,
        "error": error,
        "keyValueRow": keyValueRow,
        "experiments": experiments,
        "runs": runs,
        "traces": traces,
        "trace": trace,
        "run": run,
        "charts": charts,
        "chartControls": chartControls,
        "compare": compare,
        "artifacts": artifacts,
        "artifactTree": artifactTree,
        "models": models,
        "model": model,
        "modelVersion": modelVersion,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Stride</title>
        <link rel="stylesheet" href="/static/stride.css">
        <script src="/static/mlflow-links.js"></script>
        <script src="/static/stride.js" defer></script>
        <script src="/static/chart-hover.js" defer></script>
        </head>
        <body>
        <header class="top"><a class="brand" href="/">Stride</a><nav><a href="/">Experiments</a> <a href="/models">Models</a></nav>
        {{#session}}<div class="session">
        {{#canSwitch}}<form method="post" action="/switch-project"><select name="project" aria-label="Project">{{#choices}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/choices}}</select><button>Switch</button></form>{{/canSwitch}}
        {{^canSwitch}}<span class="project">{{project}}</span>{{/canSwitch}}
        {{#signedIn}}<span class="role">{{role}}</span>
        <form method="post" action="/logout"><button>Sign out</button></form>{{/signedIn}}
        </div>{{/session}}</header>
        <main>
        {{#hasCrumbs}}<nav class="crumbs">{{#crumbs}}<a href="{{href}}">{{label}}</a> / {{/crumbs}}</nav>{{/hasCrumbs}}
        <h1>{{title}}</h1>
        {{{body}}}
        </main>
        <footer>Stride {{version}} · speaks the MLflow REST API {{apiVersion}}</footer>
        </body>
        </html>
        """

    /// One row of a two-column table from a ``KeyValueRow``.
    static let keyValueRow = """
        <tr><th>{{key}}</th><td{{#mono}} class="mono"{{/mono}}>{{#href}}<a href="{{href}}">{{value}}</a>{{/href}}{{^href}}{{value}}{{/href}}</td></tr>
        """

    static let error = """
        <p class="error">{{message}}</p>
        <p><a href="/">Back to the experiments</a></p>
        """
}
