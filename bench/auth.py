#!/usr/bin/env python3
"""What auth costs per request (issue 7): Stride with --auth and a writer token against Stride
without auth, side by side, on the two requests users feel most.

  log-metric  POST runs/log-metric, one point per request (a fresh timestamp each time)
  search      POST runs/search over 200 runs with a metric filter, max_results 50

Each server gets a fresh data folder with the same fixture (one experiment, 200 runs with a
metric). wrk drives one connection for --seconds per scenario; the two servers alternate for
--rounds rounds so that machine noise falls on both, and the report gives the median of the
rounds' p50 latencies and their difference. The token is sent as `Authorization: Bearer`, as the
mlflow client does with MLFLOW_TRACKING_TOKEN; after the first request it is served from the
token cache (a revocation reaches it within one second).

Writes bench/results/auth-<timestamp>.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import requests

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
HOST = "127.0.0.1"

LUA = """
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(BODY_FORMAT, 1700000000000 + counter, counter)
  return wrk.format("POST", PATH, HEADERS, body)
end
"""


def lua_script(path: str, body_format: str, token: str | None) -> str:
    headers = '{["Content-Type"] = "application/json"' + (f', ["Authorization"] = "Bearer {token}"' if token else "") + "}"
    return (f"PATH = {json.dumps(path)}\nBODY_FORMAT = {json.dumps(body_format)}\nHEADERS = {headers}\n" + LUA)


class Server:
    def __init__(self, binary: str, auth: bool, port: int):
        self.data = Path(tempfile.mkdtemp(prefix=f"stride-bench-auth-{'on' if auth else 'off'}-"))
        self.port = port
        self.store = f"sqlite:///{self.data}/stride.db"
        env = {**os.environ, "STRIDE_BACKEND_STORE_URI": self.store}
        self.token = None
        if auth:
            self.token = subprocess.run([binary, "token", "create", "--project", "default", "--role", "writer"],
                                        env=env, capture_output=True, text=True, check=True).stdout.strip()
        cmd = [binary, "server", "--host", HOST, "--port", str(port), "--backend-store-uri", self.store,
               "--artifacts-destination", str(self.data / "artifacts"), "--log-level", "warning"]
        if auth:
            cmd.append("--auth")
        self.proc = subprocess.Popen(cmd, cwd=self.data, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
        self.uri = f"http://{HOST}:{port}"
        for _ in range(100):
            try:
                if requests.get(f"{self.uri}/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def call(self, path: str, body: dict) -> dict:
        resp = requests.post(f"{self.uri}/api/2.0/mlflow/{path}", json=body, headers=self.headers(), timeout=30)
        resp.raise_for_status()
        return resp.json()

    def load_fixture(self, runs: int) -> tuple[str, str]:
        experiment = self.call("experiments/create", {"name": "auth-bench"})["experiment_id"]
        run_ids = []
        for i in range(runs):
            run = self.call("runs/create", {"experiment_id": experiment, "start_time": 1700000000000 + i})["run"]["info"]["run_id"]
            self.call("runs/log-metric", {"run_id": run, "key": "loss", "value": i / runs, "timestamp": 1700000000000, "step": 0})
            run_ids.append(run)
        return experiment, run_ids[0]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def wrk_p50_us(wrk: str, server: Server, path: str, body_format: str, seconds: int) -> tuple[float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(path, body_format, server.token))
    out = subprocess.run([wrk, "-t1", "-c1", f"-d{seconds}s", "--latency", "-s", script.name, server.uri],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    m = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    value = float(m.group(1)) * {"us": 1, "ms": 1000, "s": 1_000_000}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return value, int(non2xx.group(1)) if non2xx else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stride-bin", default=str(REPO_DIR / ".build-static" / "release" / "stride"))
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--base-port", type=int, default=5710)
    args = ap.parse_args()

    servers = {"off": Server(args.stride_bin, False, args.base_port), "on": Server(args.stride_bin, True, args.base_port + 1)}
    try:
        scenarios = {}
        for mode, server in servers.items():
            experiment, run_id = server.load_fixture(args.runs)
            scenarios[mode] = {
                "log-metric": ("/api/2.0/mlflow/runs/log-metric",
                               json.dumps({"run_id": run_id, "key": "bench", "value": 1.5, "timestamp": 0, "step": 0})
                               .replace('"timestamp": 0', '"timestamp": %d').replace('"step": 0', '"step": %d')),
                "search": ("/api/2.0/mlflow/runs/search",
                           json.dumps({"experiment_ids": [experiment], "filter": "metrics.loss > 0.5", "max_results": 50})
                           ),
            }
        samples: dict[str, dict[str, list[float]]] = {name: {"off": [], "on": []} for name in ("log-metric", "search")}
        for round_number in range(args.rounds):
            for name in samples:
                for mode in ("off", "on"):
                    path, body = scenarios[mode][name]
                    p50, non2xx = wrk_p50_us(args.wrk, servers[mode], path, body, args.seconds)
                    if non2xx:
                        raise SystemExit(f"{name} with auth {mode}: {non2xx} non-2xx answers")
                    samples[name][mode].append(p50)
                    print(f"round {round_number + 1} {name:10s} auth {mode:3s}: p50 {p50:7.1f} us", flush=True)
    finally:
        for server in servers.values():
            server.stop()

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    git = subprocess.run(["git", "-C", str(REPO_DIR), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"# Auth overhead ({stamp}, git {git})", "",
        f"One wrk connection, {args.seconds} s per scenario, {args.rounds} alternating rounds; median of the rounds' p50.", "",
        "| request | auth off p50 µs | auth on p50 µs | added µs |", "|---|---:|---:|---:|",
    ]
    for name, by_mode in samples.items():
        off, on = statistics.median(by_mode["off"]), statistics.median(by_mode["on"])
        lines.append(f"| {name} | {off:.1f} | {on:.1f} | {on - off:+.1f} |")
    report = "\n".join(lines) + "\n"
    out = BENCH_DIR / "results" / f"auth-{stamp}.md"
    out.write_text(report)
    print(report)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
