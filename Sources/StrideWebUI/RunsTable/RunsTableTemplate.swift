extension Templates {
    static let runs = """
        <p class="sub">Experiment <span class="mono">{{experimentID}}</span></p>
        <nav class="tabs"><a href="/experiments/{{experimentID}}" aria-current="page">Runs</a> <a href="/experiments/{{experimentID}}/traces">Traces</a></nav>
        <form class="controls" method="get" action="/experiments/{{experimentID}}">
        {{#hidden}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hidden}}<input type="hidden" name="cols" value="1">
        <div class="bar">
        <input class="filter" type="search" name="filter" value="{{filter}}" placeholder="metrics.loss &lt; 0.5 AND params.lr IN ('0.1', '0.01')" aria-label="Filter runs">
        <button>Apply</button>
        </div>
        {{#filterError}}<div class="error" role="alert"><p>{{message}}</p>{{#hasPosition}}<pre class="filter-echo">{{before}}<mark>{{marked}}</mark>{{after}}</pre>{{/hasPosition}}</div>{{/filterError}}
        <div class="bar">
        <label>Metric cells <select name="mode">{{#modes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/modes}}</select></label>
        <label>Step <input class="short" type="number" name="step" value="{{step}}"></label>
        <label>Runs <select name="view">{{#views}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/views}}</select></label>
        <label>Page <select name="rows">{{#pageSizes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/pageSizes}}</select></label>
        </div>
        <details class="columns"><summary>Columns</summary>
        <div class="column-groups">
        <fieldset><legend>Metrics</legend>{{#metricChoices}}<label><input type="checkbox" name="col" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/metricChoices}}{{^metricChoices}}<p class="empty">None logged yet.</p>{{/metricChoices}}</fieldset>
        <fieldset><legend>Params</legend>{{#paramChoices}}<label><input type="checkbox" name="col" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/paramChoices}}{{^paramChoices}}<p class="empty">None logged yet.</p>{{/paramChoices}}</fieldset>
        <fieldset><legend>Tags</legend>{{#tagChoices}}<label><input type="checkbox" name="col" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/tagChoices}}{{^tagChoices}}<p class="empty">None set yet.</p>{{/tagChoices}}</fieldset>
        </div>
        <button>Show these columns</button>
        </details>
        </form>
        <form id="selection" method="get" action="/compare">
        <input type="hidden" name="back" value="{{back}}">
        <div class="bar">
        <button>Compare selected</button>
        <button formaction="/charts">Chart selected</button>
        {{#canDelete}}<button class="danger" formmethod="post" formaction="/runs/delete">Delete selected</button>{{/canDelete}}
        {{#canRestore}}<button formmethod="post" formaction="/runs/restore">Restore selected</button>{{/canRestore}}
        </div>
        {{#isEmpty}}<p class="empty">No runs match.</p>{{/isEmpty}}
        {{#hasRows}}
        <div class="scroll"><table class="grid runs">
        <thead><tr><th><input type="checkbox" class="select-all" aria-label="Select all runs"></th>{{#headers}}<th{{#numeric}} class="num"{{/numeric}} title="{{title}}">{{#sortHref}}<a href="{{.}}">{{label}}</a>{{/sortHref}}{{^sortHref}}{{label}}{{/sortHref}} {{arrow}}</th>{{/headers}}</tr></thead>
        <tbody>
        {{#rows}}<tr class="{{depthClass}}{{#isDeleted}} deleted{{/isDeleted}}"><td><input type="checkbox" name="run" value="{{runID}}" aria-label="Select {{name}}"></td>
        <td class="name"><a href="{{href}}">{{name}}</a>{{#parentHref}} <a class="parent" href="{{.}}" title="Parent run">↰</a>{{/parentHref}}</td>
        <td><span class="status {{statusClass}}">{{status}}</span></td><td class="nowrap">{{started}}</td><td class="nowrap">{{duration}}</td><td>{{user}}</td>
        <td title="{{sourceTitle}}">{{source}}</td><td class="mono" title="{{commitTitle}}">{{commit}}</td>
        {{#cells}}<td{{#numeric}} class="num"{{/numeric}} title="{{title}}">{{text}}</td>{{/cells}}</tr>
        {{/rows}}
        </tbody></table></div>
        {{/hasRows}}
        </form>
        <nav class="pager">{{#firstHref}}<a href="{{.}}">First page</a>{{/firstHref}} {{#nextHref}}<a href="{{.}}">Next page</a>{{/nextHref}}</nav>
        """
}
