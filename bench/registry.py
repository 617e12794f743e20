#!/usr/bin/env python3
"""Registry benchmark: Stride vs `mlflow server` (FastTrackML has no registry), issue 5.

Fixture: --models registered models (`model-00000`...), each with a `team` tag (a, b or c) and
--versions versions (the last one in Production, the one before in Staging, the rest Archived).
Stride is loaded through its REST API with parallel threads. Loading `mlflow server` over HTTP runs
at a few dozen requests a second (hours for the default fixture), so its rows go straight into the
SQLite file that `mlflow server` itself created (its own migrations made the schema); the server is
then restarted on that data, and a spot check through its API confirms it sees every model.

Each server is restarted on its loaded data, then measured (p50/p90 of --reps requests after
--warmup, send to last byte), with the requests the Python client really sends:
  search-models   GET registered-models/search, `name LIKE 'model-01%'` plus the client's prompt clause,
                  max_results 100 (one page of the 1,000 matches)
  first-page      GET registered-models/search, only the prompt clause, max_results 100 (the models list)
  search-versions GET model-versions/search, `name = '<one model>'`, max_results 10000
  latest-versions POST registered-models/get-latest-versions for one model, all stages
  get-by-alias    GET registered-models/alias for one model's `champion` alias (Stride only loads it
                  through the API; mlflow's rows include it too)
Each scenario is then also driven by wrk over one connection for --wrk-seconds, whose latency
percentiles leave out the Python client's own cost (about half a millisecond per request here),
which otherwise bounds the ratio of the quick single-model reads.
Writes bench/results/registry-<timestamp>.md (and .json).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import random
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import (  # noqa: E402  (shared harness pieces)
    API, HOST, REPO_DIR, Api, PortAllocator, Server, add_output_args, add_server_args, check_server_args, log,
    machine_meta, parse_wrk, write_results,
)

PROMPT_CLAUSE = "tag.`mlflow.prompt.is_prompt` != 'true'"
STAGES_BY_POSITION = {-1: "Production", -2: "Staging"}


def model_name(i: int) -> str:
    return f"model-{i:05d}"


def fixture(models: int, versions: int):
    """(name, team, [(version, stage, run_id)]) for every model, the same for every server."""
    rng = random.Random(42)
    for i in range(models):
        rows = []
        for v in range(1, versions + 1):
            stage = STAGES_BY_POSITION.get(v - versions - 1, "Archived")
            rows.append((v, stage, uuid.UUID(int=rng.getrandbits(128)).hex))
        yield model_name(i), "abc"[i % 3], rows


def load_over_http(port: int, args) -> None:
    def load_slice(start: int) -> None:
        api = Api(port)
        for i, (name, team, versions) in enumerate(fixture(args.models, args.versions)):
            if i % args.load_threads != start:
                continue
            api.call("POST", "/registered-models/create", {"name": name, "tags": [{"key": "team", "value": team}]})
            for version, stage, run_id in versions:
                api.call("POST", "/model-versions/create", {
                    "name": name, "source": f"mlflow-artifacts:/1/{run_id}/artifacts/model", "run_id": run_id})
                api.call("POST", "/model-versions/transition-stage", {
                    "name": name, "version": str(version), "stage": stage, "archive_existing_versions": False})
            api.call("POST", "/registered-models/alias", {"name": name, "alias": "champion", "version": str(args.versions)})
        api.close()

    with cf.ThreadPoolExecutor(args.load_threads) as pool:
        list(pool.map(load_slice, range(args.load_threads)))


def load_mlflow_sqlite(db_path: Path, args) -> None:
    now = int(time.time() * 1000)
    db = sqlite3.connect(db_path)
    with db:
        for name, team, versions in fixture(args.models, args.versions):
            db.execute("INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, '')",
                       (name, now, now))
            db.execute("INSERT INTO registered_model_tags (key, value, name) VALUES ('team', ?, ?)", (team, name))
            for version, stage, run_id in versions:
                source = f"mlflow-artifacts:/1/{run_id}/artifacts/model"
                db.execute(
                    "INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id,"
                    " current_stage, source, run_id, status, status_message, run_link, storage_location)"
                    " VALUES (?, ?, ?, ?, '', '', ?, ?, ?, 'READY', '', '', ?)",
                    (name, version, now, now, stage, source, run_id, source))
            db.execute("INSERT INTO registered_model_aliases (alias, version, name) VALUES ('champion', ?, ?)",
                       (args.versions, name))
    db.close()


def scenarios(args) -> dict:
    probe = model_name(args.models // 2)
    return {
        "search-models": ("GET", "/registered-models/search",
                          {"filter": f"name LIKE 'model-01%' AND {PROMPT_CLAUSE}", "max_results": 100}),
        "first-page": ("GET", "/registered-models/search", {"filter": PROMPT_CLAUSE, "max_results": 100}),
        "search-versions": ("GET", "/model-versions/search", {"filter": f"name = '{probe}'", "max_results": 10000}),
        "latest-versions": ("POST", "/registered-models/get-latest-versions", {"name": probe}),
        "get-by-alias": ("GET", "/registered-models/alias", {"name": probe, "alias": "champion"}),
    }


def check(name: str, answer: dict, args) -> str:
    if name == "search-models":
        models = answer.get("registered_models", [])
        ok = len(models) == 100 and all(m["name"].startswith("model-01") for m in models) and answer.get("next_page_token")
    elif name == "first-page":
        ok = [m["name"] for m in answer.get("registered_models", [])] == [model_name(i) for i in range(100)]
    elif name == "search-versions":
        ok = len(answer.get("model_versions", [])) == args.versions
    elif name == "latest-versions":
        ok = sorted(v["current_stage"] for v in answer.get("model_versions", [])) == ["Archived", "Production", "Staging"]
    else:
        ok = answer.get("model_version", {}).get("version") == str(args.versions)
    return "ok" if ok else f"unexpected answer: {str(answer)[:200]}"


def measure(server: str, port: int, args) -> dict:
    api = Api(port)
    results = {}
    for name, (method, endpoint, payload) in scenarios(args).items():
        try:
            times = []
            for i in range(args.warmup + args.reps):
                t0 = time.perf_counter()
                answer = api.call(method, endpoint, payload)
                if i >= args.warmup:
                    times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            results[name] = {"p50": statistics.median(times), "p90": times[int(len(times) * 0.9) - 1],
                             "check": check(name, answer, args)}
            log(f"    {server} {name}: p50 {results[name]['p50']:.2f} ms  {results[name]['check']}")
        except Exception as exc:  # noqa: BLE001  (a failing endpoint is recorded, not fatal)
            results[name] = {"error": str(exc)[:300]}
            log(f"    {server} {name}: FAILED {exc}")
    api.close()
    for name, (method, endpoint, payload) in scenarios(args).items():
        if args.wrk_seconds > 0 and "p50" in results.get(name, {}):
            results[name]["wrk_p50_ms"] = wrk_p50_ms(port, method, endpoint, payload, args)
            log(f"    {server} {name}: wrk p50 {results[name]['wrk_p50_ms']:.3f} ms")
    return results


def wrk_p50_ms(port: int, method: str, endpoint: str, payload: dict, args) -> float | None:
    """p50 latency of `wrk -c1` repeating one request for --wrk-seconds."""
    url = f"http://{HOST}:{port}{API}{endpoint}"
    lua = f"wrk.method = {json.dumps(method)}\n"
    if method == "GET":
        url += "?" + urlencode(payload)
    else:
        lua += f"wrk.body = {json.dumps(json.dumps(payload))}\nwrk.headers['Content-Type'] = 'application/json'\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    out = subprocess.run(["wrk", "-t1", "-c1", f"-d{args.wrk_seconds}s", "--latency", "-s", script.name, url],
                         capture_output=True, text=True, timeout=args.wrk_seconds + 60).stdout
    Path(script.name).unlink()
    parsed = parse_wrk(out)
    return parsed["p50_text_us"] / 1000 if parsed.get("p50_text_us") else None


def run_server(name: str, args, ports: PortAllocator) -> dict:
    server = Server(name, args, ports.get(), Path(args.data_root) / name)
    session = {"server": name}
    try:
        server.start()
        t0 = time.monotonic()
        if name == "mlflow":
            server.stop()
            load_mlflow_sqlite(server.data / "mlflow.db", args)
            session["load"] = f"SQL into mlflow's own schema, {time.monotonic() - t0:.1f} s"
        else:
            load_over_http(server.port, args)
            session["load"] = f"REST API, {args.load_threads} threads, {time.monotonic() - t0:.1f} s"
            server.stop()
        log(f"{name}: loaded ({session['load']})")
        server.start(fresh=False)
        session["results"] = measure(name, server.port, args)
    except Exception as exc:  # noqa: BLE001
        session["error"] = str(exc)[:500]
        log(f"{name}: FAILED {exc}")
    finally:
        server.stop()
    return session


def build_report(sessions: list[dict], args, meta: dict) -> str:
    lines = [f"# Registry benchmark {args.stamp}", "",
             f"Machine: {meta['cpu']}, nproc {meta['ncpu']}, kernel {meta['kernel']}.  ",
             "Servers: " + "; ".join(meta["versions"].get(s["server"], s["server"]) for s in sessions) + ".", "",
             f"Fixture: {args.models:,} registered models with a tag and {args.versions} versions each "
             f"(last in Production, the one before in Staging, the rest Archived), alias `champion` on the last. "
             f"p50/p90 of {args.reps} requests after {args.warmup} warm-up, send to last byte; each server "
             "restarted on its loaded data first.", ""]
    for s in sessions:
        lines.append(f"- {s['server']}: loaded by {s.get('load', 'n/a')}" + (f"; error: {s['error']}" if "error" in s else ""))
    lines += ["", "| scenario | " + " | ".join(f"{s['server']} p50 ms | p90 ms" for s in sessions) + " | mlflow ÷ Stride | check |",
              "|---|" + "---:|---:|" * len(sessions) + "---:|---|"]
    by = {s["server"]: s.get("results", {}) for s in sessions}
    for name in scenarios(args):
        cells, checks = [], []
        for s in sessions:
            r = by[s["server"]].get(name, {})
            cells += [f"{r['p50']:.2f}", f"{r['p90']:.2f}"] if "p50" in r else ["error", ""]
            checks.append(f"{s['server']} {r.get('check', r.get('error', 'n/a'))}")
        st, ml = by.get("stride", {}).get(name, {}), by.get("mlflow", {}).get(name, {})
        ratio = f"{ml['p50'] / st['p50']:.0f}x" if "p50" in st and "p50" in ml else "n/a"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio} | {'; '.join(checks)} |")
    lines += ["", "With wrk (one connection, p50 of every request in the run; the client's own cost left out):", "",
              "| scenario | " + " | ".join(f"{s['server']} p50 ms" for s in sessions) + " | mlflow ÷ Stride |",
              "|---|" + "---:|" * len(sessions) + "---:|"]
    for name in scenarios(args):
        values = [by[s["server"]].get(name, {}).get("wrk_p50_ms") for s in sessions]
        st, ml = by.get("stride", {}).get(name, {}).get("wrk_p50_ms"), by.get("mlflow", {}).get(name, {}).get("wrk_p50_ms")
        ratio = f"{ml / st:.0f}x" if st and ml else "n/a"
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" if v else "n/a" for v in values) + f" | {ratio} |")
    lines += ["", f"Command: `registry.py {' '.join(sys.argv[1:])}`", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_args(ap, REPO_DIR / ".build-static" / "release" / "stride", 5710)
    add_output_args(ap, "registry-<timestamp>")
    ap.add_argument("--models", type=int, default=10_000)
    ap.add_argument("--versions", type=int, default=5)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--load-threads", type=int, default=4)
    ap.add_argument("--wrk-seconds", type=int, default=5, help="seconds of wrk per scenario (0 = skip)")
    ap.add_argument("--data-root", default="/tmp/stride-bench-registry")
    ap.set_defaults(servers="stride,mlflow")
    args = ap.parse_args()
    check_server_args(ap, args, [s for s in args.servers.split(",") if s.strip() == "fml"])
    args.wrk = "wrk"
    args.stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    ports = PortAllocator(args.base_port)
    sessions = [run_server(name, args, ports) for name in args.servers]
    meta = machine_meta(args)
    return write_results(args.out_dir, f"registry-{args.stamp}", build_report(sessions, args, meta), meta, args, sessions)


if __name__ == "__main__":
    sys.exit(main())
