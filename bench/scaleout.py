#!/usr/bin/env python3
"""Several Stride instances on one PostgreSQL database against one (issue 14): log-metric and search
throughput with 1 instance and with N, the clients split evenly across the instances.

No load balancer sits in between: each instance gets its own wrk process, all started together, so
the numbers are the instances' own (a proxy would add its CPU on the same 2 cores). Per instance
count: fresh runs for log-metric; the search fixture (bench/search.py's runs: 10 params, 10 metrics,
5 tags each) is loaded once through the first instance. Reported per configuration: summed 2xx req/s,
wrk's p50 and p99 (the slowest process's), and the CPU per request of the Stride processes and of the
PostgreSQL cluster, plus how busy the whole machine was.

    /work/bench-venv/bin/python bench/scaleout.py --stride-bin /work/bench-bin/stride-main \
        --postgres-url postgresql://postgres@127.0.0.1:55445/postgres?sslmode=disable \
        --postgres-pid-file /tmp/bench-pg/data/postmaster.pid

Standard library only (plus bench/ingest.py and bench/search.py); binds to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import (API, HOST, WRK_DIR, Api, PortAllocator, Server, children_cpu_s, fresh_postgres_database,  # noqa: E402
                    log, machine_busy_s, parse_wrk, postgres_cpu_s, tree_cpu_s)
from search import FILTER, ThreadApis, http_load_run, parallel  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent


def run_wrks(args, jobs: list[tuple[int, str, list[str]]], clients: int, servers: list[Server]) -> dict:
    """Runs one wrk per (port, script, script args) at once; sums their answers and the CPU used."""
    threads = min(clients, 2)
    cmds = [[args.wrk, f"-t{threads}", f"-c{clients}", f"-d{args.duration}s", "--timeout", "10s", "--latency",
             "-s", str(WRK_DIR / script), f"http://{HOST}:{port}", "--", *script_args]
            for port, script, script_args in jobs]
    sids = [s.proc.pid for s in servers]
    srv0, pg0, busy0, wrk0 = (sum(tree_cpu_s(i) for i in sids), postgres_cpu_s(args.postgres_pid_file),
                              machine_busy_s(), children_cpu_s())
    t0 = time.monotonic()
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL) for c in cmds]
    timers = [threading.Timer(args.duration + 30, p.kill) for p in procs]  # hard bound even if wrk hangs
    for t in timers:
        t.start()
    outs = [p.communicate() for p in procs]
    for t in timers:
        t.cancel()
    wall = time.monotonic() - t0
    srv = sum(tree_cpu_s(i) for i in sids) - srv0
    pg = postgres_cpu_s(args.postgres_pid_file) - pg0
    wrk = children_cpu_s() - wrk0
    busy = machine_busy_s() - busy0
    parsed = []
    for p, (out, err) in zip(procs, outs):
        r = parse_wrk(out.decode(errors="replace"))
        if p.returncode != 0 or "requests" not in r:
            raise RuntimeError(f"wrk failed (rc={p.returncode}): {err.decode()[-600:]}")
        parsed.append(r)
    ok = sum(r["requests"] - r["non2xx"] for r in parsed)
    errors = sum(r["non2xx"] + r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"]
                 for r in parsed)
    secs = max(r["duration_us"] for r in parsed) / 1e6
    return {"ok_rps": ok / secs, "errors": errors, "p50_ms": max(r["lat_p50_us"] for r in parsed) / 1000,
            "p99_ms": max(r["lat_p99_us"] for r in parsed) / 1000,
            "stride_us_per_req": 1e6 * srv / max(ok, 1), "pg_us_per_req": 1e6 * pg / max(ok, 1),
            "stride_cpu_pct": 100 * srv / wall, "pg_cpu_pct": 100 * pg / wall, "wrk_cpu_pct": 100 * wrk / wall,
            "machine_busy_pct": 100 * busy / wall, "wall_s": wall, "per_instance_rps": [
                (r["requests"] - r["non2xx"]) / (r["duration_us"] / 1e6) for r in parsed]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stride-bin", required=True)
    ap.add_argument("--postgres-url", required=True, help="a PostgreSQL server; the script creates a fresh database on it")
    ap.add_argument("--postgres-pid-file", default="", help="the cluster's postmaster.pid, to report its CPU")
    ap.add_argument("--instances", default="1,2", help="comma list of instance counts to measure")
    ap.add_argument("--clients-per-instance", type=int, default=4)
    ap.add_argument("--ops", default="log-metric,search")
    ap.add_argument("--search-runs", type=int, default=2000, help="runs in the searched experiment")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--base-port", type=int, default=5650)
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--data-root", default=str(BENCH_DIR / ".data" / "scaleout"))
    ap.add_argument("--out-dir", default=str(BENCH_DIR / "results"))
    args = ap.parse_args()
    args.ops = args.ops.split(",")
    counts = [int(n) for n in args.instances.split(",")]
    # read by ingest.Server: every instance gets the same database, not a fresh one each
    args.stride_bin = str(Path(args.stride_bin).resolve())
    args.mlflow_workers, args.mlflow_no_jobs, args.default_server_logging, args.startup_timeout = 1, False, False, 60
    database = fresh_postgres_database(args.postgres_url, "scaleout")
    ports = PortAllocator(args.base_port)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    results: list[dict] = []
    servers: list[Server] = []
    try:
        for i in range(max(counts)):
            srv = Server("stride", args, ports.get(), Path(args.data_root) / f"instance{i}")
            srv.store = database
            srv.start(fresh=False)
            servers.append(srv)
            log(f"instance {i} on port {srv.port}")
        api = Api(servers[0].port)
        exp = api.create_experiment(f"scaleout-{stamp}")
        apis = ThreadApis(servers[0].port, 300)
        t0 = time.monotonic()
        parallel(4, lambda i: http_load_run(apis, exp, i), range(args.search_runs))
        apis.close()
        log(f"loaded {args.search_runs} runs in {time.monotonic() - t0:.1f}s")
        # Statistics for the freshly loaded tables, as autovacuum would gather within a minute or two:
        # without them PostgreSQL estimates one row everywhere and plans the filtered search as nested
        # loops over every run (2-8 s a page on 2026-12-04), which measures the missing statistics.
        subprocess.run(["psql", database, "-v", "ON_ERROR_STOP=1", "-qc", "ANALYZE"], check=True, capture_output=True, timeout=300)
        body = json.dumps({"experiment_ids": [exp], "filter": FILTER, "max_results": 100,
                           "order_by": ["metrics.loss ASC"], "run_view_type": "ACTIVE_ONLY"})
        base_ts = int(time.time() * 1000)
        for n in counts:
            for op in args.ops:
                c = args.clients_per_instance
                def jobs():
                    nonlocal base_ts
                    base_ts += 10_000_000
                    if op == "search":
                        return [(s.port, "search.lua", [API + "/runs/search", body]) for s in servers[:n]]
                    return [(s.port, "log_metric.lua", [API + "/runs/log-metric",
                                                        ",".join(api.create_run(exp) for _ in range(c)),
                                                        str(min(c, 2)), str(base_ts)]) for s in servers[:n]]
                if args.warmup:
                    saved, args.duration = args.duration, args.warmup
                    run_wrks(args, jobs(), c, servers[:n])
                    args.duration = saved
                r = run_wrks(args, jobs(), c, servers[:n])
                r.update(instances=n, op=op, clients=c * n)
                results.append(r)
                log(f"{n} instance(s), {op}, {c * n} clients: {r['ok_rps']:,.0f} req/s, "
                    f"Stride {r['stride_us_per_req']:.0f} µs/req, PG {r['pg_us_per_req']:.0f} µs/req, "
                    f"machine {r['machine_busy_pct']:.0f} %")
    finally:
        for s in servers:
            s.stop()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    L = [f"# Scale-out benchmark {stamp}\n",
         f"Stride `{args.stride_bin}` × instances on one PostgreSQL database (`{args.postgres_url}`); "
         f"{args.clients_per_instance} wrk connections per instance (`-t2`), {args.duration} s per cell after "
         f"{args.warmup} s warm-up; search = `{FILTER}` by `metrics.loss`, first page of 100 over "
         f"{args.search_runs:,} runs. Load average at the end: {' '.join(load)}. 100 % CPU = one of 2 cores.\n",
         "| instances | operation | clients | req/s | per instance | vs 1 instance | p50 ms | p99 ms "
         "| Stride µs/req | PG µs/req | Stride CPU % | PG CPU % | wrk CPU % | machine busy % | errors |",
         "|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        one = next((x for x in results if x["op"] == r["op"] and x["instances"] == 1), None)
        vs_one = f"{r['ok_rps'] / one['ok_rps']:.2f}x" if one else "-"
        L.append(f"| {r['instances']} | {r['op']} | {r['clients']} | {r['ok_rps']:,.0f} | "
                 f"{' + '.join(f'{x:,.0f}' for x in r['per_instance_rps'])} | {vs_one} | "
                 f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['stride_us_per_req']:,.0f} | {r['pg_us_per_req']:,.0f} | "
                 f"{r['stride_cpu_pct']:.0f} | {r['pg_cpu_pct']:.0f} | {r['wrk_cpu_pct']:.0f} | "
                 f"{r['machine_busy_pct']:.0f} | {r['errors']} |")
    report = "\n".join(L) + "\n"
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"scaleout-{stamp}.md").write_text(report)
    (out / f"scaleout-{stamp}.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=1))
    print(report)
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
