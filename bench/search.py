#!/usr/bin/env python3
"""Read-path benchmark: Stride vs `mlflow server` vs FastTrackML (`fml server`), issue 3.

For every server (one at a time, on 127.0.0.1, each on its own SQLite file) it:
  1. starts the server on a fresh data dir and loads the fixture through the REST API with parallel
     threads: one experiment of --runs runs (10 params, 10 metrics, 5 tags each; param `lr` in
     {0.1, 0.01, 0.001}, metric `loss` uniform in [0, 1]) and one run holding --history-points points of
     metric `hist` and --points points of metric `bulk`. The load rate is measured on a sample first;
     when the projected load is over --load-budget-min, mlflow's remaining rows go straight into its
     SQLite file (created by `mlflow server` itself, so its own migrations made the schema) and any
     other server's cell is skipped with a note;
  2. restarts the server on that data (clean memory baseline, data on disk only) and measures:
       bulk-interval  GET metrics/get-history-bulk-interval, max_results 1000, on the --points run,
                      with the RSS of the server's process tree sampled during the calls;
       search-filter  POST runs/search, filter `metrics.loss < 0.5 and params.lr = '0.01'`,
                      order_by metrics.loss ASC, first page of 100;
       search-pages   the same search paged to the end with page tokens, total time; once per
                      --page-size (default 1,000 like MlflowClient.search_runs, and 100);
       search-recent  first page of 100, no filter, order_by attributes.start_time DESC (runs table);
       search-param   first page of 100, no filter, order_by params.p1 ASC;
       history-rest   GET metrics/get-history of the --history-points metric, paged as the client
                      does (max_results 25,000 and next_page_token), total time;
       history-client MlflowClient(tracking_uri).get_metric_history on the same metric;
  3. checks every answer against the fixture (counts, order, filter), stops the server.
Then it writes a markdown report to bench/results/search-<timestamp>.md (raw numbers in .json).
Times are measured from sending a request to reading the last byte of its answer; JSON decoding on
the client is outside the timed part except in history-client, which is the real client end to end.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import (API, HOST, Api, ApiError, PortAllocator, Server, _status_kb,  # noqa: E402
                    add_output_args, add_server_args, check_server_args, load_results, log, machine_busy_s, machine_meta, quiesce,
                    session_pids, tree_cpu_s, write_results)

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

FILTER = "metrics.loss < 0.5 and params.lr = '0.01'"
LRS = ("0.1", "0.01", "0.001")
BASE_MS = 1_700_000_000_000           # fixed clock, so every server gets the same fixture
HIST_KEY, BULK_KEY = "hist", "bulk"   # metric keys of the history run
HISTORY_PAGE = 25_000                 # GET_METRIC_HISTORY_MAX_RESULTS in mlflow's client
BULK_MAX_RESULTS = 1000
SCENARIOS = {
    # name: (title, unit)
    "search-filter": ("Filtered, ordered search: first page of 100", "ms"),
    "search-pages": ("Filtered, ordered search: all pages", "s"),
    "search-recent": ("Unfiltered first page of 100, order by start_time DESC (runs table)", "ms"),
    "search-param": ("Unfiltered first page of 100, order by params.p1 ASC", "ms"),
    "history-rest": ("get-history of the history metric, paged like the client (REST)", "s"),
    "history-client": ("get-history through MlflowClient.get_metric_history", "s"),
    "bulk-interval": ("get-history-bulk-interval, max_results 1000, on the --points run", "ms"),
}


# --------------------------------------------------------------------------------------------
# Fixture (deterministic, the same for every server)
# --------------------------------------------------------------------------------------------

def run_spec(i: int) -> dict:
    rng = random.Random(1_000_003 * i + 7)
    metrics = {"loss": rng.random(), **{f"m{k}": rng.random() for k in range(1, 10)}}
    params = {"lr": LRS[rng.randrange(3)], **{f"p{k}": f"v{rng.randrange(1_000_000):06d}" for k in range(1, 10)}}
    tags = {f"t{k}": f"tag-{k}-{rng.randrange(100)}" for k in range(5)}
    return {"name": f"run-{i:06d}", "start": BASE_MS + i * 1000, "metrics": metrics, "params": params, "tags": tags}


def expected(n_runs: int) -> dict:
    hits = []
    for i in range(n_runs):
        s = run_spec(i)
        if s["metrics"]["loss"] < 0.5 and s["params"]["lr"] == "0.01":
            hits.append((s["metrics"]["loss"], s["name"]))
    hits.sort()
    return {"hits": len(hits), "filter_first": [n for _, n in hits[:100]],
            "recent_first": [f"run-{i:06d}" for i in range(n_runs - 1, max(-1, n_runs - 101), -1)]}


def point(key: str, step: int) -> dict:
    return {"key": key, "value": (step * 0.618034) % 1.0, "timestamp": BASE_MS + step, "step": step}


# --------------------------------------------------------------------------------------------
# HTTP helpers
# --------------------------------------------------------------------------------------------

def timed(api: Api, method: str, endpoint: str, payload: dict) -> tuple[float, dict]:
    """One request; returns (seconds from send to last byte, decoded body). Raises ApiError on non-200."""
    if method == "GET":
        path, body, headers = API + endpoint + "?" + urlencode(payload, doseq=True), None, {}
    else:
        path, body, headers = API + endpoint, json.dumps(payload).encode(), {"Content-Type": "application/json"}
    t0 = time.perf_counter()
    status, data = api._request(method, path, body, headers)
    secs = time.perf_counter() - t0
    if status != 200:
        raise ApiError(f"{method} {endpoint} -> HTTP {status}", data[:300])
    return secs, json.loads(data or b"{}")


class ThreadApis:
    """One persistent connection per loader thread."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout, self.local, self.all = port, timeout, threading.local(), []
        self.lock = threading.Lock()

    def get(self) -> Api:
        api = getattr(self.local, "api", None)
        if api is None:
            api = self.local.api = Api(self.port, self.timeout)
            with self.lock:
                self.all.append(api)
        return api

    def close(self) -> None:
        for a in self.all:
            a.close()


