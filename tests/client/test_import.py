"""`stride import`: an MLflow server's database and artifacts, made here by the real `mlflow` client
against a real `mlflow server` (SQLite), imported into a fresh Stride store and read back through the
`mlflow` client against `stride server`: a store in SQLite, and one in PostgreSQL when the suite has a
server for it (`STRIDE_TEST_POSTGRES_URL`, as scripts/test sets it, or `STRIDE_TEST_BACKEND_STORE_URI`)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import requests
from conftest import (
    REPO_ROOT, ServerHandle, _drop_postgres_database, _free_loopback_port, _fresh_postgres_database, _wait_healthy,
)
from mlflow.entities import Metric
from sklearn.linear_model import LogisticRegression

HISTORY_POINTS = 10_000
STRIDE = Path(os.environ.get("STRIDE_BIN") or REPO_ROOT / ".build" / "debug" / "stride")
POSTGRES_SERVER_URI = (os.environ.get("STRIDE_TEST_POSTGRES_URL") or os.environ.get("STRIDE_TEST_BACKEND_STORE_URI") or "").strip()
COUNTED_TABLES = ["experiments", "runs", "params", "run_tags", "metrics", "latest_metrics", "run_inputs", "logged_models",
                  "registered_models", "model_versions", "registered_model_aliases"]


def _start(cmd: list[str], workdir: Path, name: str, timeout: float, port: int) -> ServerHandle:
    log_path = workdir / f"{name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=workdir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    handle = ServerHandle(name, f"http://127.0.0.1:{port}", workdir, log_path, proc)
    _wait_healthy(handle, timeout)
    return handle


def _stride_import(workdir: Path, store: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(STRIDE), "import", *args, "--backend-store-uri", store["uri"], "--artifacts-destination", store["artifacts"]],
        cwd=workdir, capture_output=True, text=True, timeout=300,
    )


def _populate(uri: str) -> dict:
    """Experiments, nested runs, a long history, a dataset, artifacts and a registered sklearn model."""
    mlflow.set_tracking_uri(uri)
    client = mlflow.MlflowClient(uri)
    made: dict = {}
    experiment_id = client.create_experiment("imported-experiment", tags={"team": "vision"})
    mlflow.set_experiment(experiment_id=experiment_id)
    with mlflow.start_run(run_name="parent") as parent:
        mlflow.log_params({"lr": "0.1", "layers": "3"})
        mlflow.set_tag("stage", "sweep")
        client.log_batch(
            parent.info.run_id,
            metrics=[Metric("loss", 1.0 / (step + 1), 1_700_000_000_000 + step, step) for step in range(HISTORY_POINTS)],
        )
        mlflow.log_text("hello from mlflow", "notes/readme.txt")
        mlflow.log_dict({"k": [1, 2, 3]}, "config.json")
        frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0, 0, 1, 1]})
        mlflow.log_input(mlflow.data.from_pandas(frame, name="toy"), context="training")
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_metric("accuracy", 0.75, step=1)
            mlflow.log_metric("accuracy", 0.5, step=0)
        model = LogisticRegression().fit(frame[["x"]], frame["y"])
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name="classifier", input_example=frame[["x"]])
    client.set_registered_model_alias("classifier", "champion", "1")
    client.set_registered_model_tag("classifier", "owner", "ml-team")
    client.set_model_version_tag("classifier", "1", "validated", "yes")
    with mlflow.start_run(run_name="deleted") as gone:
        mlflow.log_param("p", "1")
    client.delete_run(gone.info.run_id)
    made.update(
        experiment_id=experiment_id, parent=parent.info.run_id, child=child.info.run_id, deleted=gone.info.run_id,
        model_id=info.model_id, expected_prediction=model.predict(frame[["x"]]).tolist(), frame=frame,
    )
    return made


@pytest.fixture(scope="module", autouse=True)
def _suite_tracking_uri_restored():
    """These tests point the client at servers of their own; the rest of the suite's server is
    the tracking URI again afterwards (mlflow.set_tracking_uri also sets the environment variable)."""
    previous_uri, previous_env = mlflow.get_tracking_uri(), os.environ.get("MLFLOW_TRACKING_URI")
    yield
    mlflow.set_tracking_uri(previous_uri)
    if previous_env is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = previous_env


@pytest.fixture(scope="module")
def mlflow_data():
    """A real `mlflow server` on SQLite, filled through the client, then stopped."""
    workdir = Path(tempfile.mkdtemp(prefix="stride-import-")).resolve()
    port = _free_loopback_port()
    handle = _start(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", f"sqlite:///{workdir}/mlflow.db", "--artifacts-destination", f"{workdir}/mlartifacts",
         "--workers", "1"],
        workdir, "mlflow", 180.0, port,
    )
    try:
        made = _populate(handle.uri)
        made["mlflow_runs"] = {
            run.info.run_id: run
            for run in mlflow.MlflowClient(handle.uri).search_runs([made["experiment_id"]], run_view_type=3)
        }
    finally:
        handle.stop()
    made["workdir"] = workdir
    (workdir / "stride").mkdir()
    yield made
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stride_store(request, mlflow_data):
    """The store `stride import` writes into: a fresh SQLite file, or a fresh PostgreSQL database."""
    workdir = mlflow_data["workdir"]
    if request.param == "sqlite":
        yield {"uri": f"sqlite:///{workdir}/stride/stride.db", "artifacts": f"{workdir}/stride/artifacts",
               "counts": lambda: _sqlite_counts(workdir / "stride" / "stride.db")}
        return
    if not POSTGRES_SERVER_URI:
        pytest.skip("no PostgreSQL server for the tests (STRIDE_TEST_POSTGRES_URL)")
    (workdir / "stride-pg").mkdir(exist_ok=True)
    uri = _fresh_postgres_database(POSTGRES_SERVER_URI)
    try:
        yield {"uri": uri, "artifacts": f"{workdir}/stride-pg/artifacts", "counts": lambda: _postgres_counts(uri)}
    finally:
        _drop_postgres_database(uri, POSTGRES_SERVER_URI)


@pytest.fixture(scope="module")
def imported(mlflow_data, stride_store):
    """The database imported once into a fresh Stride store, and `stride server` over it."""
    workdir = mlflow_data["workdir"]
    result = _stride_import(workdir, stride_store, "--from", f"sqlite:///{workdir}/mlflow.db", "--artifacts", f"{workdir}/mlartifacts")
    assert result.returncode == 0, result.stderr + result.stdout
    port = _free_loopback_port()
    handle = _start(
        [str(STRIDE), "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", stride_store["uri"], "--artifacts-destination", stride_store["artifacts"]],
        workdir, "stride", 20.0, port,
    )
    mlflow.set_tracking_uri(handle.uri)
    try:
        yield {**mlflow_data, "uri": handle.uri, "output": result.stdout, "store": stride_store}
    finally:
        handle.stop()


def _sqlite_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED_TABLES}


def _postgres_counts(uri: str) -> dict[str, int]:
    query = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table})" for table in COUNTED_TABLES)
    line = subprocess.run(["psql", uri, "-tA", "-F", " ", "-c", query], check=True, capture_output=True, text=True, timeout=60).stdout
    return dict(zip(COUNTED_TABLES, map(int, line.split())))


def test_experiments_and_run_ids_are_kept(imported):
    client = mlflow.MlflowClient(imported["uri"])
    experiment = client.get_experiment_by_name("imported-experiment")
    assert experiment.experiment_id == imported["experiment_id"]
    assert experiment.tags["team"] == "vision"
    runs = {run.info.run_id: run for run in client.search_runs([experiment.experiment_id], run_view_type=3)}
    assert set(runs) == set(imported["mlflow_runs"])
    for run_id, original in imported["mlflow_runs"].items():
        run = runs[run_id]
        assert run.info.run_name == original.info.run_name
        assert run.info.status == original.info.status
        assert run.info.lifecycle_stage == original.info.lifecycle_stage
        assert (run.info.start_time, run.info.end_time) == (original.info.start_time, original.info.end_time)
        assert run.data.params == original.data.params
        assert run.data.metrics == original.data.metrics
        assert run.data.tags == original.data.tags
    assert runs[imported["child"]].data.tags["mlflow.parentRunId"] == imported["parent"]
    assert runs[imported["deleted"]].info.lifecycle_stage == "deleted"


def test_full_metric_history_and_latest_value(imported):
    client = mlflow.MlflowClient(imported["uri"])
    history = client.get_metric_history(imported["parent"], "loss")
    assert len(history) == HISTORY_POINTS
    assert sorted((m.step, m.value, m.timestamp) for m in history) == [
        (step, 1.0 / (step + 1), 1_700_000_000_000 + step) for step in range(HISTORY_POINTS)
    ]
    # The sampled history (MLflow's NTILE rule over 10,000 points: every 10th step, then the last).
    sampled = requests.get(f"{imported['uri']}/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval",
                           params={"run_ids": imported["parent"], "metric_key": "loss", "max_results": 1000}, timeout=30)
    assert sampled.status_code == 200, sampled.text
    assert [m["step"] for m in sampled.json()["metrics"]] == list(range(0, 9990, 10)) + [9999]
    child = client.get_run(imported["child"])
    # The latest point is the highest step's, not the last logged.
    assert child.data.metrics["accuracy"] == 0.75


def test_dataset_inputs_are_imported(imported):
    run = mlflow.MlflowClient(imported["uri"]).get_run(imported["parent"])
    inputs = run.inputs.dataset_inputs
    assert [(i.dataset.name, [(t.key, t.value) for t in i.tags]) for i in inputs] == [
        ("toy", [("mlflow.data.context", "training")])
    ]


def test_artifacts_are_copied_and_served(imported, tmp_path):
    client = mlflow.MlflowClient(imported["uri"])
    run_id = imported["parent"]
    names = sorted(a.path for a in client.list_artifacts(run_id))
    assert names == ["config.json", "notes"]
    assert client.get_run(run_id).info.artifact_uri.startswith("mlflow-artifacts:/")
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="notes/readme.txt", dst_path=str(tmp_path))
    assert Path(local).read_text() == "hello from mlflow"


def test_registered_model_alias_loads_the_sklearn_model(imported):
    client = mlflow.MlflowClient(imported["uri"])
    version = client.get_model_version_by_alias("classifier", "champion")
    assert version.version == "1"
    assert version.run_id == imported["parent"]
    assert version.tags == {"validated": "yes"}
    assert client.get_registered_model("classifier").tags == {"owner": "ml-team"}
    logged = client.get_logged_model(imported["model_id"])
    assert logged.source_run_id == imported["parent"]
    model = mlflow.pyfunc.load_model("models:/classifier@champion")
    assert model.predict(imported["frame"][["x"]]).tolist() == imported["expected_prediction"]


def test_a_second_import_adds_nothing(imported):
    workdir, store = imported["workdir"], imported["store"]
    before = store["counts"]()
    result = _stride_import(workdir, store, "--from", f"sqlite:///{workdir}/mlflow.db", "--artifacts", f"{workdir}/mlartifacts")
    assert result.returncode == 0, result.stderr
    assert store["counts"]() == before
    runs = len(imported["mlflow_runs"])
    assert f"0 runs ({runs} already stored)" in result.stdout
    assert "0 files copied" in result.stdout


def test_dry_run_counts_and_changes_nothing(imported):
    workdir, store = imported["workdir"], imported["store"]
    before = store["counts"]()
    result = _stride_import(workdir, store, "--from", f"sqlite:///{workdir}/mlflow.db", "--artifacts", f"{workdir}/mlartifacts", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"{len(imported['mlflow_runs'])} runs, {HISTORY_POINTS + 2:,} metric points" in result.stdout
    assert "Dry run: 0 runs to import" in result.stdout
    assert store["counts"]() == before


def test_a_truncated_database_is_refused_and_changes_nothing(mlflow_data, tmp_path):
    workdir = mlflow_data["workdir"]
    data = (workdir / "mlflow.db").read_bytes()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(data[: len(data) // 2])
    result = subprocess.run(
        [str(STRIDE), "import", "--from", f"sqlite:///{truncated}", "--artifacts", f"{workdir}/mlartifacts",
         "--backend-store-uri", f"sqlite:///{tmp_path}/fresh.db", "--artifacts-destination", f"{tmp_path}/artifacts"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "is truncated" in result.stderr
    assert "nothing was imported" in result.stderr
    assert not (tmp_path / "fresh.db").exists()


@pytest.mark.parametrize("kind", ["text", "sqlite-not-mlflow"])
def test_a_foreign_file_is_refused_and_changes_nothing(kind, mlflow_data, tmp_path):
    foreign = tmp_path / "foreign.db"
    if kind == "text":
        foreign.write_text("id,name\n1,not a database\n")
        expected = "is not an SQLite database"
    else:
        with sqlite3.connect(foreign) as db:
            db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        expected = "is an SQLite database but not MLflow's"
    result = subprocess.run(
        [str(STRIDE), "import", "--from", f"sqlite:///{foreign}", "--artifacts", f"{mlflow_data['workdir']}/mlartifacts",
         "--backend-store-uri", f"sqlite:///{tmp_path}/fresh.db", "--artifacts-destination", f"{tmp_path}/artifacts"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert expected in result.stderr
    assert not (tmp_path / "fresh.db").exists()


def test_an_unknown_schema_revision_is_refused(mlflow_data, tmp_path):
    copy = tmp_path / "future.db"
    shutil.copy(mlflow_data["workdir"] / "mlflow.db", copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE alembic_version SET version_num = 'ffff00001111'")
    result = subprocess.run(
        [str(STRIDE), "import", "--from", f"sqlite:///{copy}", "--artifacts", f"{mlflow_data['workdir']}/mlartifacts",
         "--backend-store-uri", f"sqlite:///{tmp_path}/fresh.db", "--artifacts-destination", f"{tmp_path}/artifacts"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Unknown MLflow schema revision 'ffff00001111'" in result.stderr
    assert not (tmp_path / "fresh.db").exists()
