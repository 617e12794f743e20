#!/usr/bin/env python3
"""Tracing benchmark: Stride vs `mlflow server` (issue 17, section Speed).

For every server (one at a time, on 127.0.0.1, each on its own SQLite file) it:
  1. ingest       POST /v1/traces with OTLP protobuf, one finished trace of 10 spans per request (a
                  CHAIN root with retriever, chat-model and tool children, inputs, outputs and token
                  usage as mlflow's 3.4+ client exports them), with wrk at each --clients count:
                  spans/s and the server's CPU per span (its process tree, from /proc);
  2. seeds --traces traces (one span each: five names, one in ten ERROR, spread over time) through
                  OTLP exports of 200 traces; a server slower than --seed-budget-s for that gets fewer
                  (the report says how many), and one trace of --big-spans spans;
  3. search-recent  POST /api/3.0/mlflow/traces/search, first page of 100, no filter (newest first);
     search-filter  first page of 100, `trace.status = 'OK' AND trace.name = 'chat'`, timestamp_ms DESC;
     search-order   first page of 100, `trace.status = 'ERROR'`, order_by execution_time_ms DESC;
     get-big        GET /api/3.0/mlflow/traces/get (the client's get_trace) of the big trace, with spans;
     ui-trace       GET /traces/<id>, Stride's server-rendered trace page of the big trace (mlflow's UI
                    is a browser app that draws from the get-big answer, so it has no row here);
     each --samples times after 3 warm-up calls, on one persistent connection; the time runs from
     sending the request to reading the last byte. Every answer is checked (counts, status, order).
Then it writes a markdown report to bench/results/traces-<timestamp>.md (raw numbers in .json).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import (HOST, Api, PortAllocator, Server, add_output_args, add_server_args,  # noqa: E402
                    check_server_args, children_cpu_s, load_results, log, machine_busy_s, machine_meta, parse_wrk, quiesce,
                    tree_cpu_s, write_results)

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
API3 = "/api/3.0/mlflow"
OTLP_PATH = "/v1/traces"
RAW_PLACEHOLDER = b"TRACEIDPLACEHOLD"  # 16 letters: the trace id wrk patches per request
BASE_NS = 1_700_000_000_000_000_000    # fixed clock, so every server gets the same fixture
NAMES = ("chat", "retrieve", "plan", "tool", "summarize")
# mlflow names no OTLP trace (no `mlflow.traceName`), so the filter is on a tag both servers keep:
# the exporter's resource attribute `service.name`
FILTER = "trace.status = 'OK' AND tags.`service.name` = 'chat'"
SCENARIOS = {
    # name: (title, Stride target p50 in ms)
    "search-recent": ("Search, first page of 100, no filter, newest first", 20),
    "search-filter": (f"Search, first page of 100, `{FILTER}`", 20),
    "search-order": ("Search, first page of 100, `trace.status = 'ERROR'`, order by execution_time_ms DESC", 20),
    "get-big": ("get_trace of a trace with the big span count, with spans", 20),
    "ui-trace": ("Web UI trace page of that trace (`/traces/<id>`)", 50),
}


# --------------------------------------------------------------------------------------------
# OTLP bodies
# --------------------------------------------------------------------------------------------

def _set_value(target, value) -> None:
    """An OTLP AnyValue as mlflow's client writes one (`_set_otel_proto_anyvalue`): typed, dicts as kvlists."""
    if isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, int):
        target.int_value = value
    elif isinstance(value, float):
        target.double_value = value
    elif isinstance(value, (list, tuple)):
        values = target.array_value.values
        target.array_value.SetInParent()
        for item in value:
            _set_value(values.add(), item)
    elif isinstance(value, dict):
        target.kvlist_value.SetInParent()
        for key, item in value.items():
            pair = target.kvlist_value.values.add()
            pair.key = key
            _set_value(pair.value, item)


def _attr(span, key: str, value) -> None:
    item = span.attributes.add()
    item.key = key
    _set_value(item.value, value)


