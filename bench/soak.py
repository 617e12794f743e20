#!/usr/bin/env python3
"""Soak test (issue 12): --clients clients of mixed traffic for --minutes, RSS over time and errors.

Starts Stride (release build by default) on a fresh data folder. Each client loops over a mix that
matches a team's day: ingest (log-batch of 100 metrics over 10 keys, log-metric, set-tag, a new run
every 200 batches), search (runs/search with a filter and an order, experiments/search, metric
history) and web UI pages (experiments list, runs table, run page, charts). The server's RSS is read
from /proc every --sample seconds.

Reports RSS per minute, the change from the end of the first minute (after warm-up) to the end,
requests and errors per operation. An error is a non-2xx answer or a connection failure. Exit code 1
on any error, a dead server, or RSS growth over --max-growth percent.

    /work/venv-client/bin/python bench/soak.py --minutes 60 [--clients 4] [--stride-bin PATH]
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stride_process import StrideProcess  # noqa: E402

API = "/api/2.0/mlflow"


class Client:
    """One client's loop; counts requests and errors per operation in the shared tallies."""

    def __init__(self, url: str, experiment_id: str, index: int, tallies: dict, lock: threading.Lock):
        self.url, self.experiment_id, self.index = url, experiment_id, index
        self.session = requests.Session()
        self.tallies, self.lock = tallies, lock
        self.random = random.Random(index)
        self.step = 0
        self.run_id = ""
        self.batches_in_run = 0

    def call(self, op: str, method: str, path: str, **kwargs) -> requests.Response | None:
        try:
            resp = self.session.request(method, self.url + path, timeout=60, **kwargs)
            failed = not 200 <= resp.status_code < 300
            detail = f"{resp.status_code} {resp.text[:120]}" if failed else ""
        except requests.RequestException as error:
            resp, failed, detail = None, True, repr(error)[:160]
        with self.lock:
            tally = self.tallies[op]
            tally["requests"] += 1
            if failed:
                tally["errors"] += 1
                tally.setdefault("first", detail)
        return None if failed else resp

    def new_run(self) -> None:
        resp = self.call("runs/create", "POST", API + "/runs/create",
                         json={"experiment_id": self.experiment_id, "start_time": int(time.time() * 1000),
                               "tags": [{"key": "client", "value": str(self.index)}]})
        if resp is not None:
            self.run_id = resp.json()["run"]["info"]["run_id"]
            self.batches_in_run = 0
            self.call("runs/log-batch", "POST", API + "/runs/log-batch", json={
                "run_id": self.run_id, "params": [{"key": f"p{i}", "value": str(self.random.random())} for i in range(10)]})

    def ingest(self) -> None:
        if not self.run_id or self.batches_in_run >= 200:
            self.new_run()
        now = int(time.time() * 1000)
        metrics = [{"key": f"m{k}", "value": self.random.random(), "timestamp": now, "step": self.step + s}
                   for k in range(10) for s in range(10)]
        self.step += 10
        self.batches_in_run += 1
        self.call("runs/log-batch", "POST", API + "/runs/log-batch", json={"run_id": self.run_id, "metrics": metrics})
        self.call("runs/log-metric", "POST", API + "/runs/log-metric",
                  json={"run_id": self.run_id, "key": "loss", "value": self.random.random(), "timestamp": now, "step": self.step})
        self.call("runs/set-tag", "POST", API + "/runs/set-tag", json={"run_id": self.run_id, "key": "phase", "value": str(self.step)})

    def search(self) -> None:
        self.call("runs/search", "POST", API + "/runs/search", json={
            "experiment_ids": [self.experiment_id], "filter": "metrics.m0 < 0.5 and params.p0 LIKE '0.%'",
            "order_by": ["metrics.m1 DESC"], "max_results": 100})
        self.call("experiments/search", "POST", API + "/experiments/search", json={"max_results": 50})
        if self.run_id:
            self.call("metrics/get-history", "GET", API + "/metrics/get-history", params={"run_id": self.run_id, "metric_key": "m0"})

    def pages(self) -> None:
        self.call("ui /", "GET", "/")
        self.call("ui runs table", "GET", f"/experiments/{self.experiment_id}")
        if self.run_id:
            self.call("ui run page", "GET", f"/runs/{self.run_id}")
            self.call("ui charts", "GET", "/charts", params={"run": self.run_id})

    def loop(self, stop: threading.Event) -> None:
        while not stop.is_set():
            choice = self.random.random()
            if choice < 0.6:
                self.ingest()
            elif choice < 0.85:
                self.search()
            else:
                self.pages()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stride-bin", help="default: .build/release/stride")
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--sample", type=float, default=5, help="seconds between RSS samples")
    parser.add_argument("--max-growth", type=float, default=10, help="allowed RSS growth after the first minute, percent")
    args = parser.parse_args()

    server = StrideProcess(args.stride_bin)
    tallies: dict = collections.defaultdict(lambda: {"requests": 0, "errors": 0})
    lock = threading.Lock()
    stop = threading.Event()
    samples: list[tuple[float, int]] = []
    try:
        experiment_id = requests.post(server.url + API + "/experiments/create", json={"name": "soak"}, timeout=30).json()["experiment_id"]
        clients = [Client(server.url, experiment_id, i, tallies, lock) for i in range(args.clients)]
        threads = [threading.Thread(target=c.loop, args=(stop,), daemon=True) for c in clients]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        deadline = started + args.minutes * 60
        while time.monotonic() < deadline and server.alive():
            samples.append((time.monotonic() - started, server.status_kb("VmRSS")))
            time.sleep(min(args.sample, max(0.0, deadline - time.monotonic())))
        stop.set()
        for thread in threads:
            thread.join(timeout=90)
        alive = server.alive()
        if alive:
            samples.append((time.monotonic() - started, server.status_kb("VmRSS")))
        peak = server.status_kb("VmHWM") if alive else 0
    finally:
        stop.set()
        server.stop()

    elapsed = samples[-1][0] if samples else 0
    print(f"# Soak: {args.clients} clients, {elapsed / 60:.1f} min (binary {server.binary})\n")
    print("| minute | RSS MB (last sample) |\n|---|---|")
    by_minute: dict[int, int] = {}
    for seconds, rss in samples:
        by_minute[int(seconds // 60)] = rss
    for minute, rss in sorted(by_minute.items()):
        print(f"| {minute + 1} | {rss / 1024:.1f} |")
    warm = next((rss for seconds, rss in samples if seconds >= 60), samples[0][1] if samples else 0)
    final = samples[-1][1] if samples else 0
    growth = (final - warm) / warm * 100 if warm else 0
    print(f"\n- RSS after the first minute {warm / 1024:.1f} MB, at the end {final / 1024:.1f} MB ({growth:+.1f} %), peak (VmHWM) {peak / 1024:.1f} MB")
    total = sum(t["requests"] for t in tallies.values())
    errors = sum(t["errors"] for t in tallies.values())
    print(f"- requests {total:,} ({total / max(elapsed, 1):.0f}/s), errors {errors}, server alive at the end: {alive}\n")
    print("| operation | requests | errors | first error |\n|---|---|---|---|")
    for op, tally in sorted(tallies.items()):
        print(f"| {op} | {tally['requests']:,} | {tally['errors']} | {tally.get('first', '')} |")
    ok = alive and errors == 0 and growth <= args.max_growth
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
