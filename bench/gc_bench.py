"""`stride gc` of many deleted runs with artifacts: how long it takes, and what a client of the
running server sees meanwhile (latency of log-metric and runs/get, against the same probe without gc).

    python bench/gc_bench.py --stride-bin .build/release/stride --runs 10000

Needs `requests`; the numbers go to docs/performance.md.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import statistics
import subprocess
import threading
import time

import requests

from stride_process import StrideProcess


def populate(url: str, runs: int, points: int, artifact_bytes: int, workers: int) -> tuple[str, list[str]]:
    session = requests.Session()
    experiment = session.post(f"{url}/api/2.0/mlflow/experiments/create", json={"name": "gc-bench"}).json()["experiment_id"]
    blob = b"a" * artifact_bytes

    def one(_: int) -> str:
        s = requests.Session()
        run = s.post(f"{url}/api/2.0/mlflow/runs/create", json={"experiment_id": experiment, "start_time": 1}).json()["run"]["info"]
        run_id = run["run_id"]
        metrics = [{"key": "loss", "value": i / 10, "timestamp": 1, "step": i} for i in range(points)]
        s.post(f"{url}/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": metrics, "params": [{"key": "lr", "value": "0.1"}]})
        s.put(f"{url}/api/2.0/mlflow-artifacts/artifacts/{experiment}/{run_id}/artifacts/model.bin", data=blob).raise_for_status()
        s.post(f"{url}/api/2.0/mlflow/runs/delete", json={"run_id": run_id}).raise_for_status()
        return run_id

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        ids = list(pool.map(one, range(runs)))
    return experiment, ids


def probe(url: str, experiment: str, stop: threading.Event, seconds: float | None) -> list[float]:
    """Alternates log-metric and runs/get on a live run; returns each request's latency in ms."""
    session = requests.Session()
    run_id = session.post(f"{url}/api/2.0/mlflow/runs/create", json={"experiment_id": experiment}).json()["run"]["info"]["run_id"]
    latencies = []
    end = time.monotonic() + seconds if seconds else None
    step = 0
    while not stop.is_set() and (end is None or time.monotonic() < end):
        started = time.perf_counter()
        session.post(f"{url}/api/2.0/mlflow/runs/log-metric", json={"run_id": run_id, "key": "live", "value": 1.0, "timestamp": 1, "step": step}).raise_for_status()
        latencies.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        session.get(f"{url}/api/2.0/mlflow/runs/get", params={"run_id": run_id}).raise_for_status()
        latencies.append((time.perf_counter() - started) * 1000)
        step += 1
    return latencies


def summary(latencies: list[float]) -> dict:
    ordered = sorted(latencies)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)  # noqa: E731
    return {"requests": len(ordered), "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": round(ordered[-1], 2),
            "mean_ms": round(statistics.fmean(ordered), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stride-bin")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=100, help="metric points per run")
    parser.add_argument("--artifact-bytes", type=int, default=16 * 1024)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, help="the server's loopback port (default: any free one)")
    args = parser.parse_args()

    server = StrideProcess(args.stride_bin, port=args.port)
    try:
        started = time.monotonic()
        experiment, _ = populate(server.url, args.runs, args.points, args.artifact_bytes, args.workers)
        populated = time.monotonic() - started
        baseline = probe(server.url, experiment, threading.Event(), seconds=10)

        stop = threading.Event()
        during: list[float] = []
        prober = threading.Thread(target=lambda: during.extend(probe(server.url, experiment, stop, None)))
        prober.start()
        gc_started = time.monotonic()
        gc = subprocess.run(
            [str(server.binary), "gc", "--backend-store-uri", f"sqlite:///{server.data_dir}/stride.db",
             "--artifacts-destination", f"{server.data_dir}/artifacts"],
            capture_output=True, text=True)
        gc_seconds = time.monotonic() - gc_started
        stop.set()
        prober.join()
        if gc.returncode != 0:
            raise SystemExit(gc.stderr)
        print(json.dumps({
            "runs": args.runs, "points_per_run": args.points, "artifact_bytes": args.artifact_bytes,
            "populate_s": round(populated, 1), "gc_s": round(gc_seconds, 1), "gc_runs_per_s": round(args.runs / gc_seconds),
            "gc_last_lines": gc.stdout.strip().splitlines()[-2:],
            "latency_without_gc": summary(baseline), "latency_during_gc": summary(during),
        }, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