def run_id_of(run: dict) -> str:
    return run["info"].get("run_id") or run["info"]["run_uuid"]


# --------------------------------------------------------------------------------------------
# Loading over HTTP
# --------------------------------------------------------------------------------------------

def http_load_run(apis: ThreadApis, exp_id: str, i: int) -> str:
    s = run_spec(i)
    api = apis.get()
    r = api.call("POST", "/runs/create", {"experiment_id": exp_id, "user_id": "bench", "run_name": s["name"],
                                           "start_time": s["start"]})
    rid = run_id_of(r["run"])
    ts = s["start"] + 500
    api.call("POST", "/runs/log-batch", {
        "run_id": rid,
        "metrics": [{"key": k, "value": v, "timestamp": ts, "step": 0} for k, v in s["metrics"].items()],
        "params": [{"key": k, "value": v} for k, v in s["params"].items()],
        "tags": [{"key": k, "value": v} for k, v in s["tags"].items()]})
    return rid


def http_load_points(apis: ThreadApis, run_id: str, key: str, first_step: int, n: int) -> None:
    apis.get().call("POST", "/runs/log-batch",
                    {"run_id": run_id, "metrics": [point(key, st) for st in range(first_step, first_step + n)]})


def parallel(threads: int, fn, items) -> None:
    with cf.ThreadPoolExecutor(threads) as ex:
        for f in cf.as_completed([ex.submit(fn, it) for it in items]):
            f.result()  # re-raise the first failure


class LoadPlan:
    """Loads `total` units (runs or points) in two steps: a timed sample over HTTP, then the rest over
    HTTP when the projection fits the budget, else through `fallback` (or not at all)."""

    def __init__(self, what: str, total: int, sample: int, budget_s: float):
        self.what, self.total, self.sample, self.budget_s = what, total, min(sample, total), budget_s
        self.info: dict = {"what": what, "total": total}

    def run(self, http_fn, fallback=None, force_fallback=False) -> dict:
        t0 = time.monotonic()
        done = 0
        if not force_fallback or fallback is None:
            http_fn(0, self.sample)
            done = self.sample
        rate = done / max(time.monotonic() - t0, 1e-9) if done else None
        rest = self.total - done
        projected = (done / rate + rest / rate) if rate else None
        self.info.update(http_units=done, http_rate=rate, projected_http_s=projected)
        if rest > 0:
            if not force_fallback and projected is not None and projected <= self.budget_s:
                http_fn(done, rest)
                self.info["http_units"] = self.total
                self.info["method"] = "http"
            elif fallback is not None:
                log(f"    {self.what}: {'forced' if force_fallback else f'HTTP would take {projected/60:.0f} min'};"
                    f" inserting {rest:,} directly into its database")
                t1 = time.monotonic()
                fallback(done, rest)
                self.info["sql_units"], self.info["sql_s"] = rest, time.monotonic() - t1
                self.info["method"] = "sql" if done == 0 else "http+sql"
            else:
                self.info["skipped"] = f"skipped (load would take {projected/60:.0f} min over HTTP)"
                self.info["method"] = "skipped"
        else:
            self.info["method"] = "http"
        self.info["secs"] = time.monotonic() - t0
        return self.info


# --------------------------------------------------------------------------------------------
# Loading mlflow's SQLite file directly (rows shaped like the ones mlflow wrote for the HTTP sample)
# --------------------------------------------------------------------------------------------

