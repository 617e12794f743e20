extension Templates {
    static let models = """
        <form class="bar" method="get" action="/models">
        <input type="search" name="q" value="{{query}}" placeholder="Search by name" aria-label="Search models by name"><button>Search</button>
        </form>
        {{#isEmpty}}<p class="empty">No registered models match.</p>{{/isEmpty}}
        {{^isEmpty}}
        <div class="scroll"><table class="grid">
        <thead><tr><th>Name</th><th>Latest versions</th><th>Aliases</th><th>Updated (UTC)</th><th>Description</th></tr></thead>
        <tbody>{{#rows}}<tr><td><a href="{{href}}">{{name}}</a></td><td>{{latest}}</td><td class="aliases">{{#aliases}}<span>{{.}}</span>{{/aliases}}</td><td class="nowrap">{{updated}}</td><td>{{description}}</td></tr>{{/rows}}</tbody>
        </table></div>
        {{/isEmpty}}
        <nav class="pager">{{#nextHref}}<a href="{{.}}">Next page</a>{{/nextHref}}</nav>
        """

    static let model = """
        {{#hasDescription}}<p class="description">{{description}}</p>{{/hasDescription}}
        <p class="aliases">{{#aliases}}<span>{{.}}</span>{{/aliases}}</p>
        <h2>Versions</h2>
        {{^versions}}<p class="empty">No versions yet.</p>{{/versions}}
        <div class="scroll"><table class="grid">
        <thead><tr><th>Version</th><th>Stage</th><th>Aliases</th><th>Created (UTC)</th><th>Source run</th><th>Description</th></tr></thead>
        <tbody>{{#versions}}<tr><td><a href="{{href}}">{{version}}</a></td><td>{{stage}}</td><td class="aliases">{{#aliases}}<span>{{.}}</span>{{/aliases}}</td><td class="nowrap">{{created}}</td><td class="mono">{{#runHref}}<a href="{{.}}">{{runID}}</a>{{/runHref}}</td><td>{{description}}</td></tr>{{/versions}}</tbody>
        </table></div>
        <h2>Tags</h2>{{^tags}}<p class="empty">No tags.</p>{{/tags}}<table class="kv">{{#tags}}{{> keyValueRow}}{{/tags}}</table>
        """

    static let modelVersion = """
        {{#hasDescription}}<p class="description">{{description}}</p>{{/hasDescription}}
        <p class="aliases">{{#aliases}}<span>{{.}}</span>{{/aliases}}</p>
        <div class="cards">
        <section><h2>Version</h2><table class="kv">{{#fields}}{{> keyValueRow}}{{/fields}}</table></section>
        <section><h2>Logged model</h2>{{^hasLoggedModel}}<p class="empty">Not registered from a logged model.</p>{{/hasLoggedModel}}
        <table class="kv">{{#loggedModel}}{{> keyValueRow}}{{/loggedModel}}</table></section>
        </div>
        <h2>Tags</h2>{{^tags}}<p class="empty">No tags.</p>{{/tags}}<table class="kv">{{#tags}}{{> keyValueRow}}{{/tags}}</table>
        """
}
