"""Projects and access tokens (issue 7), through the real mlflow client against `stride server --auth`.

A second Stride server runs here with auth on, over its own data folder: project `vision` and
tokens are made with `stride project create` / `stride token create`, as an operator would.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import mlflow
import numpy as np
import pytest
import requests
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from sklearn.linear_model import LogisticRegression

from conftest import REPO_ROOT, TARGET, _free_loopback_port, unique_name

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="Stride's projects and tokens")

ROLES = ("reader", "writer", "maintainer", "admin")


class AuthServer:
    def __init__(self, uri: str, data_dir: Path, log_path: Path, tokens: dict[str, str]):
        self.uri = uri
        self.data_dir = data_dir
        self.log_path = log_path
        self.tokens = tokens


@contextmanager
def launched_auth_server(projects: tuple[str, ...], tokens: dict[str, tuple[str, str]], server_args: tuple[str, ...] = ()):
    """Runs `stride server --auth` over fresh data with `projects` and `tokens` (name -> (project, role)),
    made with the CLI as an operator would; yields an AuthServer and stops the server after."""
    binary = os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")
    data_dir = Path(tempfile.mkdtemp(prefix="stride-auth-")).resolve()
    store = f"sqlite:///{data_dir}/stride.db"
    env = {**os.environ, "STRIDE_BACKEND_STORE_URI": store}

    def admin(*args: str) -> str:
        result = subprocess.run([binary, *args], env=env, capture_output=True, text=True, timeout=60, check=True)
        return result.stdout.strip()

    for project in projects:
        admin("project", "create", project)
    made = {name: admin("token", "create", "--project", project, "--role", role) for name, (project, role) in tokens.items()}

    port = _free_loopback_port()
    log_path = data_dir / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [binary, "server", "--auth", "--host", "127.0.0.1", "--port", str(port), "--backend-store-uri", store,
             "--artifacts-destination", str(data_dir / "artifacts"), "--log-level", "trace", *server_args],
            cwd=data_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{uri}/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"stride --auth did not start:\n{log_path.read_text()[-2000:]}")
        time.sleep(0.2)
    try:
        yield AuthServer(uri, data_dir, log_path, made)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def auth_server():
    tokens = {f"vision-{role}": ("vision", role) for role in ROLES}
    tokens["audio-writer"] = ("audio", "writer")
    tokens["default-writer"] = ("default", "writer")
    with launched_auth_server(("vision", "audio"), tokens) as server:
        yield server


@pytest.fixture
def as_token(monkeypatch, auth_server):
    """Sets MLFLOW_TRACKING_TOKEN (what the client sends as a bearer token) and returns a client."""

    def use(token_name: str | None, project_prefix: str = "/projects/vision") -> MlflowClient:
        monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
        monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD", raising=False)
        if token_name is None:
            monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
        else:
            monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", auth_server.tokens[token_name])
        uri = auth_server.uri + project_prefix
        monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
        mlflow.set_tracking_uri(uri)
        return MlflowClient(tracking_uri=uri)

    yield use
    mlflow.set_tracking_uri(None)


def _error_code(call) -> str:
    with pytest.raises(MlflowException) as exc:
        call()
    return exc.value.error_code


def test_a_writer_token_with_a_project_url_logs_a_run(as_token):
    client = as_token("vision-writer")
    experiment_id = client.create_experiment(unique_name("detector"))
    run = client.create_run(experiment_id)
    client.log_metric(run.info.run_id, "loss", 0.25, step=3)
    client.log_param(run.info.run_id, "lr", "0.01")
    client.set_terminated(run.info.run_id)
    fetched = client.get_run(run.info.run_id)
    assert fetched.data.metrics == {"loss": 0.25}
    assert fetched.data.params == {"lr": "0.01"}
    assert [e.experiment_id for e in client.search_experiments(filter_string=f"name = '{client.get_experiment(experiment_id).name}'")] == [experiment_id]


def test_a_reader_reads_and_is_refused_writes(as_token):
    writer = as_token("vision-writer")
    experiment_id = writer.create_experiment(unique_name("read-only"))
    run_id = writer.create_run(experiment_id).info.run_id
    reader = as_token("vision-reader")
    assert reader.get_run(run_id).info.run_id == run_id
    assert [r.info.run_id for r in reader.search_runs([experiment_id])] == [run_id]
    assert _error_code(lambda: reader.log_metric(run_id, "loss", 1.0)) == "PERMISSION_DENIED"
    assert _error_code(lambda: reader.create_experiment(unique_name("nope"))) == "PERMISSION_DENIED"
    # Deleting needs a maintainer, as in GitLab.
    assert _error_code(lambda: writer.delete_run(run_id)) == "PERMISSION_DENIED"
    as_token("vision-maintainer").delete_run(run_id)


def test_missing_and_bad_credentials_are_unauthenticated(as_token, auth_server):
    anonymous = as_token(None)
    assert _error_code(lambda: anonymous.search_experiments()) == "UNAUTHENTICATED"
    resp = requests.get(f"{auth_server.uri}/api/2.0/mlflow/experiments/search", params={"max_results": 1},
                        headers={"Authorization": "Bearer stride_000000000000_" + "x" * 43}, timeout=10)
    assert resp.status_code == 401
    assert resp.json()["error_code"] == "UNAUTHENTICATED"
    assert requests.get(f"{auth_server.uri}/health", timeout=10).status_code == 200
    assert requests.get(f"{auth_server.uri}/version", timeout=10).status_code == 200


def test_another_projects_ids_look_missing(as_token):
    audio = as_token("audio-writer", "/projects/audio")
    audio_experiment = audio.create_experiment(unique_name("speech"))
    audio_run = audio.create_run(audio_experiment).info.run_id
    vision = as_token("vision-admin")
    assert _error_code(lambda: vision.get_run(audio_run)) == "RESOURCE_DOES_NOT_EXIST"
    assert _error_code(lambda: vision.log_metric(audio_run, "x", 1.0)) == "RESOURCE_DOES_NOT_EXIST"
    assert _error_code(lambda: vision.get_experiment(audio_experiment)) == "RESOURCE_DOES_NOT_EXIST"
    assert _error_code(lambda: vision.search_runs([audio_experiment])) == "RESOURCE_DOES_NOT_EXIST"
    # Nor can a model version of one project point at another project's run.
    maintainer = as_token("vision-maintainer")
    model_name = unique_name("borrowed")
    maintainer.create_registered_model(model_name)
    assert _error_code(lambda: maintainer.create_model_version(
        model_name, f"runs:/{audio_run}/model", run_id=audio_run)) == "RESOURCE_DOES_NOT_EXIST"
    # A token of one project cannot reach another project's URL at all.
    wrong_url = as_token("vision-admin", "/projects/audio")
    assert _error_code(lambda: wrong_url.search_experiments()) == "RESOURCE_DOES_NOT_EXIST"


def test_the_same_experiment_name_lives_in_two_projects(as_token):
    name = unique_name("shared-name")
    vision_id = as_token("vision-writer").create_experiment(name)
    audio_id = as_token("audio-writer", "/projects/audio").create_experiment(name)
    assert vision_id != audio_id
    assert as_token("vision-reader").get_experiment_by_name(name).experiment_id == vision_id
    assert as_token("audio-writer", "/projects/audio").get_experiment_by_name(name).experiment_id == audio_id


def test_artifacts_and_models_load_under_auth_in_their_project(as_token, auth_server, tmp_path):
    as_token("vision-maintainer")
    experiment_id = mlflow.create_experiment(unique_name("models"))
    features = np.random.default_rng(0).normal(size=(30, 2))
    labels = (features[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(features, labels)
    note = tmp_path / "note.txt"
    note.write_text("under auth")
    with mlflow.start_run(experiment_id=experiment_id) as run:
        mlflow.log_artifact(str(note))
        info = mlflow.sklearn.log_model(model, name="model")
    downloaded = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, artifact_path="note.txt", dst_path=str(tmp_path / "out"))
    assert Path(downloaded).read_text() == "under auth"
    loaded = mlflow.pyfunc.load_model(info.model_uri)
    assert np.array_equal(loaded.predict(features), model.predict(features))
    version = mlflow.register_model(info.model_uri, unique_name("vision-model"))
    assert np.array_equal(mlflow.pyfunc.load_model(f"models:/{version.name}/1").predict(features), model.predict(features))
    # The files sit under the project's own artifact root.
    assert list((auth_server.data_dir / "artifacts" / "workspaces" / "vision").rglob("note.txt"))


def test_the_workspace_header_selects_the_project(as_token):
    client = as_token("vision-writer", "")
    mlflow.set_workspace("vision")
    try:
        experiment_id = client.create_experiment(unique_name("by-header"))
        assert client.get_experiment(experiment_id).experiment_id == experiment_id
    finally:
        mlflow.set_workspace(None)
    # Without the header the bare routes mean `default`, where the vision token has no access.
    assert _error_code(lambda: client.get_experiment(experiment_id)) == "RESOURCE_DOES_NOT_EXIST"


def test_a_token_works_as_a_basic_auth_password(monkeypatch, auth_server):
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ci-bot")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", auth_server.tokens["vision-writer"])
    client = MlflowClient(tracking_uri=auth_server.uri + "/projects/vision")
    assert client.create_experiment(unique_name("basic"))


def test_the_server_log_never_carries_a_token(auth_server, as_token):
    as_token("vision-reader").search_experiments()
    log = auth_server.log_path.read_text(errors="replace")
    assert "experiments/search" in log, "the trace log records requests"
    for token in auth_server.tokens.values():
        secret = token[len("stride_") + 12 + 1:]  # stride_<12 hex id>_<secret>; the secret may hold '_'
        assert len(secret) == 43 and secret not in log


def test_a_project_admin_manages_its_tokens_over_the_api(auth_server):
    base = f"{auth_server.uri}/projects/vision/api/2.0/stride/tokens"
    admin = {"Authorization": f"Bearer {auth_server.tokens['vision-admin']}"}
    created = requests.post(f"{base}/create", json={"role": "reader", "name": "dashboard", "expires_in_days": 30},
                            headers=admin, timeout=10)
    assert created.status_code == 200, created.text
    body = created.json()
    token, token_id = body["token"], body["access_token"]["id"]
    assert body["access_token"]["role"] == "reader" and body["access_token"]["project"] == "vision"

    listed = requests.get(f"{base}/list", headers=admin, timeout=10).json()["access_tokens"]
    assert token_id in [t["id"] for t in listed]
    assert token not in str(listed)

    reader = MlflowClient(tracking_uri=auth_server.uri + "/projects/vision")
    os.environ["MLFLOW_TRACKING_TOKEN"] = token
    try:
        reader.search_experiments()
        assert requests.post(f"{base}/revoke", json={"token_id": token_id}, headers=admin, timeout=10).status_code == 200
        assert _error_code(lambda: reader.search_experiments()) == "UNAUTHENTICATED"
    finally:
        del os.environ["MLFLOW_TRACKING_TOKEN"]

    writer = {"Authorization": f"Bearer {auth_server.tokens['vision-writer']}"}
    refused = requests.post(f"{base}/create", json={"role": "admin"}, headers=writer, timeout=10)
    assert (refused.status_code, refused.json()["error_code"]) == (403, "PERMISSION_DENIED")
    # Another project's token id cannot be revoked from here.
    foreign = requests.get(f"{auth_server.uri}/projects/audio/api/2.0/stride/tokens/list", headers=admin, timeout=10)
    assert foreign.status_code == 404