class MlflowSql:
    """mlflow's own database (SQLite file or, with --postgres-url, PostgreSQL through psycopg2)."""

    def __init__(self, store: str, template_run_id: str):
        self.postgres = store.startswith("postgresql")
        if self.postgres:
            import psycopg2  # the venv's psycopg2-binary, which mlflow uses for the same database
            import psycopg2.extras
            self.conn = psycopg2.connect(store.replace("postgresql+psycopg2://", "postgresql://", 1))
            self.execute_values = psycopg2.extras.execute_values
        else:
            self.conn = sqlite3.connect(store.removeprefix("sqlite:///"), timeout=60)
        mark = "%s" if self.postgres else "?"
        self.template = self._rows(f"SELECT * FROM runs WHERE run_uuid = {mark}", (template_run_id,))
        if not self.template:
            raise RuntimeError(f"template run {template_run_id} not in {store}")
        self.template = self.template[0]
        self.template_tags = self._rows(f"SELECT key, value FROM tags WHERE run_uuid = {mark} AND key LIKE 'mlflow.%%'"
                                        if self.postgres else
                                        "SELECT key, value FROM tags WHERE run_uuid = ? AND key LIKE 'mlflow.%'",
                                        (template_run_id,))
        self.cols = {t: ([r["column_name"] for r in self._rows(
                             "SELECT column_name FROM information_schema.columns WHERE table_name = %s", (t,))]
                         if self.postgres else [r[1] for r in self.conn.execute(f"PRAGMA table_info({t})")])
                     for t in ("metrics", "latest_metrics", "params", "tags")}
        for t, need in (("metrics", {"key", "value", "timestamp", "step", "is_nan", "run_uuid"}),
                        ("latest_metrics", {"key", "value", "timestamp", "step", "is_nan", "run_uuid"}),
                        ("params", {"key", "value", "run_uuid"}), ("tags", {"key", "value", "run_uuid"})):
            if set(self.cols[t]) != need:
                raise RuntimeError(f"unexpected mlflow schema for {t}: {self.cols[t]}")

    def _rows(self, sql: str, params: tuple) -> list[dict]:
        cur = self.conn.cursor()
        cur.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def _insert(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        cols = list(rows[0])
        values = [tuple(r[c] for c in cols) for r in rows]
        if self.postgres:  # one multi-row INSERT per 1,000 rows: executemany would be a round trip per row
            self.execute_values(self.conn.cursor(), f"INSERT INTO {table} ({', '.join(cols)}) VALUES %s", values,
                                page_size=1000)
        else:
            self.conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                  values)

    def add_runs(self, first: int, n: int, ids: dict) -> None:
        tpl_id = self.template["run_uuid"]
        with self.conn:
            for start in range(first, first + n, 2000):
                runs, tags, params, metrics = [], [], [], []
                for i in range(start, min(first + n, start + 2000)):
                    s, rid = run_spec(i), uuid.uuid4().hex
                    ids[s["name"]] = rid
                    run = dict(self.template, run_uuid=rid, name=s["name"], start_time=s["start"],
                               artifact_uri=(self.template["artifact_uri"] or "").replace(tpl_id, rid))
                    runs.append(run)
                    for t in self.template_tags:
                        tags.append({"key": t["key"], "run_uuid": rid,
                                     "value": s["name"] if t["key"] == "mlflow.runName" else t["value"]})
                    tags += [{"key": k, "value": v, "run_uuid": rid} for k, v in s["tags"].items()]
                    params += [{"key": k, "value": v, "run_uuid": rid} for k, v in s["params"].items()]
                    metrics += [{"key": k, "value": v, "timestamp": s["start"] + 500, "step": 0, "is_nan": False,
                                 "run_uuid": rid} for k, v in s["metrics"].items()]
                self._insert("runs", runs)
                self._insert("tags", tags)
                self._insert("params", params)
                self._insert("metrics", metrics)
                self._insert("latest_metrics", metrics)

    def add_points(self, run_id: str, key: str, first: int, n: int) -> None:
        with self.conn:
            for start in range(first, first + n, 50_000):
                rows = [dict(point(key, st), is_nan=False, run_uuid=run_id)
                        for st in range(start, min(first + n, start + 50_000))]
                self._insert("metrics", rows)
            last = dict(point(key, first + n - 1), is_nan=False, run_uuid=run_id)
            mark = "%s" if self.postgres else "?"
            self.conn.cursor().execute(f"DELETE FROM latest_metrics WHERE run_uuid = {mark} AND key = {mark}",
                                       (run_id, key))
            self._insert("latest_metrics", [last])

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------------------------
# Fixture load for one server
# --------------------------------------------------------------------------------------------

def load_fixture(name: str, srv: Server, args) -> dict:
    """Returns {exp_id, run_ids: {name: id}, hist_run, loads: [...]} and leaves the server running."""
    apis = ThreadApis(srv.port, args.http_timeout)
    api = apis.get()
    fx: dict = {"loads": []}
    fx["exp_id"] = api.create_experiment("search-bench")
    hexp = api.create_experiment("search-bench-history")
    fx["hist_run"] = api.create_run(hexp)
    ids: dict = {}
    budget = args.load_budget_min * 60
    use_sql = name == "mlflow" and args.mlflow_load != "http"
    force_sql = name == "mlflow" and args.mlflow_load == "sql"
    sql: dict = {}

    def mlflow_sql() -> MlflowSql:
        # stop mlflow, write its SQLite file, restart happens in bench_server after the load
        if "db" not in sql:
            if srv.proc and srv.proc.poll() is None:
                apis.close()
                srv.stop()
            sql["db"] = MlflowSql(srv.store, sql["template"])
        return sql["db"]

    def runs_http(first: int, n: int) -> None:
        def one(i):
            ids[run_spec(i)["name"]] = http_load_run(apis, fx["exp_id"], i)
        parallel(args.load_threads, one, range(first, first + n))

    # one run over HTTP always: the template for mlflow's direct rows
    runs_http(0, 1)
    sql["template"] = ids["run-000000"]
    plan = LoadPlan("runs", args.runs - 1, args.load_sample_runs, budget)
    info = plan.run(lambda f, n: runs_http(f + 1, n),
                    (lambda f, n: mlflow_sql().add_runs(f + 1, n, ids)) if use_sql else None, force_sql)
    info["total"] += 1
    info["http_units"] = info.get("http_units", 0) + 1
    fx["loads"].append(info)
    log(f"    runs: {info['method']} in {info['secs']:.1f}s"
        + (f" ({info['http_rate']:.0f} runs/s over HTTP)" if info.get("http_rate") else ""))
    if info.get("skipped"):
        fx["skipped"] = info["skipped"]
        apis.close()
        return fx

    for key, total in ((HIST_KEY, args.history_points), (BULK_KEY, args.points)):
        batch = 1000

        def pts_http(first: int, n: int, key=key) -> None:
            if "db" in sql:  # mlflow already stopped for direct loading: restart it for HTTP
                raise RuntimeError("unreachable: HTTP load after SQL load")
            parallel(args.load_threads, lambda st: http_load_points(apis, fx["hist_run"], key, st,
                                                                    min(batch, first + n - st)),
                     range(first, first + n, batch))

        plan = LoadPlan(f"{key} points", total, args.load_sample_points, budget)
        fallback = (lambda f, n, key=key: mlflow_sql().add_points(fx["hist_run"], key, f, n)) if use_sql else None
        if "db" in sql:  # already switched to direct loading: do the rest that way too
            info = plan.run(None, fallback, True)
        else:
            info = plan.run(pts_http, fallback, force_sql)
        fx["loads"].append(info)
        log(f"    {key} points: {info['method']} in {info['secs']:.1f}s"
            + (f" ({info['http_rate']:,.0f} points/s over HTTP)" if info.get("http_rate") else ""))
        if info.get("skipped"):
            fx["skipped"] = info["skipped"]
            break
    if "db" in sql:
        sql["db"].close()
    apis.close()
    fx["run_ids"] = ids
    return fx


