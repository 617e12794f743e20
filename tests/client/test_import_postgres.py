"""`stride import --from postgresql://...`: an MLflow server's own PostgreSQL database, made here by the real
`mlflow` client against a real `mlflow server --backend-store-uri postgresql://...` (its own Alembic migrations),
imported into a fresh Stride store and read back through the `mlflow` client against `stride server`.

Needs a PostgreSQL server for its databases (`STRIDE_TEST_POSTGRES_URL`, which scripts/test sets when PostgreSQL
is installed); without one it is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import mlflow
import pytest
import requests
from conftest import _drop_postgres_database, _free_loopback_port, _fresh_postgres_database, _psql
from test_import import HISTORY_POINTS, STRIDE, _populate, _sqlite_counts, _start, _stride_import

POSTGRES_SERVER_URI = (os.environ.get("STRIDE_TEST_POSTGRES_URL") or os.environ.get("STRIDE_TEST_BACKEND_STORE_URI") or "").strip()

pytestmark = pytest.mark.skipif(
    not POSTGRES_SERVER_URI, reason="no PostgreSQL server for MLflow's database (STRIDE_TEST_POSTGRES_URL; scripts/test sets it)"
)


@pytest.fixture(scope="module", autouse=True)
def _suite_tracking_uri_restored():
    """The tests point the client at servers of their own; the suite's server is the tracking URI again afterwards."""
    previous_uri, previous_env = mlflow.get_tracking_uri(), os.environ.get("MLFLOW_TRACKING_URI")
    yield
    mlflow.set_tracking_uri(previous_uri)
    if previous_env is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = previous_env


@pytest.fixture(scope="module")
def mlflow_postgres():
    """A real `mlflow server` on a fresh PostgreSQL database, filled through the client, then stopped."""
    workdir = Path(tempfile.mkdtemp(prefix="stride-import-pg-")).resolve()
    database = _fresh_postgres_database(POSTGRES_SERVER_URI)
    port = _free_loopback_port()
    handle = _start(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
         # SQLAlchemy 2.1 reads plain postgresql:// with psycopg 3; the pinned driver is psycopg2.
         "--backend-store-uri", _with_scheme(database, "postgresql+psycopg2"), "--artifacts-destination", f"{workdir}/mlartifacts", "--workers", "1"],
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
    (workdir / "stride").mkdir()
    made.update(workdir=workdir, database=database,
                store={"uri": f"sqlite:///{workdir}/stride/stride.db", "artifacts": f"{workdir}/stride/artifacts"})
    yield made
    _drop_postgres_database(database, POSTGRES_SERVER_URI)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def imported(mlflow_postgres):
    """MLflow's PostgreSQL database imported once into a fresh Stride store, and `stride server` over it."""
    workdir, store = mlflow_postgres["workdir"], mlflow_postgres["store"]
    # The URI exactly as `mlflow server` was given it, SQLAlchemy's driver and all.
    source = _with_scheme(mlflow_postgres["database"], "postgresql+psycopg2")
    result = _stride_import(workdir, store, "--from", source, "--artifacts", f"{workdir}/mlartifacts")
    assert result.returncode == 0, result.stderr + result.stdout
    port = _free_loopback_port()
    handle = _start(
        [str(STRIDE), "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", store["uri"], "--artifacts-destination", store["artifacts"]],
        workdir, "stride", 20.0, port,
    )
    mlflow.set_tracking_uri(handle.uri)
    try:
        yield {**mlflow_postgres, "uri": handle.uri, "output": result.stdout}
    finally:
        handle.stop()


def _with_scheme(uri: str, scheme: str) -> str:
    return scheme + "://" + uri.partition("://")[2]


def _import_again(mlflow_postgres: dict, scheme: str, *extra: str) -> subprocess.CompletedProcess:
    workdir = mlflow_postgres["workdir"]
    return _stride_import(workdir, mlflow_postgres["store"], "--from", _with_scheme(mlflow_postgres["database"], scheme),
                          "--artifacts", f"{workdir}/mlartifacts", *extra)


def test_runs_keep_their_ids_params_tags_and_latest_metrics(imported):
    client = mlflow.MlflowClient(imported["uri"])
    experiment = client.get_experiment_by_name("imported-experiment")
    assert experiment.experiment_id == imported["experiment_id"]
    assert experiment.tags["team"] == "vision"
    runs = {run.info.run_id: run for run in client.search_runs([experiment.experiment_id], run_view_type=3)}
    assert set(runs) == set(imported["mlflow_runs"])
    for run_id, original in imported["mlflow_runs"].items():
        run = runs[run_id]
        assert (run.info.run_name, run.info.status, run.info.lifecycle_stage) == (
            original.info.run_name, original.info.status, original.info.lifecycle_stage)
        assert (run.info.start_time, run.info.end_time) == (original.info.start_time, original.info.end_time)
        assert (run.data.params, run.data.metrics, run.data.tags) == (original.data.params, original.data.metrics, original.data.tags)
    assert runs[imported["child"]].data.tags["mlflow.parentRunId"] == imported["parent"]
    assert runs[imported["deleted"]].info.lifecycle_stage == "deleted"