def _span(scope, trace_id: bytes, request_id: str, span_id: int, parent: int | None, name: str, span_type: str,
          start_ns: int, end_ns: int, status: int = 1, inputs=None, outputs=None, usage: dict | None = None) -> None:
    span = scope.spans.add()
    span.trace_id, span.span_id, span.name = trace_id, span_id.to_bytes(8, "big"), name
    if parent is not None:
        span.parent_span_id = parent.to_bytes(8, "big")
    span.start_time_unix_nano, span.end_time_unix_nano = start_ns, end_ns
    span.status.code = status  # 1 OK, 2 ERROR
    _attr(span, "mlflow.traceRequestId", request_id)
    _attr(span, "mlflow.spanType", span_type)
    if inputs is not None:
        _attr(span, "mlflow.spanInputs", inputs)
    if outputs is not None:
        _attr(span, "mlflow.spanOutputs", outputs)
    if usage is not None:
        _attr(span, "mlflow.chat.tokenUsage", usage)


def _request(service: str = "bench-traces") -> tuple[ExportTraceServiceRequest, object]:
    request = ExportTraceServiceRequest()
    return request, _scope(request, service)


def _scope(request: ExportTraceServiceRequest, service: str):
    """A new resource (one exporting service) in the request, and its scope to add spans to."""
    resource = request.resource_spans.add()
    attribute = resource.resource.attributes.add()
    attribute.key, attribute.value.string_value = "service.name", service
    return resource.scope_spans.add()


def add_agent_trace(scope, trace_id: bytes, start_ns: int, spans: int) -> None:
    """One agent trace: a CHAIN root and spans-1 children (retriever, chat model with token usage, tool),
    nested ten to a parent, all finished."""
    request_id = "tr-" + trace_id.hex()
    step = 1_000_000  # 1 ms per span
    end_ns = start_ns + (spans + 1) * step
    question = {"messages": [{"role": "user", "content": "How high is the tide in Oslo tomorrow morning?"}]}
    _span(scope, trace_id, request_id, 1, None, "agent", "CHAIN", start_ns, end_ns, inputs=question,
          outputs={"answer": "Around 0.4 m above chart datum at 07:10."})
    for k in range(2, spans + 1):
        parent = 1 if k <= 11 else (k - 2) // 10 + 1  # the first ten under the root, then ten under each
        kind = k % 3
        span_start = start_ns + (k - 1) * step
        if kind == 0:
            _span(scope, trace_id, request_id, k, parent, f"retrieve-{k}", "RETRIEVER", span_start, span_start + step // 2,
                  inputs={"query": "tide Oslo"}, outputs=[{"page_content": "Tide tables for Oslo", "metadata": {"doc": k}}])
        elif kind == 1:
            _span(scope, trace_id, request_id, k, parent, f"chat-{k}", "CHAT_MODEL", span_start, span_start + step // 2,
                  inputs=question, outputs={"choices": [{"message": {"role": "assistant", "content": "0.4 m"}}]},
                  usage={"input_tokens": 42, "output_tokens": 7, "total_tokens": 49})
        else:
            _span(scope, trace_id, request_id, k, parent, f"tool-{k}", "TOOL", span_start, span_start + step // 2,
                  inputs={"city": "Oslo", "day": "tomorrow"}, outputs={"tide_m": 0.4})


def ingest_template(spans_per_trace: int) -> bytes:
    request, scope = _request()
    add_agent_trace(scope, RAW_PLACEHOLDER, time.time_ns(), spans_per_trace)
    body = request.SerializeToString()
    assert body.count(RAW_PLACEHOLDER) == spans_per_trace
    return body


def seed_trace_id(i: int) -> bytes:
    return b"seed" + i.to_bytes(12, "big")


def seed_spec(i: int) -> dict:
    """Trace i of the search fixture."""
    return {"name": NAMES[i % len(NAMES)], "error": i % 10 == 0,
            "start_ns": BASE_NS + i * 1_000_000_000, "duration_ms": (i * 7919) % 5000 + 1}