# --------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------

class FastRss(threading.Thread):
    """Sums VmRSS over a fixed set of pids every few ms; keeps the peak."""

    def __init__(self, pids: list[int], interval: float = 0.005):
        super().__init__(daemon=True)
        self.pids, self.interval, self.peak_kb = pids, interval, 0
        self.evt = threading.Event()

    def run(self) -> None:
        while not self.evt.is_set():
            self.peak_kb = max(self.peak_kb, sum(_status_kb(p, "VmRSS") for p in self.pids))
            self.evt.wait(self.interval)

    def stop(self) -> None:
        self.evt.set()
        self.join(2)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def repeat(reps: int, budget_s: float, warmup: int, fn) -> tuple[list[float], list]:
    """fn() -> (seconds, check result). Runs warm-ups, then up to reps (at least 1) within budget_s."""
    for _ in range(warmup):
        fn()
    samples, checks, t0 = [], [], time.monotonic()
    for _ in range(reps):
        secs, check = fn()
        samples.append(secs)
        checks.append(check)
        if time.monotonic() - t0 > budget_s:
            break
    return samples, checks


def search_body(fx: dict, filt: str, order: list[str], n: int, token: str | None = None) -> dict:
    b = {"experiment_ids": [fx["exp_id"]], "filter": filt, "run_view_type": "ACTIVE_ONLY",
         "max_results": n, "order_by": order}
    if token:
        b["page_token"] = token
    return b


def run_fields(run: dict) -> tuple[str, dict, dict]:
    data = run.get("data", {})
    params = {p["key"]: p["value"] for p in data.get("params", [])}
    metrics = {m["key"]: m["value"] for m in data.get("metrics", [])}
    name = run["info"].get("run_name") or next(
        (t["value"] for t in data.get("tags", []) if t["key"] == "mlflow.runName"), "")
    return name, params, metrics


def check_filter_page(runs: list, exp: dict) -> str:
    names, problems = [], []
    for r in runs:
        name, params, metrics = run_fields(r)
        names.append(name)
        if not (metrics.get("loss", 1) < 0.5 and params.get("lr") == "0.01"):
            problems.append(f"{name} does not match the filter")
    if names != exp["filter_first"]:
        problems.append(f"got {len(names)} runs, first {names[:2]}; expected {len(exp['filter_first'])}, "
                        f"first {exp['filter_first'][:2]}")
    return "ok" if not problems else "WRONG: " + "; ".join(problems[:2])


