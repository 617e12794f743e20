#!/usr/bin/env python3
"""Side-by-side ingest benchmark: Stride vs `mlflow server` vs FastTrackML (`fml server`).

For every repetition and every server (order rotated per repetition) it:
  1. starts the server on 127.0.0.1 with a fresh data dir and times process start -> first 200 on /health;
  2. samples the RSS of the server's whole process tree (5 Hz) and records the idle RSS;
  3. for each operation (create-run, log-metric, log-batch) and client count (1, 4):
     creates fresh runs through the API, runs an optional short warm-up, then runs wrk for --duration
     seconds with a Lua script that builds unique request bodies, and checks through the API that the
     server really stored what it acknowledged;
  4. stops the server (SIGTERM to its own process group, SIGKILL after a grace period).
Then it prints a markdown table of medians and ratios and writes it to bench/results/<timestamp>.md
(plus the raw numbers as <timestamp>.json).

Only loopback is used; every wrk run is bounded by --duration and a hard subprocess timeout.
Standard library only, so it runs with any python3 (the venv is only needed for mlflow/fml).
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
WRK_DIR = BENCH_DIR / "wrk"
HOST = "127.0.0.1"
API = "/api/2.0/mlflow"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

OPS = {
    # op name: (wrk script, API path, points per request)
    "create-run": ("create_run.lua", API + "/runs/create", 0),
    "log-metric": ("log_metric.lua", API + "/runs/log-metric", 1),
    "log-batch": ("log_batch.lua", API + "/runs/log-batch", 1000),
}
# stride-base: a second Stride binary (--stride-base-bin, e.g. main's build) measured in the same run
ALL_SERVERS = ["stride", "stride-base", "mlflow", "fml"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# /proc helpers: the server's process tree is its session (we start it with start_new_session).
# --------------------------------------------------------------------------------------------

def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    return s[s.rindex(")") + 2:].split()  # fields from #3 (state) on


def session_pids(sid: int) -> list[int]:
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            f = _stat_fields(int(name))
            if f and int(f[3]) == sid:  # field 6: session
                pids.append(int(name))
    return pids


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kb(sid: int) -> tuple[int, int]:
    """(sum of VmRSS over the process tree, number of processes)."""
    pids = session_pids(sid)
    return sum(_status_kb(p, "VmRSS") for p in pids), len(pids)


def tree_hwm_kb(sid: int) -> int:
    """Sum of VmHWM (per-process peak RSS) over the tree: an upper bound of the tree's peak."""
    return sum(_status_kb(p, "VmHWM") for p in session_pids(sid))


def tree_cpu_s(sid: int) -> float:
    total = 0
    for p in session_pids(sid):
        f = _stat_fields(p)
        if f:
            total += int(f[11]) + int(f[12])  # utime, stime
    return total / CLK_TCK


def postgres_cpu_s(pid_file: str) -> float:
    """CPU seconds of a PostgreSQL cluster: the postmaster (with its reaped children) and its live backends."""
    if not pid_file:
        return 0.0
    try:
        postmaster = int(Path(pid_file).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    total = 0
    for name in os.listdir("/proc"):
        f = _stat_fields(int(name)) if name.isdigit() else None
        if f and (int(name) == postmaster or int(f[1]) == postmaster):  # field 4: parent pid
            total += int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if int(name) == postmaster else 0)
    return total / CLK_TCK


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
    return (sum(v[:8]) - idle) / CLK_TCK       # user nice system idle iowait irq softirq steal