def test_the_long_history_and_the_dataset_input_come_across(imported):
    client = mlflow.MlflowClient(imported["uri"])
    history = client.get_metric_history(imported["parent"], "loss")
    assert sorted((m.step, m.value, m.timestamp) for m in history) == [
        (step, 1.0 / (step + 1), 1_700_000_000_000 + step) for step in range(HISTORY_POINTS)
    ]
    inputs = client.get_run(imported["parent"]).inputs.dataset_inputs
    assert [(i.dataset.name, [(t.key, t.value) for t in i.tags]) for i in inputs] == [("toy", [("mlflow.data.context", "training")])]


def test_artifacts_are_copied_and_the_model_loads_by_alias(imported, tmp_path):
    client = mlflow.MlflowClient(imported["uri"])
    run_id = imported["parent"]
    assert sorted(a.path for a in client.list_artifacts(run_id)) == ["config.json", "notes"]
    local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="notes/readme.txt", dst_path=str(tmp_path))
    assert Path(local).read_text() == "hello from mlflow"
    version = client.get_model_version_by_alias("classifier", "champion")
    assert (version.version, version.run_id, version.tags) == ("1", run_id, {"validated": "yes"})
    assert client.get_registered_model("classifier").tags == {"owner": "ml-team"}
    assert client.get_logged_model(imported["model_id"]).source_run_id == run_id
    model = mlflow.pyfunc.load_model("models:/classifier@champion")
    assert model.predict(imported["frame"][["x"]]).tolist() == imported["expected_prediction"]


def test_a_second_import_and_a_dry_run_add_nothing(imported):
    database = Path(imported["store"]["uri"].removeprefix("sqlite:///"))
    before = _sqlite_counts(database)
    runs = len(imported["mlflow_runs"])
    dry = _import_again(imported, "postgresql", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"{runs} runs, {HISTORY_POINTS + 2:,} metric points" in dry.stdout
    assert "Dry run: 0 runs to import" in dry.stdout
    again = _import_again(imported, "postgres")
    assert again.returncode == 0, again.stderr
    assert f"0 runs ({runs} already stored)" in again.stdout
    assert "0 files copied" in again.stdout
    assert _sqlite_counts(database) == before
    # The server reads the store the imports left unchanged.
    response = requests.get(f"{imported['uri']}/api/2.0/mlflow/runs/get", params={"run_id": imported["parent"]}, timeout=30)
    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["not-mlflow", "unknown-revision"])
def test_a_foreign_database_is_refused_and_changes_nothing(kind, mlflow_postgres, tmp_path):
    if kind == "not-mlflow":
        foreign = _fresh_postgres_database(POSTGRES_SERVER_URI)
        _psql(foreign, "CREATE TABLE notes (id integer PRIMARY KEY, body text)")
        expected = "is not MLflow's: it has no alembic_version, experiments or runs table"
    else:
        # A copy of MLflow's database whose revision no MLflow that Stride knows wrote.
        foreign = _fresh_postgres_database(POSTGRES_SERVER_URI)
        _drop_postgres_database(foreign, POSTGRES_SERVER_URI)
        name = foreign.partition("?")[0].rsplit("/", 1)[1]
        template = mlflow_postgres["database"].partition("?")[0].rsplit("/", 1)[1]
        _psql(POSTGRES_SERVER_URI, f"CREATE DATABASE {name} TEMPLATE {template}")
        _psql(foreign, "UPDATE alembic_version SET version_num = 'ffff00001111'")
        expected = "Unknown MLflow schema revision 'ffff00001111'"
    try:
        result = subprocess.run(
            [str(STRIDE), "import", "--from", foreign, "--artifacts", f"{mlflow_postgres['workdir']}/mlartifacts",
             "--backend-store-uri", f"sqlite:///{tmp_path}/fresh.db", "--artifacts-destination", f"{tmp_path}/artifacts"],
            cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )
    finally:
        _drop_postgres_database(foreign, POSTGRES_SERVER_URI)
    assert result.returncode != 0
    assert expected in result.stderr
    assert not (tmp_path / "fresh.db").exists()