def seed_body(first: int, count: int) -> bytes:
    """Traces first..first+count-1, each under the service named like its root span."""
    request = ExportTraceServiceRequest()
    scopes = {name: _scope(request, name) for name in NAMES}
    for i in range(first, first + count):
        spec = seed_spec(i)
        trace_id = seed_trace_id(i)
        _span(scopes[spec["name"]], trace_id, "tr-" + trace_id.hex(), 1, None, spec["name"], "CHAIN", spec["start_ns"],
              spec["start_ns"] + spec["duration_ms"] * 1_000_000, status=2 if spec["error"] else 1,
              inputs={"question": f"q{i}"}, outputs={"answer": f"a{i}"})
    return request.SerializeToString()


# --------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------

class Conn:
    """One persistent loopback connection; `timed` answers (status, body, seconds to the last byte)."""

    def __init__(self, port: int, timeout: float = 120):
        self.port, self.timeout, self.conn = port, timeout, None

    def timed(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                t0 = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, data, time.perf_counter() - t0
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def otlp_headers(exp_id: str) -> dict:
    return {"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp_id}


def export(conn: Conn, exp_id: str, body: bytes) -> None:
    status, data, _ = conn.timed("POST", OTLP_PATH, body, otlp_headers(exp_id))
    if status != 200:
        raise RuntimeError(f"POST {OTLP_PATH} -> HTTP {status}: {data[:300]!r}")


def search_body(exp_id: str, filter_string: str | None, order_by: list[str] | None, max_results: int = 100) -> bytes:
    body = {"locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": exp_id}}],
            "max_results": max_results}
    if filter_string:
        body["filter"] = filter_string
    if order_by:
        body["order_by"] = order_by
    return json.dumps(body).encode()


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------

def run_ingest(args, port: int, sid: int, exp_id: str, template: Path, cell: int, clients: int, duration: int) -> dict:
    threads = min(clients, args.wrk_threads)
    cmd = [args.wrk, f"-t{threads}", f"-c{clients}", f"-d{max(1, duration)}s", "--timeout", "20s", "--latency",
           "-s", str(BENCH_DIR / "wrk" / "otlp_traces.lua"), f"http://{HOST}:{port}", "--",
           OTLP_PATH, str(template), exp_id, RAW_PLACEHOLDER.decode(), str(cell)]
    c0, cpu0, busy0, t0 = children_cpu_s(), tree_cpu_s(sid), machine_busy_s(), time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    res = parse_wrk(p.stdout)
    if p.returncode != 0 or "requests" not in res:
        raise RuntimeError(f"wrk failed (rc={p.returncode}): {p.stderr[-800:]} {p.stdout[-800:]}")
    quiesce(sid)  # spans acknowledged but still being written count toward the server's CPU
    res["server_cpu_s"] = tree_cpu_s(sid) - cpu0
    res["wrk_cpu_s"] = children_cpu_s() - c0
    res["machine_busy_s"] = machine_busy_s() - busy0
    res["wall_s"] = time.monotonic() - t0
    res["clients"] = clients
    ok = res["requests"] - res["non2xx"]
    res["ok_rps"] = ok / (res["duration_us"] / 1e6)
    res["spans_per_s"] = res["ok_rps"] * args.spans_per_trace
    res["cpu_us_per_span"] = 1e6 * res["server_cpu_s"] / max(1, ok * args.spans_per_trace)
    res["errors"] = res["non2xx"] + res["errors_connect"] + res["errors_read"] + res["errors_write"] + res["errors_timeout"]
    return res


def seed(args, port: int, exp_id: str, budget_s: float, workers: int) -> tuple[int, float]:
    """Seeds up to --traces search traces in chunks of 200 over `workers` connections; stops at the budget.
    mlflow gets one connection: concurrent OTLP exports fail on its SQLite store with `database is locked`."""
    chunk, started = 200, time.monotonic()
    firsts = list(range(0, args.traces, chunk))
    done, lock, over = [], threading.Lock(), threading.Event()

    def work(worker: int) -> None:
        conn = Conn(port)
        try:
            for first in firsts[worker::workers]:
                if over.is_set():
                    return
                export(conn, exp_id, seed_body(first, min(chunk, args.traces - first)))
                with lock:
                    done.append(first)
                if time.monotonic() - started > budget_s:
                    over.set()
        finally:
            conn.close()

    with cf.ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, range(workers)))
    # the fixture is the traces 0..n-1 with no gap: keep only the complete prefix of chunks
    seeded, n = sorted(done), 0
    for first in seeded:
        if first != n:
            break
        n = min(first + chunk, args.traces)
    return n, time.monotonic() - started


