extension Templates {
    static let compare = """
        {{^hasRuns}}<p class="empty">No runs selected. Pick runs in an experiment's table and choose "Compare selected".</p>{{/hasRuns}}
        {{#hasRuns}}
        <form class="controls" method="get" action="/compare">
        {{#hiddenRuns}}<input type="hidden" name="{{name}}" value="{{value}}">{{/hiddenRuns}}
        <div class="bar">{{#showChoices}}<label><input type="radio" name="show" value="{{value}}"{{#selected}} checked{{/selected}}> {{label}}</label>{{/showChoices}}</div>
        {{> chartControls}}
        <div class="bar">
        <label>Scatter x <select name="sx">{{#scatterX}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/scatterX}}</select></label>
        <label>y <select name="sy">{{#scatterY}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/scatterY}}</select></label>
        </div>
        </form>
        <div class="scroll"><table class="grid compare">
        <thead><tr><th></th>{{#runs}}<th><a href="{{href}}">{{name}}</a></th>{{/runs}}</tr></thead>
        <tbody>
        <tr><th>Experiment</th>{{#runs}}<td><a href="{{experimentHref}}">{{experiment}}</a></td>{{/runs}}</tr>
        <tr><th>Status</th>{{#runs}}<td>{{status}}</td>{{/runs}}</tr>
        {{#sections}}<tr><th colspan="999" class="section">{{title}}</th></tr>
        {{#isEmpty}}<tr><td colspan="999" class="empty">{{#differencesOnly}}No differences.{{/differencesOnly}}{{^differencesOnly}}None.{{/differencesOnly}}</td></tr>{{/isEmpty}}
        {{#rows}}<tr{{#differs}} class="diff-row"{{/differs}}><th>{{label}}</th>{{#values}}<td>{{.}}</td>{{/values}}</tr>{{/rows}}
        {{/sections}}
        </tbody></table></div>
        <h2>Parallel coordinates</h2>
        {{#parallelSVG}}<div class="plot">{{{.}}}</div>{{/parallelSVG}}{{^parallelSVG}}<p class="empty">Needs two or more runs that differ in two or more numeric params or metrics.</p>{{/parallelSVG}}
        <h2>Scatter</h2>
        {{#scatterSVG}}<div class="plot">{{{.}}}</div>{{/scatterSVG}}{{^scatterSVG}}<p class="empty">No numeric params or metrics to plot.</p>{{/scatterSVG}}
        <h2>Metrics</h2>
        <div class="charts">{{#charts}}<figure class="chart" data-series="{{seriesCount}}">{{{svg}}}</figure>{{/charts}}</div>
        {{/hasRuns}}
        """
}
