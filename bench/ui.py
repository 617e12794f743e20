#!/usr/bin/env python3
"""Web UI benchmark (issue 6): server time of the runs table at 100,000 runs.

Starts Stride (release build) on a fresh data folder, loads one experiment of --runs runs through the
REST API with bench/search.py's fixture (10 params, 10 metrics, 5 tags per run), restarts Stride on that
data, then times full HTML pages from sending the request to reading the last byte over loopback:

  runs-20cols        /experiments/<id>, 20 picked columns (10 metrics, 9 params, 1 tag), 50 rows,
                     newest first (the experiment's home page)
  runs-sort-metric   the same, sorted by metrics.loss ascending
  runs-filter        the same with `metrics.loss < 0.5 and params.lr = '0.01'`
  runs-min           the same with metric cells showing each run's minimum (aggregate query)
  runs-page-2        the second page through the API's page token
  experiments        /, the experiments list with run counts
  run                /runs/<id>, one run page
  charts             /charts for 10 runs x 10 metrics

Each page runs --repeats times after --warmup discarded requests; the report gives p50/p95/max in ms
and the page size. The report goes to stdout and bench/results/ui-<timestamp>.md (+ .json).
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import HOST, PortAllocator, Server, log, write_results  # noqa: E402
from search import ThreadApis, http_load_run, parallel, run_spec  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
COLUMNS = [f"metrics.{k}" for k in ["loss"] + [f"m{i}" for i in range(1, 10)]] \
    + [f"params.{k}" for k in ["lr"] + [f"p{i}" for i in range(1, 9)]] + ["tags.t0"]
FILTER = "metrics.loss < 0.5 and params.lr = '0.01'"


def get(port: int, path: str) -> tuple[float, int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    t0 = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    secs = time.perf_counter() - t0
    conn.close()
    return secs, response.status, body


def runs_path(exp_id: str, **extra: str) -> str:
    query = [("cols", "1")] + [("col", c) for c in COLUMNS] + list(extra.items())
    return f"/experiments/{exp_id}?" + urlencode(query)


def time_page(port: int, path: str, repeats: int, warmup: int) -> dict:
    for _ in range(warmup):
        get(port, path)
    times, size = [], 0
    for _ in range(repeats):
        secs, status, body = get(port, path)
        if status != 200:
            raise RuntimeError(f"GET {path} -> {status}: {body[:300]!r}")
        times.append(secs * 1000)
        size = len(body)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[max(0, int(len(times) * 0.95) - 1)], "max": times[-1],
            "bytes": size, "n": repeats}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stride-bin", default=str(REPO_DIR / ".build-static" / "release" / "stride"))
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--load-threads", type=int, default=4)
    ap.add_argument("--base-port", type=int, default=5710)
    ap.add_argument("--startup-timeout", type=float, default=120)
    ap.add_argument("--http-timeout", type=float, default=120)
    ap.add_argument("--default-server-logging", action="store_true")
    ap.add_argument("--data", default=str(BENCH_DIR / ".data" / "ui"), help="data folder (reused with --reuse-data)")
    ap.add_argument("--reuse-data", action="store_true", help="skip the load: the data folder already holds the fixture")
    ap.add_argument("--out-dir", default=str(BENCH_DIR / "results"))
    args = ap.parse_args()
    args.stride_bin = str(Path(args.stride_bin).resolve())

    data = Path(args.data).resolve()
    ports = PortAllocator(args.base_port)
    server = Server("stride", args, ports.get(), data)
    session: dict = {"server": "stride", "runs": args.runs}
    if not args.reuse_data:
        log(f"loading {args.runs:,} runs into {data}")
        server.start(fresh=True)
        apis = ThreadApis(server.port, args.http_timeout)
        exp_id = apis.get().create_experiment("ui-bench")
        t0 = time.monotonic()
        ids: dict = {}

        def one(i: int) -> None:
            ids[i] = http_load_run(apis, exp_id, i)

        parallel(args.load_threads, one, range(args.runs))
        session["load_s"] = time.monotonic() - t0
        log(f"  loaded in {session['load_s']:.0f}s")
        apis.close()
        server.stop()
    server.start(fresh=False)
    try:
        port = server.port
        _, _, home = get(port, "/")
        exp_id = re.search(rb'href="/experiments/(\d+)">ui-bench<', home).group(1).decode()
        first = get(port, runs_path(exp_id))[2].decode()
        run_ids = re.findall(r'name="run" value="([0-9a-f]{32})"', first)
        next_href = re.search(r'<a href="([^"]*page=[^"]*)">Next page', first).group(1).replace("&amp;", "&")
        charts = "/charts?" + "&".join(f"run={r}" for r in run_ids[:10])
        pages = {
            "runs-20cols": runs_path(exp_id),
            "runs-sort-metric": runs_path(exp_id, sort="metrics.loss", dir="asc"),
            "runs-filter": runs_path(exp_id, filter=FILTER),
            "runs-min": runs_path(exp_id, mode="min"),
            "runs-page-2": next_href,
            "experiments": "/",
            "run": f"/runs/{run_ids[0]}",
            "charts": charts,
        }
        session["pages"] = {}
        for name, path in pages.items():
            result = time_page(port, path, args.repeats, args.warmup)
            session["pages"][name] = result
            log(f"  {name}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, {result['bytes']:,} bytes")
        rows = len(run_ids)
        if rows != 50 or f'title="{COLUMNS[0]}"' not in first:
            raise RuntimeError(f"the runs table showed {rows} rows or lacks the picked columns")
    finally:
        server.stop()

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    lines = [f"# Web UI benchmark ({stamp})", "", f"Stride `{args.stride_bin}`, {args.runs:,} runs in one experiment, "
             f"{args.repeats} timed requests per page after {args.warmup} warm-up, one connection, loopback.", "",
             "| page | p50 ms | p95 ms | max ms | HTML bytes |", "|---|---:|---:|---:|---:|"]
    for name, r in session["pages"].items():
        lines.append(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | {r['bytes']:,} |")
    rev = subprocess.run(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = {"ncpu": os.cpu_count(), "kernel": platform.release(), "stride_git": rev}
    return write_results(args.out_dir, f"ui-{stamp}", "\n".join(lines) + "\n", meta, args, [session], failed=False)


if __name__ == "__main__":
    sys.exit(main())
