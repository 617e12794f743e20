extension StaticAssets {
    static let css = """
        :root { --fg: #1d232b; --muted: #5d6875; --line: #d9dee4; --bg: #ffffff; --soft: #f4f6f8; --accent: #1f5fbf; --bad: #b42318; --good: #1a7f37; --warn: #9a6700; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--fg); background: var(--bg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        header.top { display: flex; gap: 1.5rem; align-items: baseline; padding: .6rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--soft); }
        header.top .brand { font-weight: 700; font-size: 1.1rem; color: var(--fg); }
        header.top nav a { margin-right: 1rem; }
        header.top .session { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
        header.top .session form { display: inline-flex; gap: .3rem; margin: 0; }
        header.top .session .role { font-size: .85rem; color: var(--muted); }
        form.signin { display: grid; gap: .75rem; max-width: 26rem; }
        form.signin label { display: grid; gap: .25rem; }
        main { padding: 1rem 1.25rem 2rem; max-width: 1600px; }
        footer { padding: .75rem 1.25rem; color: var(--muted); border-top: 1px solid var(--line); font-size: .85rem; }
        h1 { font-size: 1.45rem; margin: .25rem 0 .5rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
        .crumbs { color: var(--muted); font-size: .9rem; }
        .sub { color: var(--muted); margin: 0 0 .75rem; }
        .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: .88em; overflow-wrap: anywhere; }
        .bar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
        .controls { margin-bottom: .75rem; }
        input, select, button { font: inherit; padding: .3rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
        input.filter { flex: 1 1 28rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        input.short { width: 6rem; }
        button { cursor: pointer; background: var(--soft); }
        button:hover { border-color: var(--accent); }
        button.danger { color: var(--bad); }
        form { margin: 0; }
        details.columns { margin: .5rem 0; }
        details summary { cursor: pointer; color: var(--accent); }
        .column-groups { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .75rem; margin: .5rem 0; }
        fieldset { border: 1px solid var(--line); border-radius: 4px; max-height: 16rem; overflow: auto; margin: 0; }
        fieldset label { display: block; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; }
        table.grid { width: 100%; font-size: .92rem; }
        table.grid th, table.grid td { padding: .3rem .55rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: baseline; }
        table.grid thead th { position: sticky; top: 0; background: var(--soft); white-space: nowrap; }
        table.grid tbody tr:hover { background: var(--soft); }
        table.kv th { text-align: left; font-weight: 600; padding: .2rem .8rem .2rem 0; vertical-align: top; white-space: nowrap; }
        table.kv td { padding: .2rem 0; overflow-wrap: anywhere; }
        .num, table.grid th.num, table.grid td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .nowrap { white-space: nowrap; }
        tr.deleted td { color: var(--muted); text-decoration: line-through; }
        tr.depth-1 td.name { padding-left: 1.5rem; }
        tr.depth-2 td.name { padding-left: 2.5rem; }
        tr.depth-3 td.name { padding-left: 3.5rem; }
        tr.depth-1 td.name::before, tr.depth-2 td.name::before, tr.depth-3 td.name::before { content: "↳ "; color: var(--muted); }
        .actions { display: flex; gap: .4rem; align-items: flex-start; }
        .status { font-size: .78rem; font-weight: 600; padding: .05rem .4rem; border-radius: 3px; background: var(--soft); }
        .status-finished { color: var(--good); }
        .status-failed, .status-killed { color: var(--bad); }
        .status-running, .status-scheduled { color: var(--warn); }
        .error { color: var(--bad); border-left: 3px solid var(--bad); padding: .25rem .75rem; background: #fdf3f2; }
        .error p { margin: .25rem 0; }
        pre.filter-echo { margin: .25rem 0; white-space: pre-wrap; }
        pre.filter-echo mark { background: #ffd8d3; color: var(--bad); outline: 1px solid var(--bad); }
        .empty { color: var(--muted); font-style: italic; }
        .pager { margin: .75rem 0; display: flex; gap: 1rem; }
        .tabs { display: flex; gap: 1rem; margin: .25rem 0 1rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 0 2rem; }
        ul.links { padding-left: 1.1rem; margin: .25rem 0; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 36rem), 1fr)); gap: 1rem; }
        figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 4px; padding: .25rem; }
        figure.chart svg, .plot svg { width: 100%; height: auto; display: block; }
        .tree ul { list-style: none; padding-left: 1rem; margin: 0; }
        .tree > ul { padding-left: 0; }
        .tree li.current > a { font-weight: 700; }
        .browser { display: grid; grid-template-columns: minmax(14rem, 22rem) 1fr; gap: 1.5rem; }
        .preview pre { background: var(--soft); padding: .75rem; overflow: auto; max-height: 70vh; font-size: .85rem; }
        .preview img { max-width: 100%; height: auto; border: 1px solid var(--line); }
        .preview iframe { width: 100%; height: 70vh; border: 1px solid var(--line); }
        .diff-row td { background: #fff8e6; }
        .trace-ok, .span-ok { color: var(--good); }
        .trace-error, .span-error { color: var(--bad); }
        .trace-in_progress { color: var(--warn); }
        figure.waterfall { margin: .5rem 0 1rem; overflow-x: auto; }
        figure.waterfall svg { max-width: 100%; height: auto; display: block; }
        .waterfall a:hover .wf-name { text-decoration: underline; }
        .waterfall .wf-open { opacity: .55; }
        .spans details.span { border-top: 1px solid var(--line); padding: .3rem 0; }
        .spans details.span:target { background: var(--soft); }
        .span-body { padding: 0 0 .5rem 1.2rem; }
        .span-body h3 { font-size: .9rem; margin: .6rem 0 .2rem; }
        pre.value { background: var(--soft); padding: .4rem .6rem; margin: 0; overflow: auto; max-height: 24rem; font-size: .82rem; white-space: pre-wrap; overflow-wrap: anywhere; }
        ul.events { padding-left: 1.1rem; margin: .25rem 0; }
        p.note { color: var(--muted); margin: .25rem 0; }
        @media (max-width: 720px) {
          main { padding: .75rem; }
          .browser { grid-template-columns: 1fr; }
          header.top { flex-wrap: wrap; gap: .5rem; }
          table.grid { font-size: .85rem; }
        }
        """
}

extension StaticAssets {
    /// Rules for the compare, artifact and model pages.
    static let cssDetailPages = """
        .muted { color: var(--muted); font-size: .88em; }
        th.section { background: var(--soft); text-align: left; padding-top: .6rem; }
        table.compare tbody th { text-align: left; font-weight: 600; white-space: nowrap; }
        .tree li.dir > a { font-weight: 600; }
        .aliases span { display: inline-block; margin-right: .3rem; padding: 0 .35rem; border-radius: 3px; background: var(--soft); font-size: .85em; }
        """
}