def check_search(name: str, answer: dict, seeded: int) -> str:
    traces = answer.get("traces", [])
    if len(traces) != min(100, seeded if name == "search-recent" else 100):
        return f"{len(traces)} traces"
    if name == "search-recent":
        times = [dt.datetime.fromisoformat(str(t.get("request_time")).replace("Z", "+00:00")) for t in traces]
        if times != sorted(times, reverse=True):
            return "not newest first"
    if name == "search-filter" and any(t.get("state") != "OK" or t.get("tags", {}).get("service.name") != "chat" for t in traces):
        return "filter not applied"
    if name == "search-order":
        if any(t.get("state") != "ERROR" for t in traces):
            return "filter not applied"
        durations = [float(str(t.get("execution_duration", "0s")).rstrip("s")) for t in traces]
        if durations != sorted(durations, reverse=True):
            return "not ordered by execution time"
    return "ok"


def measure(args, conn: Conn, sid: int, method: str, path: str, body: bytes | None, headers: dict) -> dict:
    for _ in range(3):
        status, data, _ = conn.timed(method, path, body, headers)
        if status != 200:
            raise RuntimeError(f"{method} {path} -> HTTP {status}: {data[:300]!r}")
    times = []
    cpu0 = tree_cpu_s(sid)
    for _ in range(args.samples):
        status, data, seconds = conn.timed(method, path, body, headers)
        if status != 200:
            raise RuntimeError(f"{method} {path} -> HTTP {status}: {data[:300]!r}")
        times.append(seconds * 1000)
    cpu = tree_cpu_s(sid) - cpu0
    times.sort()
    return {"p50_ms": statistics.median(times), "p90_ms": times[int(0.9 * (len(times) - 1))], "bytes": len(data),
            "cpu_ms_per_req": 1000 * cpu / args.samples, "last": data}


