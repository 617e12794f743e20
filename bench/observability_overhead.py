"""Server CPU per log-metric request, for two binaries (before and after a change), with wrk.

    python bench/observability_overhead.py OLD_BINARY NEW_BINARY [--seconds 10] [--rounds 3]

Prints, per binary and round, requests/s and server CPU (user + system) in microseconds per request.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

import requests

from stride_process import StrideProcess

WRK_DIR = Path(__file__).resolve().parent / "wrk"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(binary: str, seconds: int) -> tuple[float, float]:
    server = StrideProcess(binary)
    try:
        run = requests.post(f"{server.url}/api/2.0/mlflow/runs/create", json={"experiment_id": "0"}).json()["run"]["info"]["run_id"]
        cpu_before = cpu_seconds(server.proc.pid)
        out = subprocess.run(
            ["wrk", "-t1", "-c4", f"-d{seconds}s", "-s", str(WRK_DIR / "log_metric.lua"), server.url,
             "--", "/api/2.0/mlflow/runs/log-metric", run, "1", str(int(time.time() * 1000))],
            capture_output=True, text=True, check=True).stdout
        cpu = cpu_seconds(server.proc.pid) - cpu_before
        total = int(next(line for line in out.splitlines() if "requests in" in line).split()[0])
        return total / seconds, cpu / total * 1e6
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("binaries", nargs=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for round_ in range(args.rounds):
        for binary in args.binaries:
            rate, cpu = measure(binary, args.seconds)
            print(f"round {round_ + 1} {binary}: {rate:,.0f} req/s, {cpu:.0f} µs server CPU per request", flush=True)


if __name__ == "__main__":
    main()