def measure(name: str, srv: Server, fx: dict, args, exp: dict) -> dict:
    api = Api(srv.port, args.http_timeout)
    out: dict = {}

    def scenario(key: str, reps: int, warmup: int, fn, budget=None) -> None:
        if key.split("/")[0] not in args.scenarios:
            return
        log(f"    {key} ...")
        try:
            samples, checks = repeat(reps, budget or args.scenario_budget, warmup, fn)
            bad = [c for c in checks if c != "ok"]
            out[key] = {"samples": samples, "check": bad[0] if bad else "ok", "n": len(samples)}
            log(f"    {key}: p50 {pct(samples, .5)*1000:,.1f} ms over {len(samples)}  check: {out[key]['check']}")
        except Exception as e:  # record and go on with the next scenario
            short = e.short if isinstance(e, ApiError) else f"{type(e).__name__}: {str(e)[:200]}"
            out[key] = {"error": short, "detail": str(e)[:600]}
            log(f"    {key}: FAILED {str(e)[:300]}")
            api.close()

    # bulk-interval first: right after the restart, so memory growth is measured from a quiet server
    def bulk():
        secs, body = timed(api, "GET", "/metrics/get-history-bulk-interval",
                           {"run_ids": [fx["hist_run"]], "metric_key": BULK_KEY, "max_results": BULK_MAX_RESULTS})
        ms = body.get("metrics", [])
        steps = [m["step"] for m in ms]
        # mlflow: up to max_results points evenly spread (NTILE), first and last always kept, in step order
        want = min(BULK_MAX_RESULTS, args.points)
        ok = (0.95 * want <= len(ms) <= want and steps == sorted(steps) and steps[:1] == [0]
              and steps[-1:] == [args.points - 1])
        out.setdefault("bulk_points", len(ms))
        return secs, "ok" if ok else f"WRONG: {len(ms)} points, steps {steps[:1]}..{steps[-1:]}"

    if "bulk-interval" in args.scenarios:
        pids = session_pids(srv.proc.pid)
        rss0 = sum(_status_kb(p, "VmRSS") for p in pids)
        hwm0 = sum(_status_kb(p, "VmHWM") for p in pids)
        sampler = FastRss(pids)
        sampler.start()
        scenario("bulk-interval", args.reps, 0, bulk)
        sampler.stop()
        rss1 = sum(_status_kb(p, "VmRSS") for p in pids)
        hwm1 = sum(_status_kb(p, "VmHWM") for p in pids)
        out["bulk-interval"].update(rss_before_kb=rss0, rss_after_kb=rss1, rss_peak_kb=sampler.peak_kb,
                                    hwm_before_kb=hwm0, hwm_after_kb=hwm1, procs=len(pids))

    filt_order = ["metrics.loss ASC"]

    def filt_first():
        secs, body = timed(api, "POST", "/runs/search", search_body(fx, FILTER, filt_order, 100))
        return secs, check_filter_page(body.get("runs", []), exp)

    scenario("search-filter", args.reps, args.warmup, filt_first)

    def all_pages(size: int):
        total, names, token, pages = 0.0, [], None, 0
        while True:
            secs, body = timed(api, "POST", "/runs/search", search_body(fx, FILTER, filt_order, size, token))
            total += secs
            pages += 1
            names += [run_fields(r)[0] for r in body.get("runs", [])]
            token = body.get("next_page_token")
            if not token or pages > exp["hits"] // size + 5:
                break
        out[f"pages/{size}"] = pages
        if token:
            return total, f"WRONG: paging did not end after {pages} pages"
        if len(names) != exp["hits"] or len(set(names)) != len(names):
            return total, f"WRONG: {len(names)} runs ({len(set(names))} distinct), expected {exp['hits']}"
        return total, "ok"

    for size in args.page_size:
        if "search-pages" in args.scenarios:
            scenario(f"search-pages/{size}", args.page_reps, 0, lambda size=size: all_pages(size))

    def recent():
        secs, body = timed(api, "POST", "/runs/search", search_body(fx, "", ["attributes.start_time DESC"], 100))
        names = [run_fields(r)[0] for r in body.get("runs", [])]
        return secs, "ok" if names == exp["recent_first"] else f"WRONG: {len(names)} runs, first {names[:2]}"

    scenario("search-recent", args.reps, args.warmup, recent)

    def by_param():
        secs, body = timed(api, "POST", "/runs/search", search_body(fx, "", ["params.p1 ASC"], 100))
        vals = [run_fields(r)[1].get("p1") for r in body.get("runs", [])]
        want = min(100, args.runs)
        ok = len(vals) == want and None not in vals and vals == sorted(vals)
        return secs, "ok" if ok else f"WRONG: {len(vals)} runs, p1 sorted={vals == sorted(map(str, vals))}"

    scenario("search-param", args.reps, args.warmup, by_param)

    def check_history(steps: list[int]) -> str:
        if len(steps) == args.history_points and sorted(steps) == list(range(args.history_points)):
            return "ok"
        return f"WRONG: {len(steps)} points ({len(set(steps))} distinct steps), expected {args.history_points}"

    def history_rest():
        total, steps, token, pages = 0.0, [], None, 0
        while True:
            q = {"run_id": fx["hist_run"], "metric_key": HIST_KEY, "max_results": HISTORY_PAGE}
            if token:
                q["page_token"] = token
            secs, body = timed(api, "GET", "/metrics/get-history", q)
            total += secs
            pages += 1
            steps += [m["step"] for m in body.get("metrics", [])]
            token = body.get("next_page_token")
            if not token or pages > args.history_points // HISTORY_PAGE + 5:
                break
        out["history_pages"] = pages
        return total, check_history(steps)

    scenario("history-rest", args.page_reps, 0, history_rest)

    if "history-client" in args.scenarios:
        from mlflow.tracking import MlflowClient  # the venv's real client (imported once, up front)
        client = MlflowClient(tracking_uri=f"http://{HOST}:{srv.port}")

        def history_client():
            t0 = time.perf_counter()
            hist = client.get_metric_history(fx["hist_run"], HIST_KEY)
            return time.perf_counter() - t0, check_history([m.step for m in hist])

        scenario("history-client", args.page_reps, 0, history_client)
    api.close()
    return out


# --------------------------------------------------------------------------------------------
# One server: start, load (or reuse), restart, measure, stop
# --------------------------------------------------------------------------------------------

def fixture_key(args) -> dict:
    return {"runs": args.runs, "points": args.points, "history_points": args.history_points, "version": 1}


