#!/usr/bin/env python3
"""`stride import` speed: an MLflow database with --runs runs and --points metric points in all.

`mlflow server` creates the schema (its own Alembic migrations, so the revision is real); the rows are
then written straight into MLflow's tables with sqlite3 (the client would take hours for 10 million
points). Each run gets --keys metric keys with equally many steps, two params and two tags.
The import runs once into a fresh Stride store and once more (nothing left to add), each timed.

    /work/venv-client/bin/python bench/import.py --stride-bin .build/release/stride
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def create_schema(python: str, workdir: Path) -> None:
    """Lets `mlflow server` create and migrate the database, then stops it."""
    port = free_port()
    proc = subprocess.Popen(
        [python, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{workdir}/mlflow.db", "--artifacts-destination", f"{workdir}/mlartifacts"],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("mlflow server did not become healthy")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def fill(database: Path, runs: int, points: int, keys: int) -> None:
    """Experiments of 100 runs each, written as MLflow's SQL store writes them."""
    steps = max(1, points // (runs * keys))
    db = sqlite3.connect(database)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    now = 1_700_000_000_000
    experiments = (runs + 99) // 100
    db.executemany(
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) "
        "VALUES (?, ?, ?, 'active', ?, ?)",
        [(e, f"bench-{e}", f"mlflow-artifacts:/{e}", now, now) for e in range(1, experiments + 1)],
    )
    for r in range(runs):
        run_id = uuid.uuid4().hex
        experiment = r // 100 + 1
        db.execute(
            "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, "
            "source_version, lifecycle_stage, artifact_uri, experiment_id) "
            "VALUES (?, ?, 'LOCAL', '', '', 'bench', 'FINISHED', ?, ?, '', 'active', ?, ?)",
            (run_id, f"run-{r}", now + r, now + r + 1000, f"mlflow-artifacts:/{experiment}/{run_id}/artifacts", experiment),
        )
        db.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", [("lr", "0.1", run_id), ("seed", str(r), run_id)])
        db.executemany(
            "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", [("mlflow.runName", f"run-{r}", run_id), ("team", "bench", run_id)]
        )
        db.executemany(
            "INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)",
            ((f"m{k}", step * 0.5 + k, now + step, run_id, step) for k in range(keys) for step in range(steps)),
        )
        db.executemany(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)",
            [(f"m{k}", (steps - 1) * 0.5 + k, now + steps - 1, steps - 1, run_id) for k in range(keys)],
        )
        if r % 1000 == 999:
            db.commit()
    db.commit()
    db.close()


def timed_import(stride: str, workdir: Path) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [stride, "import", "--from", f"sqlite:///{workdir}/mlflow.db", "--artifacts", f"{workdir}/mlartifacts",
         "--backend-store-uri", f"sqlite:///{workdir}/stride/stride.db", "--artifacts-destination", f"{workdir}/stride/artifacts"],
        cwd=workdir, capture_output=True, text=True,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return elapsed, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=10_000_000)
    parser.add_argument("--keys", type=int, default=10)
    parser.add_argument("--stride-bin", default=".build/release/stride")
    parser.add_argument("--mlflow-python", default=sys.executable)
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    parser.add_argument("--workdir", help="generate the MLflow database here and keep it; a later run with the "
                        "same --runs, --points and --keys imports it again without generating it")
    parser.add_argument("--generate-only", action="store_true", help="with --workdir: stop after generating")
    args = parser.parse_args()
    stride = str(Path(args.stride_bin).resolve())
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="stride-import-bench-")).resolve()
    shutil.rmtree(workdir / "stride", ignore_errors=True)
    (workdir / "stride").mkdir(parents=True)
    (workdir / "mlartifacts").mkdir(exist_ok=True)
    marker, sizes = workdir / "generated.txt", f"{args.runs} {args.points} {args.keys}"
    try:
        started = time.monotonic()
        if not (marker.exists() and marker.read_text() == sizes):
            (workdir / "mlflow.db").unlink(missing_ok=True)
            create_schema(args.mlflow_python, workdir)
            fill(workdir / "mlflow.db", args.runs, args.points, args.keys)
            marker.write_text(sizes)
            print(f"generated {args.runs:,} runs and {args.points:,} points in {time.monotonic() - started:.1f} s "
                  f"({(workdir / 'mlflow.db').stat().st_size / 1e6:.0f} MB)")
        else:
            print(f"reusing {workdir / 'mlflow.db'} ({sizes}: runs, points, keys; "
                  f"{(workdir / 'mlflow.db').stat().st_size / 1e6:.0f} MB)")
        if args.generate_only:
            return
        first, output = timed_import(stride, workdir)
        print(output.strip())
        print(f"first import: {first:.1f} s wall, {args.points / first:,.0f} metric points/s")
        second, output = timed_import(stride, workdir)
        print(re.sub(r"\n.*Took.*", "", output.strip()))
        print(f"second import (nothing to add): {second:.1f} s wall")
    finally:
        if args.keep or args.workdir:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
