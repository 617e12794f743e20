"""Running Stride for real: `stride gc`, `stride db`, `GET /metrics`, `X-Request-Id`, readiness
and `stride --version`, against a private server (gc must not remove other tests' deleted runs).
`stride gc` and `stride db` also run on a store in PostgreSQL when the suite has a server for it
(`STRIDE_TEST_POSTGRES_URL`, as scripts/test sets it, or `STRIDE_TEST_BACKEND_STORE_URI`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import mlflow
import pytest
import requests
from mlflow.exceptions import MlflowException
from prometheus_client.parser import text_string_to_metric_families

from conftest import (
    REPO_ROOT, TARGET, ServerHandle, _drop_postgres_database, _free_loopback_port, _fresh_postgres_database, _server_command,
    _wait_healthy,
)

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="stride's own operations commands")

BINARY = os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")
POSTGRES_SERVER_URI = (os.environ.get("STRIDE_TEST_POSTGRES_URL") or os.environ.get("STRIDE_TEST_BACKEND_STORE_URI") or "").strip()


@pytest.fixture(scope="module")
def private_server():
    data_dir = Path(tempfile.mkdtemp(prefix="stride-ops-")).resolve()
    log_path = data_dir / "server.log"
    port = _free_loopback_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            _server_command("stride", port, data_dir), stdout=log, stderr=subprocess.STDOUT, cwd=data_dir, start_new_session=True
        )
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", data_dir, log_path, proc)
    _wait_healthy(handle, timeout=30)
    yield handle
    handle.stop()


def stride(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "STRIDE_BACKEND_STORE_URI": f"sqlite:///{data_dir}/stride.db",
        "STRIDE_ARTIFACTS_DESTINATION": f"{data_dir}/artifacts",
    }
    result = subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=300, cwd=data_dir)
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result


def make_runs(client: mlflow.MlflowClient, experiment_id: str, count: int, points: int, tmp: Path) -> list[str]:
    artifact = tmp / "weights.bin"
    artifact.write_bytes(os.urandom(64 * 1024))
    ids = []
    for _ in range(count):
        run = client.create_run(experiment_id)
        metrics = [mlflow.entities.Metric("loss", i * 0.5, 1000 + i, i) for i in range(points)]
        for start in range(0, points, 1000):
            client.log_batch(run.info.run_id, metrics=metrics[start : start + 1000], params=[mlflow.entities.Param("lr", "0.1")])
        client.log_artifact(run.info.run_id, str(artifact))
        ids.append(run.info.run_id)
    return ids


def while_logging(client: mlflow.MlflowClient, run_id: str, action):
    """Runs `action` while a thread logs metric `live` to the run step after step; returns what
    `action` returned and the steps the server acknowledged."""
    logged = []
    stop = threading.Event()

    def keep_logging():
        step = 0
        while not stop.is_set():
            client.log_metric(run_id, "live", float(step), step=step)
            logged.append(step)
            step += 1

    logger = threading.Thread(target=keep_logging)
    logger.start()
    try:
        result = action()
    finally:
        stop.set()
        logger.join()
    return result, logged


def run_folder(data_dir: Path, experiment_id: str, run_id: str) -> Path:
    return data_dir / "artifacts" / experiment_id / run_id


def test_gc_removes_deleted_runs_and_experiments_while_a_live_run_keeps_logging(private_server, tmp_path):
    client = mlflow.MlflowClient(private_server.uri)
    data_dir = private_server.data_dir
    kept_experiment = client.create_experiment("gc-kept")
    doomed = make_runs(client, kept_experiment, count=4, points=5000, tmp=tmp_path)
    survivors = make_runs(client, kept_experiment, count=2, points=100, tmp=tmp_path)
    gone_experiment = client.create_experiment("gc-gone")
    in_gone_experiment = make_runs(client, gone_experiment, count=2, points=100, tmp=tmp_path)
    for run_id in doomed:
        client.delete_run(run_id)
    client.delete_experiment(gone_experiment)
    database = data_dir / "stride.db"

    live = client.create_run(kept_experiment).info.run_id
    result, logged = while_logging(client, live, lambda: stride(data_dir, "gc"))

    assert "Removed 6 runs and 1 experiments (20200 metric points, 7 artifact folders)" in result.stdout, result.stdout
    for run_id in doomed + in_gone_experiment:
        with pytest.raises(MlflowException, match="RESOURCE_DOES_NOT_EXIST|not found"):
            client.get_run(run_id)
    for run_id in doomed:
        assert not run_folder(data_dir, kept_experiment, run_id).exists()
    assert not (data_dir / "artifacts" / gone_experiment).exists()
    with pytest.raises(MlflowException):
        client.get_experiment(gone_experiment)
    for run_id in survivors:
        assert len(client.get_metric_history(run_id, "loss")) == 100
        assert run_folder(data_dir, kept_experiment, run_id).joinpath("artifacts", "weights.bin").stat().st_size == 64 * 1024
    assert len(logged) > 0
    assert [m.step for m in client.get_metric_history(live, "live")] == logged
    # A new store returns freed pages to the file system at the end of gc (incremental auto-vacuum).
    sizes = re.search(r"Store file: ([0-9.]+) MB before, ([0-9.]+) MB now", result.stdout)
    assert sizes and float(sizes[2]) < float(sizes[1]), result.stdout
    assert database.stat().st_size <= float(sizes[2]) * 1_000_000 + 100_000

    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM metrics m JOIN runs r USING (run_pk) WHERE r.lifecycle_stage = 'deleted'").fetchone() == (0,)
        orphans = db.execute("SELECT COUNT(*) FROM metrics WHERE run_pk NOT IN (SELECT run_pk FROM runs)").fetchone()
        assert orphans == (0,)


def test_gc_of_an_experiment_takes_its_traces_so_the_experiment_that_reuses_its_id_starts_empty(private_server):
    client = mlflow.MlflowClient(private_server.uri)
    previous_uri = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(private_server.uri)
    try:
        traced = client.create_experiment("gc-traced")
        for step in range(3):
            span = client.start_trace(f"step-{step}", inputs={"step": step}, experiment_id=traced)
            client.end_trace(span.trace_id, outputs={"done": True})
        mlflow.flush_trace_async_logging(terminate=False)
        assert len(mlflow.search_traces(locations=[traced], return_type="list")) == 3
        client.delete_experiment(traced)

        result = stride(private_server.data_dir, "gc", "--experiment-ids", traced)
        assert "1 experiments" in result.stdout, result.stdout

        # SQLite hands the purged experiment's id to the next experiment: it must not inherit the traces.
        successor = client.create_experiment("gc-successor")
        assert successor == traced
        assert mlflow.search_traces(locations=[successor], return_type="list") == []
    finally:
        mlflow.set_tracking_uri(previous_uri)


def test_gc_refuses_a_live_run_named_explicitly_and_removes_nothing(private_server, tmp_path):
    client = mlflow.MlflowClient(private_server.uri)
    experiment = client.create_experiment("gc-explicit")
    live, deleted = make_runs(client, experiment, count=2, points=10, tmp=tmp_path)
    client.delete_run(deleted)
    refused = stride(private_server.data_dir, "gc", "--run-ids", f"{live},{deleted}", ok=False)
    assert f"Run {live} is not in `deleted` lifecycle stage" in refused.stderr
    assert client.get_run(deleted).info.lifecycle_stage == "deleted"

    too_recent = stride(private_server.data_dir, "gc", "--run-ids", deleted, "--older-than", "1d", ok=False)
    assert "more recently than --older-than" in too_recent.stderr

    dry = stride(private_server.data_dir, "gc", "--run-ids", deleted, "--dry-run")
    assert f"would remove run {deleted}" in dry.stdout
    assert client.get_run(deleted).info.lifecycle_stage == "deleted"

    stride(private_server.data_dir, "gc", "--run-ids", deleted)
    with pytest.raises(MlflowException):
        client.get_run(deleted)
    assert len(client.get_metric_history(live, "loss")) == 10


def test_gc_reads_mlflows_duration_format_and_refuses_others(private_server):
    assert "Could not parse --older-than '3 days'" in stride(private_server.data_dir, "gc", "--older-than", "3 days", ok=False).stderr
    assert "Removed 0 runs" in stride(private_server.data_dir, "gc", "--older-than", "1d2h3m4s").stdout


def test_db_check_upgrade_and_an_online_backup(private_server, tmp_path):
    data_dir = private_server.data_dir
    check = stride(data_dir, "db", "check")
    assert "Migrations: none pending" in check.stdout
    assert "Integrity: ok" in check.stdout
    assert "is up to date" in stride(data_dir, "db", "upgrade").stdout

    client = mlflow.MlflowClient(private_server.uri)
    run = client.create_run(client.create_experiment("backed-up")).info.run_id
    client.log_batch(run, metrics=[mlflow.entities.Metric("m", float(i), 1, i) for i in range(500)])
    copy = tmp_path / "copy.db"
    assert "Backed up" in stride(data_dir, "db", "backup", "--to", str(copy)).stdout
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM metrics m JOIN runs r USING (run_pk) WHERE r.run_uuid = ?", (run,)).fetchone() == (500,)
    assert "exists" in stride(data_dir, "db", "backup", "--to", str(copy), ok=False).stderr
    restored = subprocess.run(
        [BINARY, "db", "check", "--backend-store-uri", f"sqlite:///{copy}"], capture_output=True, text=True, timeout=60
    )
    assert restored.returncode == 0 and "Integrity: ok" in restored.stdout


def test_db_check_says_what_a_start_would_migrate_on_an_old_store(tmp_path):
    database = tmp_path / "old.db"
    stride_dir = tmp_path
    subprocess.run([BINARY, "project", "list", "--backend-store-uri", f"sqlite:///{database}"], check=True, capture_output=True, cwd=stride_dir)
    with sqlite3.connect(database) as db:
        db.execute("DROP INDEX runs_by_experiment_stage")
        db.execute("DELETE FROM grdb_migrations WHERE identifier = 'v7'")
    check = subprocess.run([BINARY, "db", "check", "--backend-store-uri", f"sqlite:///{database}"], capture_output=True, text=True)
    # The store lacks v7 only (later migrations are recorded): check names exactly that one.
    assert "would apply v7\n" in check.stdout and "Integrity: ok" in check.stdout, check.stdout
    upgrade = subprocess.run([BINARY, "db", "upgrade", "--backend-store-uri", f"sqlite:///{database}"], capture_output=True, text=True)
    assert "Applied v7" in upgrade.stdout, upgrade.stdout + upgrade.stderr
    missing = subprocess.run([BINARY, "db", "check", "--backend-store-uri", f"sqlite:///{tmp_path}/none.db"], capture_output=True, text=True)
    assert missing.returncode != 0 and "There is no store" in missing.stderr


@pytest.fixture(scope="module")
def postgres_server():
    """A private Stride on a fresh PostgreSQL database, with its store URI."""
    if not POSTGRES_SERVER_URI:
        pytest.skip("no PostgreSQL server for the tests (STRIDE_TEST_POSTGRES_URL)")
    data_dir = Path(tempfile.mkdtemp(prefix="stride-ops-pg-")).resolve()
    store_uri = _fresh_postgres_database(POSTGRES_SERVER_URI)
    port = _free_loopback_port()
    with open(data_dir / "server.log", "wb") as log:
        proc = subprocess.Popen(
            _server_command("stride", port, data_dir, store_uri), stdout=log, stderr=subprocess.STDOUT, cwd=data_dir, start_new_session=True
        )
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", data_dir, data_dir / "server.log", proc)
    try:
        _wait_healthy(handle, timeout=30)
        yield handle, store_uri
    finally:
        handle.stop()
        _drop_postgres_database(store_uri, POSTGRES_SERVER_URI)


def stride_on(store_uri: str, data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "STRIDE_BACKEND_STORE_URI": store_uri, "STRIDE_ARTIFACTS_DESTINATION": f"{data_dir}/artifacts"}
    result = subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=300, cwd=data_dir)
    assert (result.returncode == 0) == ok, result.stdout + result.stderr
    return result


def psql_value(store_uri: str, query: str) -> str:
    return subprocess.run(["psql", store_uri, "-tAc", query], check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def test_gc_on_postgresql_removes_deleted_runs_and_experiments_while_a_live_run_keeps_logging(postgres_server, tmp_path):
    handle, store_uri = postgres_server
    client = mlflow.MlflowClient(handle.uri)
    kept_experiment = client.create_experiment("gc-kept")
    doomed = make_runs(client, kept_experiment, count=2, points=3000, tmp=tmp_path)
    survivor = make_runs(client, kept_experiment, count=1, points=100, tmp=tmp_path)[0]
    gone_experiment = client.create_experiment("gc-gone")
    in_gone_experiment = make_runs(client, gone_experiment, count=1, points=100, tmp=tmp_path)
    for run_id in doomed:
        client.delete_run(run_id)
    client.delete_experiment(gone_experiment)

    live = client.create_run(kept_experiment).info.run_id
    result, logged = while_logging(client, live, lambda: stride_on(store_uri, handle.data_dir, "gc"))

    assert "Removed 3 runs and 1 experiments (6100 metric points, 4 artifact folders)" in result.stdout, result.stdout
    assert "autovacuum" in result.stdout
    for run_id in doomed + in_gone_experiment:
        with pytest.raises(MlflowException, match="RESOURCE_DOES_NOT_EXIST|not found"):
            client.get_run(run_id)
    for run_id in doomed:
        assert not run_folder(handle.data_dir, kept_experiment, run_id).exists()
    assert not (handle.data_dir / "artifacts" / gone_experiment).exists()
    with pytest.raises(MlflowException):
        client.get_experiment(gone_experiment)
    assert len(client.get_metric_history(survivor, "loss")) == 100
    assert run_folder(handle.data_dir, kept_experiment, survivor).joinpath("artifacts", "weights.bin").exists()
    assert len(logged) > 0
    assert [m.step for m in client.get_metric_history(live, "live")] == logged
    assert psql_value(store_uri, "SELECT count(*) FROM metrics WHERE run_pk NOT IN (SELECT run_pk FROM runs)") == "0"
    assert psql_value(store_uri, "SELECT count(*) FROM params WHERE run_pk NOT IN (SELECT run_pk FROM runs)") == "0"


def test_db_on_postgresql_checks_and_upgrades_without_a_server_and_names_pg_dump_for_backups(postgres_server, tmp_path):
    handle, store_uri = postgres_server
    check = stride_on(store_uri, handle.data_dir, "db", "check")
    assert "Migrations: none pending" in check.stdout and "Integrity: not checked by Stride" in check.stdout, check.stdout
    assert "is up to date" in stride_on(store_uri, handle.data_dir, "db", "upgrade").stdout
    refused = stride_on(store_uri, handle.data_dir, "db", "backup", "--to", str(tmp_path / "copy.db"), ok=False)
    assert "pg_dump --format=custom" in refused.stderr and not (tmp_path / "copy.db").exists()

    # An empty database: check changes nothing and names every migration; upgrade applies them.
    empty = _fresh_postgres_database(POSTGRES_SERVER_URI)
    try:
        before = stride_on(empty, tmp_path, "db", "check")
        assert "Schema: empty" in before.stdout and "would apply v1, v2," in before.stdout, before.stdout
        assert psql_value(empty, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
        applied = stride_on(empty, tmp_path, "db", "upgrade")
        assert "Applied v1, v2," in applied.stdout, applied.stdout
        assert "Migrations: none pending" in stride_on(empty, tmp_path, "db", "check").stdout
    finally:
        _drop_postgres_database(empty, POSTGRES_SERVER_URI)


def scrape(uri: str) -> dict[tuple[str, tuple], float]:
    response = requests.get(f"{uri}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_count_what_the_client_did(private_server, tmp_path):
    client = mlflow.MlflowClient(private_server.uri)
    run = client.create_run(client.create_experiment("metered")).info.run_id
    before = scrape(private_server.uri)
    for step in range(7):
        client.log_metric(run, "x", float(step), step=step)
    client.log_batch(run, metrics=[mlflow.entities.Metric("y", 1.0, 1, i) for i in range(30)])
    payload = tmp_path / "blob.bin"
    payload.write_bytes(b"z" * 12345)
    client.log_artifact(run, str(payload))
    client.download_artifacts(run, "blob.bin", str(tmp_path / "down"))
    after = scrape(private_server.uri)

    def delta(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    route = "/api/2.0/mlflow/runs/log-metric"
    assert delta("stride_http_requests_total", route=route, method="POST", status="200") == 7
    assert delta("stride_http_request_duration_seconds_count", route=route, method="POST") == 7
    assert delta("stride_metric_points_ingested_total") == 37
    assert delta("stride_artifact_bytes_in_total") == 12345
    assert delta("stride_artifact_bytes_out_total") == 12345
    assert delta("stride_http_requests_total", route="/api/2.0/mlflow/runs/log-batch", method="POST", status="200") == 1
    assert after[("stride_process_resident_memory_bytes", ())] > 1_000_000
    assert after[("stride_open_connections", ())] >= 1
    assert after[("stride_db_seconds_count", (("connection", "writer"),))] > 0
    # Routes are labelled by pattern, never by the raw path (a run id would mint a series per run).
    assert not any(run in str(labels) for _, labels in after)


def test_every_response_carries_a_request_id_and_readiness_touches_the_store(private_server):
    first = requests.get(f"{private_server.uri}/health/ready", timeout=10)
    second = requests.get(f"{private_server.uri}/api/2.0/mlflow/experiments/get", params={"experiment_id": "999999"}, timeout=10)
    assert first.status_code == 200 and first.text == "OK"
    assert second.status_code == 404
    ids = {first.headers["X-Request-Id"], second.headers["X-Request-Id"]}
    assert len(ids) == 2 and all(len(i) >= 16 for i in ids)


def test_version_flag_prints_the_version():
    result = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert result.stdout.strip().count(".") == 2


def test_metrics_need_a_token_when_auth_is_on(tmp_path):
    env = {**os.environ, "STRIDE_BACKEND_STORE_URI": f"sqlite:///{tmp_path}/stride.db", "STRIDE_ARTIFACTS_DESTINATION": f"{tmp_path}/artifacts"}
    token = subprocess.run(
        [BINARY, "token", "create", "--role", "reader"], env=env, capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path
    ).stdout.strip()
    port = _free_loopback_port()
    with open(tmp_path / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [BINARY, "server", "--port", str(port), "--auth", "--create-store-dirs"], env=env, stdout=log, stderr=subprocess.STDOUT,
            cwd=tmp_path, start_new_session=True)
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", tmp_path, tmp_path / "server.log", proc)
    try:
        _wait_healthy(handle, timeout=30)
        assert requests.get(f"{handle.uri}/metrics", timeout=10).status_code == 401
        assert requests.get(f"{handle.uri}/health/ready", timeout=10).status_code == 200
        scraped = requests.get(f"{handle.uri}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert scraped.status_code == 200 and "stride_http_requests_total" in scraped.text
    finally:
        handle.stop()
