"""get-history-bulk-interval on long histories: server time of MLflow's exact NTILE sample.

Logs one run with POINTS consecutive steps and one with every other step (log-batch, 1,000 points a
request), then times `metrics/get-history-bulk-interval` (max_results 1,000 and 2,500, whole range and
the middle tenth) and the web UI's chart page of each run (`/charts?run=...`, which samples through the
same store call), and prints medians. Usage:

    python bench/bulk_interval.py --points 1000000 [--stride-bin .build/release/stride] [--rounds 15]
"""
from __future__ import annotations

import argparse
import statistics
import time

import requests

from stride_process import StrideProcess

API = "/api/2.0/mlflow"


def log_history(url: str, run_id: str, steps: range) -> None:
    session = requests.Session()
    batch: list[dict] = []
    for step in steps:
        batch.append({"key": "loss", "value": 1.0 / (step + 1), "timestamp": 1_700_000_000_000 + step, "step": step})
        if len(batch) == 1000:
            session.post(url + API + "/runs/log-batch", json={"run_id": run_id, "metrics": batch}).raise_for_status()
            batch = []
    if batch:
        session.post(url + API + "/runs/log-batch", json={"run_id": run_id, "metrics": batch}).raise_for_status()


def median_ms(url: str, params: dict, rounds: int, path: str = "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval") -> tuple[float, int]:
    session = requests.Session()
    times = []
    count = 0
    for _ in range(rounds):
        started = time.perf_counter()
        resp = session.get(url + path, params=params)
        times.append((time.perf_counter() - started) * 1000)
        resp.raise_for_status()
        count = len(resp.json().get("metrics", [])) if path.startswith("/ajax-api") else len(resp.content)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--stride-bin")
    args = parser.parse_args()
    server = StrideProcess(args.stride_bin)
    try:
        experiment = requests.post(server.url + API + "/experiments/create", json={"name": "bulk"}).json()["experiment_id"]
        runs = {}
        for name, steps in [("consecutive", range(args.points)), ("every other step", range(0, 2 * args.points, 2))]:
            run_id = requests.post(server.url + API + "/runs/create", json={"experiment_id": experiment}).json()["run"]["info"]["run_id"]
            started = time.perf_counter()
            log_history(server.url, run_id, steps)
            print(f"logged {args.points:,} points ({name}) in {time.perf_counter() - started:.1f} s")
            runs[name] = (run_id, steps)
        print(f"{'history':<18} {'range':<14} {'max_results':>11} {'points':>7} {'median ms':>10}")
        for name, (run_id, steps) in runs.items():
            tenth = len(steps) // 10
            middle = {"start_step": steps[4 * tenth], "end_step": steps[5 * tenth]}
            for label, extra in [("whole", {}), ("middle tenth", middle)]:
                for max_results in (1000, 2500):
                    params = {"run_ids": run_id, "metric_key": "loss", "max_results": max_results, **extra}
                    ms, count = median_ms(server.url, params, args.rounds)
                    print(f"{name:<18} {label:<14} {max_results:>11} {count:>7} {ms:>10.1f}")
        print(f"{'chart page':<18} {'bytes':>8} {'median ms':>10}")
        for name, (run_id, _) in runs.items():
            ms, size = median_ms(server.url, {"run": run_id}, args.rounds, path="/charts")
            print(f"{name:<18} {size:>8} {ms:>10.1f}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