class RssSampler(threading.Thread):
    def __init__(self, sid: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.sid, self.interval = sid, interval
        self.peak_kb = 0
        self.max_procs = 0
        self._stop_evt = threading.Event()

    def run(self) -> None:
        while not self._stop_evt.is_set():
            kb, n = tree_rss_kb(self.sid)
            self.peak_kb = max(self.peak_kb, kb)
            self.max_procs = max(self.max_procs, n)
            self._stop_evt.wait(self.interval)

    def stop(self) -> None:
        self._stop_evt.set()
        self.join(2)


# --------------------------------------------------------------------------------------------
# Small HTTP client for setup and verification (persistent loopback connection).
# --------------------------------------------------------------------------------------------

class ApiError(RuntimeError):
    def __init__(self, short: str, body: bytes):
        super().__init__(f"{short}: {body!r}")
        self.short = short


class Api:
    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def call(self, method: str, endpoint: str, payload: dict | None = None) -> dict:
        if method == "GET":
            path = API + endpoint + ("?" + urlencode(payload, doseq=True) if payload else "")
            status, data = self._request("GET", path, None, {})
        else:
            status, data = self._request(method, API + endpoint, json.dumps(payload or {}).encode(),
                                         {"Content-Type": "application/json"})
        if status != 200:
            raise ApiError(f"{method} {endpoint} -> HTTP {status}", data[:300])
        return json.loads(data or b"{}")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # MLflow REST calls used by the harness
    def create_experiment(self, name: str) -> str:
        return str(self.call("POST", "/experiments/create", {"name": name})["experiment_id"])

    def create_run(self, exp_id: str) -> str:
        r = self.call("POST", "/runs/create", {"experiment_id": exp_id, "user_id": "bench",
                                                "start_time": int(time.time() * 1000)})
        info = r["run"]["info"]
        return info.get("run_id") or info["run_uuid"]

    def count_history(self, run_id: str, key: str, deadline: float) -> int:
        n, token = 0, None
        while True:
            q = {"run_id": run_id, "metric_key": key, "max_results": 25000}
            if token:
                q["page_token"] = token
            r = self.call("GET", "/metrics/get-history", q)
            n += len(r.get("metrics", []))
            token = r.get("next_page_token")
            if not token or time.monotonic() > deadline:
                return n

    def count_runs(self, exp_id: str, deadline: float) -> int:
        n, token = 0, None
        while True:
            q = {"experiment_ids": [exp_id], "max_results": 1000, "run_view_type": "ALL"}
            if token:
                q["page_token"] = token
            r = self.call("POST", "/runs/search", q)
            n += len(r.get("runs", []))
            token = r.get("next_page_token")
            if not token or time.monotonic() > deadline:
                return n


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------

def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
            return True
        except OSError:
            return False


class PortAllocator:
    def __init__(self, base: int):
        self.next = base

    def get(self) -> int:
        for _ in range(500):
            p = self.next
            self.next += 1
            if port_is_free(p):
                return p
        raise RuntimeError("no free port found")


def fresh_postgres_database(server_url: str, name: str) -> str:
    """--postgres-url: a new, empty database for one server start (psql creates it); returns its URI."""
    # Server names such as "stride-base" hold characters an unquoted identifier may not.
    database = f"bench_{name.replace('-', '_')}_{int(time.time() * 1000)}"
    subprocess.run(["psql", server_url, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {database}"],
                   check=True, capture_output=True, timeout=60)
    base, _, query = server_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + database + (f"?{query}" if query else "")


def store_uri(name: str, args, data: Path) -> str:
    """The backend store of one server: a file in its data dir, or (--postgres-url) a new PostgreSQL database."""
    if getattr(args, "postgres_url", ""):
        uri = fresh_postgres_database(args.postgres_url, name)
        # mlflow reaches PostgreSQL through SQLAlchemy and psycopg2 (pip psycopg2-binary in its venv);
        # fml's own spelling is postgres:// (as in its documentation)
        scheme = {"mlflow": "postgresql+psycopg2://", "fml": "postgres://"}.get(name, "postgresql://")
        return uri.replace("postgresql://", scheme, 1)
    # fml parses the URI as a URL: sqlite:///abs/path is the absolute path /abs/path, while
    # sqlite:////abs/path (mlflow's spelling, which Stride also reads) fails with "invalid uri authority".
    return f"sqlite://{data}/fml.db" if name == "fml" else f"sqlite:///{data}/{name}.db"


def server_command(name: str, args, port: int, data: Path, store: str) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if name in ("stride", "stride-base"):
        binary = args.stride_bin if name == "stride" else args.stride_base_bin
        cmd = [binary, "server", "--host", HOST, "--port", str(port),
               "--backend-store-uri", store,
               "--artifacts-destination", str(data / "artifacts")]
    elif name == "mlflow":
        cmd = [args.mlflow_bin, "server", "--host", HOST, "--port", str(port),
               "--workers", str(args.mlflow_workers),
               "--backend-store-uri", store,
               "--artifacts-destination", str(data / "artifacts")]
        if not args.default_server_logging:
            cmd += ["--uvicorn-opts", "--no-access-log"]
        if args.mlflow_no_jobs:
            env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    elif name == "fml":
        # fml's flags (fasttrackml 0.5.0): -a/--listen-address host:port, -d/--database-uri.
        cmd = [args.fml_bin, "server", "--listen-address", f"{HOST}:{port}",
               "--database-uri", store,
               "--default-artifact-root", str(data / "artifacts")]
        if not args.default_server_logging:
            cmd += ["--log-level", "warning"]  # info logs one line per request
    else:
        raise ValueError(name)
    return cmd, env


class Server:
    def __init__(self, name: str, args, port: int, data: Path):
        self.name, self.args, self.port, self.data = name, args, port, data
        self.proc: subprocess.Popen | None = None
        self.sampler: RssSampler | None = None
        self.startup_s: float | None = None
        self.store: str | None = None

    def start(self, fresh: bool = True) -> None:
        """Start and wait for /health. fresh=False keeps the data dir (a restart on existing data)."""
        if fresh and self.data.exists():
            shutil.rmtree(self.data)
        (self.data / "artifacts").mkdir(parents=True, exist_ok=True)
        if fresh or self.store is None:  # a restart keeps its store (on PostgreSQL: the same database)
            self.store = store_uri(self.name, self.args, self.data)
        cmd, env = server_command(self.name, self.args, self.port, self.data, self.store)
        self.logf = open(self.data / "server.log", "wb" if fresh else "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, cwd=self.data, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=subprocess.STDOUT, start_new_session=True)
        self.sampler = RssSampler(self.proc.pid)
        self.sampler.start()
        deadline = t0 + self.args.startup_timeout
        while True:
            if self.proc.poll() is not None:
                self.logf.flush()
                tail = (self.data / "server.log").read_text(errors="replace")[-600:]
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} during startup: {tail}")
            try:
                c = http.client.HTTPConnection(HOST, self.port, timeout=2)
                c.request("GET", "/health")
                ok = c.getresponse().status == 200
                c.close()
                if ok:
                    self.startup_s = time.monotonic() - t0
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready after {self.args.startup_timeout}s")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.sampler:
            self.sampler.stop()
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own child's process group only
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.proc is None:
            return
        # stragglers of the same session (e.g. mlflow's job-runner children)
        for _ in range(50):
            if not session_pids(self.proc.pid):
                break
            time.sleep(0.1)
        else:
            for p in session_pids(self.proc.pid):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.logf.close()


# --------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------

_UNIT_US = {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}


def _lat_us(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m|h)$", text)
    return float(m.group(1)) * _UNIT_US[m.group(2)] if m else float("nan")


def parse_wrk(out: str) -> dict:
    r: dict = {}
    m = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    r["rps_text"] = float(m.group(1)) if m else None
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        r[f"p{pct}_text_us"] = _lat_us(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"^BENCH_JSON (\{.*\})$", out, re.M)
    if m:
        r.update(json.loads(m.group(1)))
    return r


def run_wrk(args, port: int, op: str, clients: int, script_args: list[str], duration: float,
            sid: int) -> dict:
    script, path, _ = OPS[op]
    threads = min(clients, args.wrk_threads)
    cmd = [args.wrk, f"-t{threads}", f"-c{clients}", f"-d{max(1, round(duration))}s", "--timeout", "10s", "--latency",
           "-s", str(WRK_DIR / script), f"http://{HOST}:{port}", "--", path, *script_args]
    pg0 = postgres_cpu_s(args.postgres_pid_file)
    cpu0, busy0, t0 = tree_cpu_s(sid), machine_busy_s(), time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    timer = threading.Timer(duration + 30, p.kill)  # hard bound even if wrk hangs
    timer.start()
    out_b, err_b = p.communicate()
    timer.cancel()
    wall = time.monotonic() - t0
    res = parse_wrk(out_b.decode(errors="replace"))
    res["server_cpu_s"] = tree_cpu_s(sid) - cpu0
    res["postgres_cpu_s"] = postgres_cpu_s(args.postgres_pid_file) - pg0
    res["machine_busy_s"] = machine_busy_s() - busy0
    res["wall_s"] = wall
    res["returncode"] = p.returncode
    res["threads"], res["clients"] = threads, clients
    if p.returncode != 0 or "requests" not in res:
        raise RuntimeError(f"wrk failed (rc={p.returncode}): {err_b.decode()[-800:]} {out_b.decode()[-800:]}")
    return res


def children_cpu_s() -> float:
    ru = os.times()
    return ru.children_user + ru.children_system


# --------------------------------------------------------------------------------------------
# One server session: start, all cells, stop
# --------------------------------------------------------------------------------------------

def bench_server(name: str, args, ports: PortAllocator, rep: int) -> dict:
    data = Path(args.data_root).resolve() / f"{name}-rep{rep}"
    port = ports.get()
    srv = Server(name, args, port, data)
    session: dict = {"server": name, "rep": rep, "port": port, "cells": []}
    log(f"rep {rep}: starting {name} on {HOST}:{port}")
    try:
        srv.start()
        sid = srv.proc.pid
        session["startup_s"] = srv.startup_s
        log(f"  {name} ready in {srv.startup_s:.2f}s")
        # idle = after the tree stops using CPU (mlflow keeps spawning its job runner after /health is up)
        time.sleep(1.0)
        t_settle = time.monotonic()
        quiesce(sid, args.idle_settle)
        session["settle_s"] = 1.0 + time.monotonic() - t_settle
        samples = []
        for _ in range(5):
            samples.append(tree_rss_kb(sid))
            time.sleep(0.1)
        session["idle_rss_kb"] = statistics.median(s[0] for s in samples)
        session["procs"] = max(s[1] for s in samples)
        api = Api(port)
        exp_id = api.create_experiment(f"bench-{name}-{rep}-{int(time.time())}")
        base_ts = int(time.time() * 1000)
        for op in args.ops:
            for clients in args.clients:
                threads = min(clients, args.wrk_threads)
                base_ts += 10_000_000  # disjoint timestamps per cell
                # fresh targets for this cell: own experiment (create-run) or own runs (log-*)
                if op == "create-run":
                    mk = lambda: [api.create_experiment(f"cr-{clients}-{rep}-{time.time_ns()}"),  # noqa: E731
                                  str(base_ts)]
                else:
                    mk = lambda: [",".join(api.create_run(exp_id) for _ in range(clients)),  # noqa: E731
                                  str(threads), str(base_ts)]
                if args.warmup > 0:
                    run_wrk(args, port, op, clients, mk(), args.warmup, sid)
                script_args = mk()
                c0 = children_cpu_s()  # wrk is reaped by communicate(), so its CPU lands here
                res = run_wrk(args, port, op, clients, script_args, args.duration, sid)
                res["wrk_cpu_s"] = children_cpu_s() - c0
                # CPU used by anything else on the machine (other builds, tests): noise indicator
                res["other_cpu_s"] = max(0.0, res["machine_busy_s"] - res["server_cpu_s"] - res["wrk_cpu_s"]
                                         - res["postgres_cpu_s"])
                res["op"] = op
                ok = res["requests"] - res["non2xx"]
                res["ok_rps"] = ok / (res["duration_us"] / 1e6)
                res["points_per_s"] = res["ok_rps"] * OPS[op][2]
                res["errors"] = (res["non2xx"] + res["errors_connect"] + res["errors_read"]
                                 + res["errors_write"] + res["errors_timeout"])
                if args.verify:
                    quiesce(sid)  # let requests still in flight when wrk stopped finish
                    res["verify"] = verify_cell(api, op, script_args, ok, clients)
                session["cells"].append(res)
                log(f"  {name:6s} {op:10s} c={clients}: {res['ok_rps']:9.1f} req/s"
                    + (f" = {res['points_per_s']:10.0f} pts/s" if OPS[op][2] > 1 else "")
                    + f"  p50 {res['lat_p50_us']/1000:7.2f} ms  p99 {res['lat_p99_us']/1000:7.2f} ms"
                    + f"  srv cpu {100*res['server_cpu_s']/res['wall_s']:4.0f}%"
                    + f"  wrk cpu {100*res['wrk_cpu_s']/res['wall_s']:4.0f}%"
                    + f"  other cpu {100*res['other_cpu_s']/res['wall_s']:4.0f}%"
                    + (f"  ERRORS {res['errors']}" if res["errors"] else "")
                    + (f"  verify: {res['verify']['status']}" if args.verify else ""))
        api.close()
        # RSS once the workloads are over and the server has gone quiet: what it keeps, not its peak
        quiesce(sid, args.idle_settle)
        after = []
        for _ in range(5):
            after.append(tree_rss_kb(sid)[0])
            time.sleep(0.1)
        session["after_rss_kb"] = statistics.median(after)
        session["peak_rss_kb"] = srv.sampler.peak_kb
        session["hwm_sum_kb"] = tree_hwm_kb(sid)
        session["max_procs"] = srv.sampler.max_procs
    except Exception as e:  # keep going with the other servers; the report shows the failure
        session["error"] = f"{type(e).__name__}: {e}"
        log(f"  {name} FAILED: {session['error']}")
    finally:
        srv.stop()
        if not args.keep_data and data.exists():
            shutil.rmtree(data, ignore_errors=True)
    return session


def quiesce(sid: int, limit_s: float = 5.0) -> None:
    """Wait (at most limit_s) until the server tree has used < 20 ms CPU in a 200 ms window."""
    end = time.monotonic() + limit_s
    last = tree_cpu_s(sid)
    while time.monotonic() < end:
        time.sleep(0.2)
        now = tree_cpu_s(sid)
        if now - last < 0.02:
            return
        last = now


def verify_cell(api: Api, op: str, script_args: list[str], ok: int, clients: int) -> dict:
    """Check that acknowledged writes were stored. Requests still in flight when wrk stopped may be
    stored without being counted, so stored may exceed ok by up to one request per connection
    (wrk also builds one request per script state that it never sends; that does not matter)."""
    deadline = time.monotonic() + 60
    t0 = time.monotonic()
    try:
        if op == "create-run":
            stored = api.count_runs(script_args[0], deadline)
        elif op == "log-metric":
            stored = sum(api.count_history(r, "loss", deadline) for r in script_args[0].split(","))
        else:  # log-batch: 100 points per key per request; all keys must agree
            per_key = []
            for key in ("m0", "m9"):
                per_key.append(sum(api.count_history(r, key, deadline) for r in script_args[0].split(",")))
            if per_key[0] != per_key[1]:
                return {"status": f"MISMATCH m0={per_key[0]} m9={per_key[1]}", "secs": time.monotonic() - t0}
            stored = per_key[0] / 100
    except Exception as e:
        short = e.short if isinstance(e, ApiError) else f"{type(e).__name__}: {str(e)[:80]}"
        return {"status": f"unverified ({short})", "detail": str(e), "secs": time.monotonic() - t0}
    if time.monotonic() > deadline:
        status = "timeout"
    elif ok <= stored <= ok + clients:
        status = "ok"
    else:
        status = f"MISMATCH stored={stored:g} acked={ok}"
    return {"status": status, "stored_requests": stored, "acked": ok, "secs": time.monotonic() - t0}


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec=",.0f", none="n/a"):
    return none if x is None else format(x, spec)


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


def build_report(sessions: list[dict], args, meta: dict) -> str:
    servers = [s for s in args.servers if any(x["server"] == s for x in sessions)]
    cells: dict = {}
    for s in sessions:
        for c in s.get("cells", []):
            cells.setdefault((s["server"], c["op"], c["clients"]), []).append(c)
    rows = {}
    for key, cs in cells.items():
        rows[key] = {
            "rps": med([c["ok_rps"] for c in cs]),
            "pts": med([c["points_per_s"] for c in cs]),
            "p50": med([c["lat_p50_us"] for c in cs]),
            "p99": med([c["lat_p99_us"] for c in cs]),
            "srv_cpu": med([100 * c["server_cpu_s"] / c["wall_s"] for c in cs]),
            "srv_us": med([1e6 * c["server_cpu_s"] / max(1, c["requests"]) for c in cs]),
            "pg_us": med([1e6 * c.get("postgres_cpu_s", 0) / max(1, c["requests"]) for c in cs]),
            "wrk_cpu": med([100 * c["wrk_cpu_s"] / c["wall_s"] for c in cs]),
            "other_cpu": med([100 * c["other_cpu_s"] / c["wall_s"] for c in cs if "other_cpu_s" in c]),
            "errors": sum(c["errors"] for c in cs),
            "n": len(cs),
            "all_rps": [c["ok_rps"] for c in cs],
            "verify": sorted({c.get("verify", {}).get("status", "-") for c in cs}),
        }

    def ratio(server, op, clients, base):
        a, b = rows.get((server, op, clients)), rows.get((base, op, clients))
        if not a or not b or not a["rps"] or not b["rps"]:
            return None
        return a["rps"] / b["rps"]

    L = []
    L.append(f"# Ingest benchmark {meta['timestamp']}\n")
    L.append(f"Machine: {meta['cpu']} ({meta['ncpu']} cores), {meta['kernel']}; wrk {meta['wrk']}. ")
    L.append(f"Servers: {', '.join(meta['versions'].get(s, s) for s in servers)}. ")
    L.append(f"mlflow: `--workers {args.mlflow_workers}`"
             + ("" if args.default_server_logging else ", uvicorn `--no-access-log`")
             + (", job execution disabled" if args.mlflow_no_jobs else ", job runner (huey) on (default)")
             + "; fml" + ("" if args.default_server_logging else ": `--log-level warning`")
             + ("; all on PostgreSQL (a fresh database on the same cluster per server start)"
                if getattr(args, "postgres_url", "") else "; all SQLite on the same disk") + ".\n")
    L.append(f"Each cell: {args.duration:g} s of wrk `--timeout 10s --latency` after {args.warmup:g} s warm-up; "
             f"1 client = `-t1 -c1`, 4 clients = `-t{min(4, args.wrk_threads)} -c4`; "
             f"{args.repeats} repetitions, each server restarted with a fresh data dir per repetition. "
             "Numbers are medians over repetitions; req/s counts 2xx answers only.\n")

    L.append("\n## Throughput and latency (medians)\n")
    L.append("| server | operation | clients | req/s | points/s | p50 ms | p99 ms | vs mlflow | vs fml "
             "| srv CPU % | srv CPU µs/req | PG CPU µs/req | wrk CPU % | other CPU % | errors | verified |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for op in args.ops:
        for clients in args.clients:
            for server in servers:
                r = rows.get((server, op, clients))
                if not r:
                    continue
                rm, rf = ratio(server, op, clients, "mlflow"), ratio(server, op, clients, "fml")
                L.append(f"| {server} | {op} | {clients} | {fmt(r['rps'], ',.1f')} | "
                         f"{fmt(r['pts'] if OPS[op][2] else None)} | {fmt(r['p50'] / 1000, '.2f')} | "
                         f"{fmt(r['p99'] / 1000, '.2f')} | {fmt_ratio(rm)} | {fmt_ratio(rf)} | "
                         f"{fmt(r['srv_cpu'], '.0f')} | {fmt(r['srv_us'], ',.0f')} | "
                         f"{fmt(r['pg_us'] if getattr(args, 'postgres_pid_file', '') else None, ',.0f', '-')} | "
                         f"{fmt(r['wrk_cpu'], '.0f')} | "
                         f"{fmt(r['other_cpu'], '.0f')} | {r['errors']} | "
                         f"{' '.join(r['verify'])} |")

    busy = [r["other_cpu"] for r in rows.values() if r["other_cpu"] is not None]
    if busy and max(busy) >= 20:
        L.append(f"\n**Warning:** other processes used up to {max(busy):.0f} % CPU (100 % = one of "
                 f"{os.cpu_count()} cores) during some cells; those numbers are depressed. Re-run on a quiet machine.")
    L.append("\n## Startup and memory (medians)\n")
    L.append("| server | start -> first 200 (s) | then CPU-idle after (s) | idle RSS MB | RSS after the workloads MB "
             "| peak RSS MB (sampled) | sum VmHWM MB | processes |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for server in servers:
        ss = [s for s in sessions if s["server"] == server and "error" not in s]
        if not ss:
            continue
        L.append(f"| {server} | {fmt(med([s['startup_s'] for s in ss]), '.2f')} | "
                 f"{fmt(med([s['settle_s'] for s in ss]), '.1f')} | "
                 f"{fmt(med([s['idle_rss_kb'] / 1024 for s in ss]), '.0f')} | "
                 f"{fmt(med([s['after_rss_kb'] / 1024 for s in ss if 'after_rss_kb' in s]), '.0f')} | "
                 f"{fmt(med([s['peak_rss_kb'] / 1024 for s in ss]), '.0f')} | "
                 f"{fmt(med([s['hwm_sum_kb'] / 1024 for s in ss]), '.0f')} | "
                 f"{max(s['max_procs'] for s in ss)} |")
    L.append("\nRSS is summed over the server's whole process tree (its session), sampled every 0.2 s; "
             "sum VmHWM adds each process's own peak (an upper bound).")

    if "stride" in servers:
        L.append("\n## Targets (Stride, same run)\n")
        for op in ("create-run", "log-metric"):
            for clients in args.clients:
                rf = ratio("stride", op, clients, "fml")
                if rf is not None:
                    L.append(f"- {op}, {clients} client(s): {rf:.1f}x FastTrackML (target >= 10x): "
                             f"{'PASS' if rf >= 10 else 'FAIL'}")
        for clients in args.clients:
            r = rows.get(("stride", "log-batch", clients))
            if r and r["pts"] is not None:
                L.append(f"- log-batch, {clients} client(s): {r['pts']:,.0f} points/s (target >= 150,000): "
                         f"{'PASS' if r['pts'] >= 150_000 else 'FAIL'}")

    failures = [s for s in sessions if "error" in s]
    if failures:
        L.append("\n## Failures\n")
        for s in failures:
            L.append(f"- {s['server']} rep {s['rep']}: {s['error']}")

    L.append("\n## Per-repetition req/s\n")
    L.append("| server | operation | clients | " + " | ".join(f"rep {i}" for i in range(1, args.repeats + 1)) + " |")
    L.append("|---|---|---:|" + "---:|" * args.repeats)
    for op in args.ops:
        for clients in args.clients:
            for server in servers:
                r = rows.get((server, op, clients))
                if r:
                    L.append(f"| {server} | {op} | {clients} | "
                             + " | ".join(fmt(x, ',.1f') for x in r["all_rps"]) + " |")
    L.append(f"\nTotal wall time: {meta['wall_s']:.0f} s. Command: `{meta['command']}`")
    return "\n".join(L) + "\n"


def machine_meta(args) -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name, cmd in (("mlflow", [args.mlflow_bin, "--version"]), ("fml", [args.fml_bin, "--version"])):
        if name in args.servers:
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
                versions[name] = out.splitlines()[-1] if out else name
            except (OSError, subprocess.SubprocessError):
                versions[name] = name
    if "stride" in args.servers:
        try:
            rev = subprocess.run(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"],
                                 capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            rev = "?"
        versions["stride"] = f"stride ({args.stride_bin}, git {rev or '?'})"
    if "stride-base" in args.servers:
        versions["stride-base"] = f"stride ({args.stride_base_bin})"
    try:
        wrkv = subprocess.run([args.wrk, "-v"], capture_output=True, text=True, timeout=10)
        wrkv = (wrkv.stdout + wrkv.stderr).split()[1]
    except (OSError, subprocess.SubprocessError, IndexError):
        wrkv = "?"
    return {"cpu": cpu, "ncpu": os.cpu_count(), "kernel": platform.release(), "versions": versions, "wrk": wrkv}


# --------------------------------------------------------------------------------------------
# Command line and output pieces shared with search.py
# --------------------------------------------------------------------------------------------

def add_server_args(ap: argparse.ArgumentParser, stride_bin: Path, base_port: int) -> None:
    """Options choosing the servers and how they are started (read by server_command and Server)."""
    venv_bin = BENCH_DIR / ".venv" / "bin"
    ap.add_argument("--servers", default="stride,mlflow,fml", help="comma list of stride,mlflow,fml")
    ap.add_argument("--stride-bin", default=str(stride_bin))
    ap.add_argument("--stride-base-bin", default="",
                    help="the Stride binary the stride-base server runs (a baseline build, measured in the same run)")
    ap.add_argument("--mlflow-bin", default=str(venv_bin / "mlflow"))
    ap.add_argument("--fml-bin", default=str(venv_bin / "fml"))
    ap.add_argument("--mlflow-workers", type=int, default=1)
    ap.add_argument("--mlflow-no-jobs", action="store_true",
                    help="MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false (no huey job-runner processes)")
    ap.add_argument("--default-server-logging", action="store_true",
                    help="keep mlflow's access log and fml's per-request info log (default: quieted)")
    ap.add_argument("--base-port", type=int, default=base_port)
    ap.add_argument("--startup-timeout", type=float, default=120)
    ap.add_argument("--idle-settle", type=float, default=30,
                    help="max seconds to wait after readiness for the server tree to go CPU-idle "
                         "before idle RSS is read and the load starts")


def check_server_args(ap: argparse.ArgumentParser, args, extra_bad: list[str]) -> None:
    """Split --servers, name the binaries by absolute path (servers start in their data directory)
    and check that the chosen ones exist."""
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    bad = [s for s in args.servers if s not in ALL_SERVERS] + extra_bad
    if bad:
        ap.error(f"unknown server/op/scenario: {bad}")
    args.stride_bin, args.stride_base_bin, args.mlflow_bin, args.fml_bin = (
        os.path.abspath(b) if os.sep in b else b
        for b in (args.stride_bin, getattr(args, "stride_base_bin", ""), args.mlflow_bin, args.fml_bin))
    for s, b in (("stride", args.stride_bin), ("stride-base", args.stride_base_bin), ("mlflow", args.mlflow_bin),
                 ("fml", args.fml_bin)):
        if s in args.servers and not os.access(b, os.X_OK):
            ap.error(f"{s} binary not found or not executable: {b}")


def add_output_args(ap: argparse.ArgumentParser, stem: str) -> None:
    ap.add_argument("--out-dir", default=str(BENCH_DIR / "results"))
    ap.add_argument("--report-from", metavar="JSON",
                    help=f"only rebuild and print the markdown report from a saved results/{stem}.json")


def load_results(path: str) -> tuple[list[dict], argparse.Namespace, dict]:
    """(sessions, args, meta) saved by write_results."""
    saved = json.loads(Path(path).read_text())
    return saved["sessions"], argparse.Namespace(**saved["args"]), saved["meta"]


def write_results(out_dir: str, stem: str, report: str, meta: dict, args, sessions: list[dict],
                  failed: bool | None = None) -> int:
    """Print the report, save it as <stem>.md with the raw numbers in <stem>.json. Returns the exit code:
    1 when `failed`, or by default when a session recorded an error."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.md").write_text(report)
    (out / f"{stem}.json").write_text(json.dumps({"meta": meta, "args": vars(args), "sessions": sessions},
                                                 indent=1, default=str))
    print(report)
    log(f"wrote {out / (stem + '.md')} and .json")
    if failed is None:
        failed = any("error" in s for s in sessions)
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_args(ap, REPO_DIR / ".build" / "release" / "stride", 5610)
    ap.add_argument("--postgres-url", default="",
                    help="put every server's store on PostgreSQL: a fresh database on this server per start "
                         "(e.g. postgresql://postgres@127.0.0.1:55432/postgres?sslmode=disable; needs psql)")
    ap.add_argument("--postgres-pid-file", default="",
                    help="the cluster's postmaster.pid: reports PostgreSQL's CPU per cell (and per request)")
    ap.add_argument("--ops", default="create-run,log-metric,log-batch")
    ap.add_argument("--clients", default="1,4", help="comma list of connection counts")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--duration", type=int, default=10, help="seconds of wrk per cell (wrk takes whole seconds)")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of discarded warm-up per cell (0 = none)")
    ap.add_argument("--wrk-threads", type=int, default=2, help="max wrk threads (-t = min(clients, this))")
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--no-verify", dest="verify", action="store_false",
                    help="skip the check that acknowledged writes were stored")
    ap.add_argument("--data-root", default=str(BENCH_DIR / ".data"))
    ap.add_argument("--keep-data", action="store_true")
    add_output_args(ap, "<timestamp>")
    args = ap.parse_args()
    if args.report_from:
        print(build_report(*load_results(args.report_from)))
        return 0
    args.ops = [s.strip() for s in args.ops.split(",") if s.strip()]
    args.clients = [int(c) for c in args.clients.split(",")]
    check_server_args(ap, args, [o for o in args.ops if o not in OPS])
    if shutil.which(args.wrk) is None:
        ap.error(f"wrk not found ({args.wrk}); apt-get install wrk")

    t_start = time.monotonic()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = machine_meta(args)
    meta["timestamp"] = stamp
    meta["command"] = " ".join([Path(sys.argv[0]).name] + sys.argv[1:])
    ports = PortAllocator(args.base_port)
    sessions = []
    for rep in range(1, args.repeats + 1):
        k = (rep - 1) % len(args.servers)
        order = args.servers[k:] + args.servers[:k]  # rotate so no server always runs first
        for name in order:
            sessions.append(bench_server(name, args, ports, rep))
    meta["wall_s"] = time.monotonic() - t_start

    return write_results(args.out_dir, stamp, build_report(sessions, args, meta), meta, args, sessions)


if __name__ == "__main__":
    sys.exit(main())