def bench_server(name: str, args, ports: PortAllocator) -> dict:
    data = Path(args.data_root).resolve() / name
    port = ports.get()
    srv = Server(name, args, port, data)
    session: dict = {"server": name, "port": port, "ingest": [], "reads": {}}
    log(f"starting {name} on {HOST}:{port}")
    try:
        srv.start()
        sid = srv.proc.pid
        time.sleep(1.0)
        quiesce(sid, args.idle_settle)
        api = Api(port)
        conn = Conn(port)
        work = Path(tempfile.mkdtemp(prefix="bench-traces-"))
        template = work / "trace.pb"
        template.write_bytes(ingest_template(args.spans_per_trace))
        ingest_exp = api.create_experiment(f"ingest-{int(time.time())}")
        for n, clients in enumerate(args.clients):
            if args.warmup > 0:
                run_ingest(args, port, sid, ingest_exp, template, 2 * n, clients, args.warmup)
            res = run_ingest(args, port, sid, ingest_exp, template, 2 * n + 1, clients, args.duration)
            session["ingest"].append(res)
            log(f"  {name:6s} ingest c={clients}: {res['spans_per_s']:9.0f} spans/s  p50 {res['lat_p50_us'] / 1000:7.2f} ms"
                f"  srv cpu {res['cpu_us_per_span']:7.1f} µs/span" + (f"  ERRORS {res['errors']}" if res["errors"] else ""))
        # a spot check of what was stored: a trace of the ingest experiment has all its spans
        status, body, _ = conn.timed("POST", f"{API3}/traces/search", search_body(ingest_exp, None, None, 1),
                                     {"Content-Type": "application/json"})
        found = json.loads(body).get("traces", []) if status == 200 else []
        spans = -1
        if found:
            status, body, _ = conn.timed("GET", f"{API3}/traces/get?trace_id={found[0]['trace_id']}&allow_partial=false")
            spans = len(json.loads(body).get("trace", {}).get("spans", [])) if status == 200 else -1
        session["ingest_check"] = "ok" if spans == args.spans_per_trace else f"HTTP {status}, {spans} spans"

        search_exp = api.create_experiment(f"search-{int(time.time())}")
        budget = args.seed_budget_s if name != "stride" else 3600
        seeded, seconds = seed(args, port, search_exp, budget, 4 if name == "stride" else 1)
        session["seeded"], session["seed_s"] = seeded, seconds
        log(f"  {name:6s} seeded {seeded:,} traces in {seconds:.1f} s ({seeded / seconds:,.0f} traces/s)")
        big_exp = api.create_experiment(f"big-{int(time.time())}")
        request, scope = _request()
        big_id = b"bigtrace" + (1).to_bytes(8, "big")
        add_agent_trace(scope, big_id, BASE_NS, args.big_spans)
        export(conn, big_exp, request.SerializeToString())
        big = "tr-" + big_id.hex()
        quiesce(sid)

        search = {"Content-Type": "application/json"}
        cells = {
            "search-recent": ("POST", f"{API3}/traces/search", search_body(search_exp, None, None), search),
            "search-filter": ("POST", f"{API3}/traces/search", search_body(search_exp, FILTER, ["timestamp_ms DESC"]), search),
            "search-order": ("POST", f"{API3}/traces/search",
                             search_body(search_exp, "trace.status = 'ERROR'", ["execution_time_ms DESC"]), search),
            "get-big": ("GET", f"{API3}/traces/get?trace_id={big}&allow_partial=false", None, {}),
            "ui-trace": ("GET", f"/traces/{big}", None, {}),
        }
        for scenario in args.scenarios:
            if scenario == "ui-trace" and name != "stride":
                continue
            method, path, body, headers = cells[scenario]
            res = measure(args, conn, sid, method, path, body, headers)
            answer = res.pop("last")
            if scenario.startswith("search"):
                res["check"] = check_search(scenario, json.loads(answer), seeded)
            elif scenario == "get-big":
                got = len(json.loads(answer)["trace"]["spans"])
                res["check"] = "ok" if got == args.big_spans else f"{got} spans"
            else:
                res["check"] = "ok" if answer.count(b"<rect class=\"wf-bar") >= min(args.big_spans, 1000) else "waterfall incomplete"
            session["reads"][scenario] = res
            log(f"  {name:6s} {scenario:14s} p50 {res['p50_ms']:8.2f} ms  p90 {res['p90_ms']:8.2f} ms"
                f"  srv cpu {res['cpu_ms_per_req']:7.2f} ms/req  {res['bytes']:,} B  {res['check']}")
        api.close()
        conn.close()
        shutil.rmtree(work, ignore_errors=True)
    except Exception as e:  # keep going with the other servers; the report shows the failure
        session["error"] = f"{type(e).__name__}: {e}"
        log(f"  {name} FAILED: {session['error']}")
    finally:
        srv.stop()
        if not args.keep_data and data.exists():
            shutil.rmtree(data, ignore_errors=True)
    return session


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

