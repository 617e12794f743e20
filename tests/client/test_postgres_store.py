"""Stride on PostgreSQL: start-up refusals in one sentence, and a database that goes away while
Stride serves (503 TEMPORARILY_UNAVAILABLE, which the client retries) and comes back (served again).

The outage test runs its own throwaway cluster (scripts/postgres-scratch), so it needs PostgreSQL's
server programs (Debian's `postgresql`); without them it is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import REPO_ROOT, TARGET, ServerHandle, _free_loopback_port, _wait_healthy

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="stride's own store")

BINARY = os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")
SCRATCH = REPO_ROOT / "scripts" / "postgres-scratch"


def _refusal(tmp_path: Path, uri: str) -> str:
    result = subprocess.run(
        [BINARY, "server", "--port", str(_free_loopback_port()), "--backend-store-uri", uri],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_an_unreachable_database_is_one_sentence_naming_it(tmp_path):
    port = _free_loopback_port()
    line = _refusal(tmp_path, f"postgresql://stride:hunter2@127.0.0.1:{port}/tracking")
    assert f"Cannot open the PostgreSQL database 127.0.0.1:{port}/tracking as 'stride': nothing answers there" in line
    assert "hunter2" not in line


def test_a_bad_sslmode_is_refused_before_connecting(tmp_path):
    line = _refusal(tmp_path, "postgresql://stride@127.0.0.1:1/tracking?sslmode=sometimes")
    assert "sslmode 'sometimes' is not one of disable, allow, prefer, require, verify-ca, verify-full" in line


def _postgres_available() -> bool:
    return shutil.which("initdb") is not None or any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.fixture
def cluster():
    if not _postgres_available():
        pytest.skip("PostgreSQL's server programs are not installed (apt-get install postgresql)")
    directory = tempfile.mkdtemp(prefix="stride-pg-outage-")
    port = _free_loopback_port()
    url = subprocess.run(["bash", str(SCRATCH), "start", directory, str(port)], check=True, capture_output=True,
                         text=True, timeout=120).stdout.strip()
    try:
        yield directory, port, url
    finally:
        subprocess.run(["bash", str(SCRATCH), "stop", directory], capture_output=True, timeout=60)


def test_a_database_lost_while_serving_answers_503_and_is_served_again_once_back(tmp_path, cluster):
    directory, pg_port, url = cluster
    port = _free_loopback_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [BINARY, "server", "--port", str(port), "--backend-store-uri", url, "--database-busy-timeout", "2s"],
            cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", tmp_path, log_path, proc)
    api = f"{handle.uri}/api/2.0/mlflow"
    try:
        _wait_healthy(handle, 30)
        created = requests.post(f"{api}/experiments/create", json={"name": "before-the-outage"}, timeout=10)
        assert created.status_code == 200, created.text

        subprocess.run(["bash", str(SCRATCH), "halt", directory], check=True, capture_output=True, timeout=60)
        during = requests.get(f"{api}/experiments/get-by-name", params={"experiment_name": "before-the-outage"}, timeout=30)
        assert during.status_code == 503
        assert during.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
        assert proc.poll() is None, "Stride must keep running while the database is away"

        subprocess.run(["bash", str(SCRATCH), "resume", directory, str(pg_port)], check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + 30
        while True:
            after = requests.get(f"{api}/experiments/get-by-name", params={"experiment_name": "before-the-outage"}, timeout=30)
            if after.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert after.status_code == 200, after.text
        assert after.json()["experiment"]["experiment_id"] == created.json()["experiment_id"]
    finally:
        handle.stop()