def bench_server(name: str, args, ports: PortAllocator, exp: dict) -> dict:
    data = Path(args.data_root) / name
    srv = Server(name, args, ports.get(), data)
    session: dict = {"server": name, "port": srv.port}
    marker = data / "fixture.json"
    try:
        reuse = args.reuse_data and not args.postgres_url and marker.exists() and json.loads(marker.read_text())["key"] == fixture_key(args)
        if reuse:
            fx = json.loads(marker.read_text())["fixture"]
            log(f"{name}: reusing the fixture in {data}")
        else:
            log(f"{name}: starting on {HOST}:{srv.port}, data in {data}")
            srv.start()
            quiesce(srv.proc.pid, args.idle_settle)
            t0 = time.monotonic()
            fx = load_fixture(name, srv, args)
            session["load_s"] = time.monotonic() - t0
            if "skipped" not in fx:
                marker.write_text(json.dumps({"key": fixture_key(args), "fixture": fx}))
            srv.stop()
        session["loads"] = fx["loads"]
        if "skipped" in fx:
            session["skipped"] = fx["skipped"]
            return session
        srv.start(fresh=False)
        session["startup_s"] = srv.startup_s
        quiesce(srv.proc.pid, args.idle_settle)
        log(f"{name}: restarted on the loaded data in {srv.startup_s:.2f}s; measuring")
        busy0, srv0, own0, t0 = machine_busy_s(), tree_cpu_s(srv.proc.pid), sum(os.times()[:2]), time.monotonic()
        session["results"] = measure(name, srv, fx, args, exp)
        wall = time.monotonic() - t0
        srv_cpu, own_cpu = tree_cpu_s(srv.proc.pid) - srv0, sum(os.times()[:2]) - own0
        session["cpu"] = {"wall_s": wall, "server_pct": 100 * srv_cpu / wall, "harness_pct": 100 * own_cpu / wall,
                          "other_pct": 100 * max(0.0, machine_busy_s() - busy0 - srv_cpu - own_cpu) / wall}
        session["peak_rss_kb"] = srv.sampler.peak_kb
    except Exception as e:
        session["error"] = f"{type(e).__name__}: {str(e)[:500]}"
        log(f"{name} FAILED: {session['error']}")
    finally:
        srv.stop()
        if not args.keep_data:
            shutil.rmtree(data, ignore_errors=True)
    return session


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def fmt_n(x, spec):
    return "n/a" if x is None else format(x, spec)


