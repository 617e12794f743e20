"""A `kill -9` under concurrent small writes loses no acknowledged write.

Concurrent writes to the SQLite store share transactions (group commit): each request is answered
only after the transaction holding its data has committed. Several clients log points, batches,
params, tags and new runs at once; the server is killed with SIGKILL mid-load and restarted on the
same files; every write that got a 200 must be there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import BACKEND_SERVER_URI, TARGET, ServerHandle, _free_loopback_port, _server_command, _wait_healthy

pytestmark = pytest.mark.skipif(
    TARGET != "stride" or bool(BACKEND_SERVER_URI), reason="kills and restarts a SQLite Stride server of its own")

API = "/api/2.0/mlflow"


def start(data_dir: Path) -> ServerHandle:
    port = _free_loopback_port()
    log_path = data_dir / "server.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            _server_command("stride", port, data_dir), stdout=log, stderr=subprocess.STDOUT, cwd=data_dir, start_new_session=True)
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", data_dir, log_path, proc)
    _wait_healthy(handle, timeout=30)
    return handle


def post(session: requests.Session, server: ServerHandle, path: str, body: dict) -> requests.Response:
    return session.post(server.uri + API + path, json=body, timeout=30)


def test_kill_9_under_concurrent_writes_loses_no_acknowledged_write():
    data_dir = Path(tempfile.mkdtemp(prefix="stride-durability-")).resolve()
    server = start(data_dir)
    setup = requests.Session()
    experiment = post(setup, server, "/experiments/create", {"name": "durability"}).json()["experiment_id"]
    runs = [post(setup, server, "/runs/create", {"experiment_id": experiment}).json()["run"]["info"]["run_id"] for _ in range(2)]

    stop = threading.Event()
    lock = threading.Lock()
    points: set[tuple[str, str, int]] = set()  # (run, key, step) of acknowledged log-metric and log-batch points
    params: set[tuple[str, str]] = set()
    created: list[str] = []

    def writer(role: str, index: int) -> None:
        session = requests.Session()
        run = runs[index % len(runs)]
        for n in range(1_000_000):
            if stop.is_set():
                return
            try:
                if role == "metric":
                    key = f"m{index}"
                    answer = post(session, server, "/runs/log-metric", {"run_id": run, "key": key, "value": n, "timestamp": n, "step": n})
                    acknowledged = [(run, key, n)]
                elif role == "batch":
                    key = f"b{index}"
                    steps = range(n * 20, n * 20 + 20)
                    answer = post(session, server, "/runs/log-batch", {
                        "run_id": run, "metrics": [{"key": key, "value": s, "timestamp": s, "step": s} for s in steps]})
                    acknowledged = [(run, key, s) for s in steps]
                elif role == "param":
                    answer = post(session, server, "/runs/log-parameter", {"run_id": run, "key": f"p{index}-{n}", "value": str(n)})
                    if answer.status_code == 200:
                        with lock:
                            params.add((run, f"p{index}-{n}"))
                    continue
                else:
                    answer = post(session, server, "/runs/create", {"experiment_id": experiment, "tags": [{"key": "n", "value": str(n)}]})
                    if answer.status_code == 200:
                        with lock:
                            created.append(answer.json()["run"]["info"]["run_id"])
                    continue
            except requests.RequestException:
                return  # the server is gone: what it acknowledged before is what counts
            if answer.status_code == 200:
                with lock:
                    points.update(acknowledged)

    roles = ["metric", "metric", "metric", "batch", "batch", "param", "create"]
    threads = [threading.Thread(target=writer, args=(role, index)) for index, role in enumerate(roles)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (len(points) < 600 or len(created) < 20 or len(params) < 20):
            time.sleep(0.05)
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert len(points) >= 600 and len(created) >= 20 and len(params) >= 20, "too few writes before the kill"

        server = start(data_dir)
        session = requests.Session()
        for run in runs:
            stored_params = {p["key"] for p in session.get(
                server.uri + API + "/runs/get", params={"run_id": run}, timeout=30).json()["run"]["data"].get("params", [])}
            assert {key for r, key in params if r == run} <= stored_params
            for key in sorted({key for r, key, _ in points if r == run}):
                history = session.get(server.uri + API + "/metrics/get-history",
                                      params={"run_id": run, "metric_key": key}, timeout=60).json().get("metrics", [])
                stored = {point["step"] for point in history}
                missing = sorted(step for r, k, step in points if r == run and k == key and step not in stored)
                assert missing == [], f"{run}/{key}: acknowledged steps missing after the restart: {missing[:10]}"
        for run in created:
            answer = session.get(server.uri + API + "/runs/get", params={"run_id": run}, timeout=30)
            assert answer.status_code == 200, f"acknowledged run {run} is gone"
            assert {tag["key"] for tag in answer.json()["run"]["data"]["tags"]} >= {"n", "mlflow.runName"}
    finally:
        stop.set()
        server.stop()