def build_report(sessions: list[dict], args, meta: dict) -> str:
    by = {s["server"]: s for s in sessions}
    L = [f"# Tracing benchmark ({meta['timestamp']})", "",
         f"Machine: {meta['cpu']}, {meta['ncpu']} cores, kernel {meta['kernel']}; load average before / after: "
         f"{meta.get('load_before', '?')} / {meta.get('load_after', '?')}. Versions: "
         + "; ".join(f"{k}: {v}" for k, v in meta["versions"].items()) + ".", ""]
    for s in sessions:
        if "error" in s:
            L.append(f"**{s['server']} failed**: {s['error']}\n")
    L += ["## OTLP ingest (`POST /v1/traces`, protobuf, one trace of "
          f"{args.spans_per_trace} spans per request, {args.duration} s per cell)", "",
          "| server | clients | req/s | spans/s | p50 ms | p99 ms | srv CPU µs/span | vs mlflow | errors |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for clients in args.clients:
        base = next((c for c in by.get("mlflow", {}).get("ingest", []) if c["clients"] == clients), None)
        for server in args.servers:
            cell = next((c for c in by.get(server, {}).get("ingest", []) if c["clients"] == clients), None)
            if cell:
                ratio = f"{cell['spans_per_s'] / base['spans_per_s']:.1f}x" if base and base["spans_per_s"] else "n/a"
                L.append(f"| {server} | {clients} | {cell['ok_rps']:,.0f} | {cell['spans_per_s']:,.0f} | "
                         f"{cell['lat_p50_us'] / 1000:.2f} | {cell['lat_p99_us'] / 1000:.2f} | {cell['cpu_us_per_span']:,.1f} | "
                         f"{ratio} | {cell['errors']} |")
    checks = ", ".join(f"{s['server']}: {s.get('ingest_check', 'n/a')}" for s in sessions)
    L += ["", f"Stored-trace spot check (a stored trace of the ingest cells has all its spans): {checks}.", ""]
    L += ["## Reads", "",
          "Seeded traces: " + ", ".join(f"{s['server']} {s.get('seeded', 0):,} in {s.get('seed_s', 0):.0f} s"
                                        for s in sessions)
          + f" (target {args.traces:,}; a server slower than {args.seed_budget_s:.0f} s gets fewer). "
          f"Big trace: {args.big_spans:,} spans. {args.samples} samples per cell after 3 warm-up calls.", "",
          "| scenario | server | p50 ms | p90 ms | srv CPU ms/req | answer bytes | vs mlflow (p50) | target | check |",
          "|---|---|---:|---:|---:|---:|---:|---|---|"]
    for scenario in args.scenarios:
        title, target = SCENARIOS[scenario]
        base = by.get("mlflow", {}).get("reads", {}).get(scenario)
        for server in args.servers:
            r = by.get(server, {}).get("reads", {}).get(scenario)
            if not r:
                continue
            ratio = f"{base['p50_ms'] / r['p50_ms']:.1f}x faster" if base and server != "mlflow" else ""
            goal = (f"≤ {target} ms: {'met' if r['p50_ms'] <= target else 'MISSED'}") if server == "stride" else ""
            L.append(f"| {title} | {server} | {r['p50_ms']:.2f} | {r['p90_ms']:.2f} | {r['cpu_ms_per_req']:.2f} | "
                     f"{r['bytes']:,} | {ratio} | {goal} | {r['check']} |")
    L.append(f"\nTotal wall time: {meta['wall_s']:.0f} s. Command: `{meta['command']}`")
    return "\n".join(L) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_args(ap, REPO_DIR / ".build" / "release" / "stride", 5680)
    ap.set_defaults(servers="stride,mlflow")
    ap.add_argument("--clients", default="1,4", help="comma list of OTLP exporter connections")
    ap.add_argument("--duration", type=int, default=10, help="seconds of wrk per ingest cell")
    ap.add_argument("--warmup", type=int, default=2, help="seconds of discarded warm-up per ingest cell (0 = none)")
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--spans-per-trace", type=int, default=10)
    ap.add_argument("--traces", type=int, default=100_000, help="traces seeded for the search cells")
    ap.add_argument("--seed-budget-s", type=float, default=240, help="seconds a peer may spend seeding")
    ap.add_argument("--big-spans", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--scenarios", default=",".join(SCENARIOS))
    ap.add_argument("--data-root", default=str(BENCH_DIR / ".data"))
    ap.add_argument("--keep-data", action="store_true")
    add_output_args(ap, "traces-<timestamp>")
    args = ap.parse_args()
    if args.report_from:
        print(build_report(*load_results(args.report_from)))
        return 0
    args.clients = [int(c) for c in args.clients.split(",")]
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    args.servers = args.servers.replace("fml", "").strip(",")  # FastTrackML serves no traces
    check_server_args(ap, args, [s for s in args.scenarios if s not in SCENARIOS])
    if shutil.which(args.wrk) is None:
        ap.error(f"wrk not found ({args.wrk}); apt-get install wrk")

    t_start = time.monotonic()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = machine_meta(args)
    meta["timestamp"] = stamp
    meta["command"] = " ".join([Path(sys.argv[0]).name] + sys.argv[1:])
    meta["load_before"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    ports = PortAllocator(args.base_port)
    sessions = [bench_server(name, args, ports) for name in args.servers]
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    meta["wall_s"] = time.monotonic() - t_start
    return write_results(args.out_dir, f"traces-{stamp}", build_report(sessions, args, meta), meta, args, sessions)


if __name__ == "__main__":
    sys.exit(main())