def build_report(sessions: list[dict], args, meta: dict, exp: dict) -> str:
    by = {s["server"]: s for s in sessions}
    L = [f"# Read-path benchmark {meta['timestamp']}\n"]
    L.append(f"Machine: {meta['cpu']}, nproc {meta['ncpu']}, {meta['mem_gb']:.0f} GB RAM, kernel {meta['kernel']}.  ")
    L.append(f"Servers: {'; '.join(meta['versions'].get(s, s) for s in by)}.  ")
    L.append(f"mlflow: `--workers {args.mlflow_workers}`, job runner "
             f"{'off' if args.mlflow_no_jobs else 'on (default)'}; all on "
             + ("PostgreSQL (a fresh database each on one cluster)" if getattr(args, "postgres_url", "") else "SQLite")
             + ", one server at a time, each "
             "restarted on its loaded data before measuring.\n")
    L.append(f"Fixture: one experiment of {args.runs:,} runs (10 params, 10 metrics, 5 tags each; "
             f"`lr` in {{0.1, 0.01, 0.001}}, `loss` uniform in [0, 1]; {exp['hits']:,} runs match the filter); "
             f"one run with {args.history_points:,} points of `{HIST_KEY}` and {args.points:,} points of `{BULK_KEY}`.\n")
    L.append(f"Filter: `{FILTER}`, order_by `metrics.loss ASC`. Paging uses max_results {' and '.join(f'{n:,}' for n in args.page_size)}. "
             f"get-history pages with max_results {HISTORY_PAGE:,} like MlflowClient. "
             f"{args.reps} repetitions ({args.warmup} warm-up) for single requests, {args.page_reps} for paged "
             f"reads (fewer when a scenario passed {args.scenario_budget:.0f} s). "
             "Times are send → last byte of the answer, summed over pages; history-client is the real client "
             "end to end (includes its decoding). `÷ Stride` is the server's p50 over Stride's.\n")

    L.append("\n## Fixture load\n")
    L.append("| server | what | how | total time | overall rate | HTTP rate on the sample | note |")
    L.append("|---|---|---|---:|---:|---:|---|")
    for s in sessions:
        for ld in s.get("loads", []):
            unit = "runs/s" if ld["what"] == "runs" else "points/s"
            note = ld.get("skipped", "")
            if ld.get("sql_units"):
                why = (f"projected {ld['projected_http_s'] / 60:.0f} min over HTTP for all"
                       if ld.get("projected_http_s") else "`--mlflow-load sql`")
                note = (f"{ld['http_units']:,} over HTTP, {ld['sql_units']:,} into its database in {ld['sql_s']:.1f} s "
                        f"(incl. stopping the server; {why})")
            if ld.get("http_rate"):
                note = (f"sample of {min(ld['total'], args.load_sample_runs if ld['what'] == 'runs' else args.load_sample_points):,}"
                        + (f"; {note}" if note else ""))
            overall = None if ld["method"] == "skipped" else ld["total"] / ld["secs"]
            L.append(f"| {s['server']} | {ld['total']:,} {ld['what']} | {ld['method']} | {ld['secs']:.1f} s | "
                     f"{fmt_n(overall, ',.0f')} {unit} | {fmt_n(ld.get('http_rate'), ',.0f')} {unit} | {note} |")
        if s.get("load_s") is None and s.get("loads"):
            L.append(f"| {s['server']} | (reused from an earlier run) | | | | | |")

    stride = by.get("stride", {}).get("results", {})
    rkeys = []
    for key, (title, unit) in SCENARIOS.items():
        if key == "search-pages":
            rkeys += [(f"{key}/{n}", f"{title}, max_results {n:,}", unit) for n in args.page_size]
        else:
            rkeys.append((key, title, unit))
    for key, title, unit in rkeys:
        if key.split("/")[0] not in args.scenarios:
            continue
        scale = 1000 if unit == "ms" else 1
        L.append(f"\n## {title}\n")
        extra = key == "bulk-interval"
        L.append(f"| server | n | p50 {unit} | p90 {unit} | ÷ Stride | check |"
                 + (" points | RSS before MB | RSS growth (peak sampled) MB | VmHWM growth MB |" if extra else ""))
        L.append("|---|---:|---:|---:|---:|---|" + ("---:|---:|---:|---:|" if extra else ""))
        sref = stride.get(key, {}).get("samples")
        for s in sessions:
            name = s["server"]
            if "skipped" in s or "error" in s:
                L.append(f"| {name} | | | | | {s.get('skipped') or 'failed: ' + s['error'][:120]} |")
                continue
            r = s.get("results", {}).get(key)
            if not r:
                continue
            if "error" in r:
                L.append(f"| {name} | | | | | error: {r['error'][:160]} |")
                continue
            p50, p90 = pct(r["samples"], .5), pct(r["samples"], .9)
            ratio = f"{p50 / pct(sref, .5):,.1f}x" if sref and name != "stride" else "-"
            row = f"| {name} | {r['n']} | {p50*scale:,.{1 if unit == 'ms' else 3}f} | {p90*scale:,.{1 if unit == 'ms' else 3}f} | {ratio} | {r['check']} |"
            if extra:
                row += (f" {s['results'].get('bulk_points', 'n/a')} | {r['rss_before_kb']/1024:,.0f} | "
                        f"{(r['rss_peak_kb'] - r['rss_before_kb'])/1024:,.1f} | "
                        f"{(r['hwm_after_kb'] - r['hwm_before_kb'])/1024:,.1f} |")
            L.append(row)
        if key.startswith("search-pages"):
            pages = {s["server"]: s["results"].get("pages/" + key.split("/")[1]) for s in sessions if s.get("results")}
            L.append(f"\nPages per pass: {', '.join(f'{k} {v}' for k, v in pages.items())}.")
        if extra:
            L.append("\nRSS is summed over the server's process tree (Stride and fml: one process). Growth = peak of "
                     "VmRSS sampled every 5 ms during all the calls minus VmRSS before the first call; VmHWM growth "
                     "is the change of the (summed) high-water mark across the calls.")

    if "stride" in by and stride:
        L.append("\n## Issue 3 targets (Stride)\n")
        def p50(k):
            r = stride.get(k, {})
            return pct(r["samples"], .5) if r.get("samples") else None
        lim = 0.005 if args.runs <= 10_000 else 0.020
        rows = [("search-filter", f"first page p50 <= {lim*1000:.0f} ms at {args.runs:,} runs", lim, 1000, "ms")]
        if args.runs <= 10_000:
            rows += [(f"search-pages/{n}", f"all pages (max_results {n:,}) <= 0.2 s at 10k runs", 0.2, 1, "s")
                     for n in args.page_size]
        rows += [("history-rest", f"get-history of {args.history_points:,} points <= 0.15 s (target is at 100k)",
                  0.15, 1, "s"),
                 ("bulk-interval", f"bulk-interval from {args.points:,} points <= 20 ms (target is at 1M)",
                  0.020, 1000, "ms")]
        for k, text, limit, sc, u in rows:
            v = p50(k)
            err = stride.get(k, {}).get("error")
            verdict = "not measured" if k.split("/")[0] not in args.scenarios else (
                f"error ({err})" if err else ("PASS" if v is not None and v <= limit and
                                             stride[k]["check"] == "ok" else "FAIL"))
            L.append(f"- {text}: {fmt_n(v * sc if v is not None else None, ',.3f' if u == 's' else ',.1f')} {u} "
                     f"-> {verdict}")
        b = stride.get("bulk-interval", {})
        if "rss_peak_kb" in b:
            g = (b["rss_peak_kb"] - b["rss_before_kb"]) / 1024
            L.append(f"- bulk-interval memory growth < 20 MB: {g:.1f} MB -> {'PASS' if g < 20 else 'FAIL'}")

    cpu = [(s["server"], s["cpu"]) for s in sessions if "cpu" in s]
    if cpu:
        L.append("\n## CPU during the measurements\n")
        L.append("| server | wall s | server CPU % | harness CPU % | other processes CPU % |")
        L.append("|---|---:|---:|---:|---:|")
        for name, c in cpu:
            L.append(f"| {name} | {c['wall_s']:.0f} | {c['server_pct']:.0f} | {c['harness_pct']:.0f} | "
                     f"{c['other_pct']:.0f} |")
        L.append(f"\n100 % = one core of {meta['ncpu']}. 'Other' is everything else on the machine (builds, "
                 "tests): when it is high, that server's numbers are depressed.")
        worst = max(c["other_pct"] for _, c in cpu)
        if worst >= 20:
            L.append(f"\n**Warning:** other processes used up to {worst:.0f} % CPU while servers were measured; "
                     "compare ratios within this run only, and re-run on a quiet machine for absolute numbers.")

    fails = [s for s in sessions if "error" in s] + [
        dict(server=s["server"], error=f"{k}: {r['detail']}") for s in sessions
        for k, r in s.get("results", {}).items() if isinstance(r, dict) and "error" in r]
    if fails:
        L.append("\n## Errors\n")
        for f in fails:
            L.append(f"- {f['server']}: {f['error'][:600]}")
    L.append(f"\nTotal wall time: {meta['wall_s']:.0f} s. Command: `{meta['command']}`")
    return "\n".join(L) + "\n"


# --------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_args(ap, REPO_DIR / ".build-static" / "release" / "stride", 5710)
    ap.add_argument("--postgres-url", default="",
                    help="every server's store on PostgreSQL: a fresh database on this server per server "
                         "(e.g. postgresql://postgres@127.0.0.1:55445/postgres?sslmode=disable; needs psql, and "
                         "psycopg2 in the venv for mlflow); --reuse-data then does not apply")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma list of " + ",".join(SCENARIOS))
    ap.add_argument("--runs", type=int, default=10_000, help="runs in the search experiment")
    ap.add_argument("--points", type=int, default=1_000_000, help="points of the bulk-interval metric")
    ap.add_argument("--history-points", type=int, default=100_000, help="points of the get-history metric")
    ap.add_argument("--reps", type=int, default=20, help="repetitions of single-request scenarios")
    ap.add_argument("--page-reps", type=int, default=3, help="repetitions of paged reads")
    ap.add_argument("--warmup", type=int, default=2, help="discarded first requests of single-request scenarios")
    ap.add_argument("--page-size", default="1000,100",
                    help="comma list of max_results for paging search results (MlflowClient.search_runs uses 1000)")
    ap.add_argument("--scenario-budget", type=float, default=300,
                    help="stop repeating a scenario after this many seconds (at least one repetition)")
    ap.add_argument("--load-threads", type=int, default=4, help="parallel HTTP connections while loading")
    ap.add_argument("--load-sample-runs", type=int, default=300, help="runs loaded to project the HTTP load time")
    ap.add_argument("--load-sample-points", type=int, default=50_000, help="points loaded to project the load time")
    ap.add_argument("--load-budget-min", type=float, default=20,
                    help="longest projected HTTP load (minutes) per part; beyond it mlflow is loaded through "
                         "SQLite and other servers are skipped")
    ap.add_argument("--mlflow-load", choices=("auto", "http", "sql"), default="auto",
                    help="auto: HTTP unless the projection passes the budget; sql: all but one run through SQLite")
    ap.add_argument("--http-timeout", type=float, default=900, help="socket timeout of one request")
    ap.add_argument("--data-root", help="where the servers' data dirs go (default: a new temp dir)")
    ap.add_argument("--keep-data", action="store_true", help="keep the data dirs (with --data-root to reuse them)")
    ap.add_argument("--reuse-data", action="store_true",
                    help="skip loading a server whose data dir under --data-root holds this fixture already")
    ap.add_argument("--stride-label", help="how the report names the Stride build (default: the binary's path and "
                    "the checkout's git revision, which is wrong for a binary built from another commit)")
    add_output_args(ap, "search-<timestamp>")
    args = ap.parse_args()
    if args.report_from:
        sessions, old, meta = load_results(args.report_from)
        print(build_report(sessions, old, meta, expected(old.runs)))
        return 0
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.page_size = [int(n) for n in args.page_size.split(",")]
    check_server_args(ap, args, [s for s in args.scenarios if s not in SCENARIOS])
    args.wrk = "wrk"  # read by ingest.machine_meta (version only)
    if "history-client" in args.scenarios:
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")  # an error is an error, not a retry loop
        os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", str(int(args.http_timeout)))
        try:
            import mlflow.tracking  # noqa: F401  (import cost outside the timed part)
        except ImportError:
            ap.error("history-client needs the mlflow package: run with bench/.venv/bin/python")
    tmp = None
    if not args.data_root:
        tmp = args.data_root = tempfile.mkdtemp(prefix="stride-search-bench-")
    args.data_root = str(Path(args.data_root).resolve())

    t_start = time.monotonic()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = machine_meta(args)
    if args.stride_label and "stride" in meta["versions"]:
        meta["versions"]["stride"] = f"stride ({args.stride_label})"
    meta["mem_gb"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    meta["timestamp"] = stamp
    meta["command"] = " ".join([Path(sys.argv[0]).name] + sys.argv[1:])
    exp = expected(args.runs)
    log(f"fixture: {args.runs:,} runs ({exp['hits']:,} filter hits), {args.history_points:,} + {args.points:,} "
        f"points; data in {args.data_root}")
    ports = PortAllocator(args.base_port)
    sessions = [bench_server(name, args, ports, exp) for name in args.servers]
    meta["wall_s"] = time.monotonic() - t_start
    if tmp and not args.keep_data:
        shutil.rmtree(tmp, ignore_errors=True)

    report = build_report(sessions, args, meta, exp)
    return write_results(args.out_dir, f"search-{stamp}", report, meta, args, sessions)


if __name__ == "__main__":
    sys.exit(main())
