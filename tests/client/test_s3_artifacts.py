"""Artifacts on S3: the whole artifact suite (test_artifacts.py) again, against a Stride whose
artifacts live in a moto bucket, plus what only S3 has: objects checked with boto3, presigned
multipart parts, logged and registered models, projects under their own prefix, and faults (the
bucket going away mid-upload and mid-download, wrong credentials, a missing bucket)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import mlflow
import pytest
import requests

from conftest import TARGET, unique_name

pytest.importorskip("moto", reason="moto[s3] (tests/client/requirements.txt) runs the S3 tests")
pytestmark = pytest.mark.skipif(TARGET != "stride", reason="S3-backed artifacts are a Stride server configuration")

import test_artifacts  # noqa: E402
from test_artifacts import *  # noqa: E402,F401,F403 - the artifact suite, collected again against S3
from s3_fixtures import CREDENTIALS, CuttableProxy, Moto, start_stride  # noqa: E402

# S3 refuses parts under 5 MiB but the last, as MLflow's own S3 store does: these two send tiny
# parts, and have S3 versions below.
del test_a_large_file_uploads_in_parts_when_multipart_is_on  # noqa: F821
del test_raw_multipart_upload_create_parts_complete  # noqa: F821

BUCKET = "stride-client"
PREFIX = "team/artifacts"
ARTIFACTS_API = test_artifacts.ARTIFACTS_API
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def moto():
    server = Moto()
    server.boto().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


def stride_env(endpoint: str) -> dict[str, str]:
    return {**CREDENTIALS, "MLFLOW_S3_ENDPOINT_URL": endpoint}


@pytest.fixture(scope="module")
def server(moto):
    handle = start_stride("--artifacts-destination", f"s3://{BUCKET}/{PREFIX}", env=stride_env(moto.endpoint))
    yield handle
    handle.stop()


@pytest.fixture(scope="module")
def tracking_uri(server):
    previous = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = server.uri
    mlflow.set_tracking_uri(server.uri)
    yield server.uri
    if previous is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = previous
        mlflow.set_tracking_uri(previous)


def keys(moto, prefix: str) -> dict[str, int]:
    pages = moto.boto().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return {o["Key"]: o["Size"] for page in pages for o in page.get("Contents", [])}


# --- objects in the bucket ---------------------------------------------------------------------


def test_logged_artifacts_are_objects_under_the_prefix(client, run, tree, moto):
    client.log_artifacts(run.info.run_id, str(tree), artifact_path="t")
    root = f"{PREFIX}/{test_artifacts.store_path(run)}/t/"
    assert keys(moto, root) == {root + "top.txt": 3, root + "sub/a.txt": 5, root + "sub/b.bin": 256, root + "sub/inner/c.json": 8}
    body = moto.boto().get_object(Bucket=BUCKET, Key=root + "sub/b.bin")["Body"].read()
    assert body == bytes(range(256))


def test_a_file_larger_than_a_part_is_one_whole_object(client, run, tmp_path, moto):
    payload = os.urandom(20 * MiB + 17)
    (tmp_path / "weights.bin").write_bytes(payload)
    client.log_artifact(run.info.run_id, str(tmp_path / "weights.bin"))
    key = f"{PREFIX}/{test_artifacts.store_path(run)}/weights.bin"
    assert keys(moto, key) == {key: len(payload)}
    assert moto.boto().list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    back = Path(client.download_artifacts(run.info.run_id, "weights.bin", str(tmp_path / "back")))
    assert back.read_bytes() == payload


def test_presigned_parts_go_straight_to_the_bucket(api, run, moto):
    directory = f"{test_artifacts.store_path(run)}/mpu"
    created = api.post(f"/api/2.0/mlflow-artifacts/mpu/create/{directory}", json={"path": "/home/me/model.bin", "num_parts": 2})
    assert created.status_code == 200, created.text
    credentials = created.json()["credentials"]
    assert all(c["url"].startswith(moto.endpoint + f"/{BUCKET}/{PREFIX}/") for c in credentials)
    chunks = [b"a" * (5 * MiB), b"b" * 10]
    parts = []
    for credential, chunk in zip(credentials, chunks):
        put = requests.put(credential["url"], data=chunk, timeout=30)
        assert put.status_code == 200, put.text
        parts.append({"part_number": credential["part_number"], "etag": put.headers["ETag"]})
    done = api.post(f"/api/2.0/mlflow-artifacts/mpu/complete/{directory}",
                    json={"path": "/home/me/model.bin", "upload_id": created.json()["upload_id"], "parts": parts})
    assert done.status_code == 200 and done.json() == {}
    assert api.get(f"{ARTIFACTS_API}/{directory}/model.bin").content == b"".join(chunks)


def test_the_client_uploads_a_large_file_through_presigned_parts(client, run, tmp_path, monkeypatch, moto):
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(6 * MiB))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * MiB))
    payload = os.urandom(11 * MiB + 5)
    (tmp_path / "big.bin").write_bytes(payload)
    client.log_artifact(run.info.run_id, str(tmp_path / "big.bin"), artifact_path="large")
    key = f"{PREFIX}/{test_artifacts.store_path(run)}/large/big.bin"
    assert keys(moto, key) == {key: len(payload)}
    back = Path(client.download_artifacts(run.info.run_id, "large/big.bin", str(tmp_path / "back")))
    assert back.read_bytes() == payload


# --- models -----------------------------------------------------------------------------------


def test_log_model_and_load_it_by_runs_and_models_uris(experiment_id, tmp_path):
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    name = unique_name("s3-model")
    with mlflow.start_run() as run:
        # Declared requirements skip the inference subprocess, which costs half a minute and is not about storage.
        info = mlflow.sklearn.log_model(model, name="model", registered_model_name=name, pip_requirements=["scikit-learn"])
    for uri in (f"runs:/{run.info.run_id}/model", f"models:/{name}/1", info.model_uri):
        loaded = mlflow.pyfunc.load_model(uri)
        assert list(loaded.predict([[3.0]])) == pytest.approx([7.0])
    local = mlflow.artifacts.download_artifacts(f"models:/{name}/1", dst_path=str(tmp_path / "m"))
    assert (Path(local) / "MLmodel").is_file()


# --- projects ---------------------------------------------------------------------------------


def test_a_project_keeps_its_files_under_its_own_prefix(server, moto):
    created = requests.post(f"{server.uri}/api/3.0/mlflow/workspaces", json={"name": "vision"}, timeout=30)
    assert created.status_code == 201, created.text
    put = requests.put(f"{server.uri}/projects/vision{ARTIFACTS_API}/notes/a.txt", data=b"vision's", timeout=30)
    assert put.status_code == 200, put.text
    assert keys(moto, f"{PREFIX}/workspaces/vision/") == {f"{PREFIX}/workspaces/vision/notes/a.txt": 8}
    # The default project sees neither the file nor the workspaces folder.
    assert requests.get(f"{server.uri}{ARTIFACTS_API}/workspaces/vision/notes/a.txt", timeout=30).status_code == 400
    listed = requests.get(f"{server.uri}{ARTIFACTS_API}", timeout=30).json().get("files", [])
    assert "workspaces" not in [f["path"] for f in listed]


# --- faults -----------------------------------------------------------------------------------


@pytest.fixture
def flaky(moto):
    """A Stride that reaches the bucket through a proxy the test can cut."""
    proxy = CuttableProxy(moto.port)
    handle = start_stride("--artifacts-destination", f"s3://{BUCKET}/flaky", env=stride_env(proxy.endpoint))
    yield handle, proxy
    proxy.cut()
    handle.stop()


def put_while_the_bucket_goes_away(url: str, body) -> None:
    """Uploads `body`, which cuts the bucket off part way: the answer is a retryable 503."""
    try:
        response = requests.put(url, data=body, timeout=60)
        assert response.status_code == 503, response.text
        assert response.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
    except requests.ConnectionError:
        pass  # the server answered 503 while the client was still sending, and closed the connection


def test_the_bucket_going_away_mid_upload_is_a_retryable_error_and_leaves_no_object(flaky, moto):
    handle, proxy = flaky
    url = f"{handle.uri}{ARTIFACTS_API}/0/cut/artifacts/upload.bin"

    def body():
        for index in range(40):
            if index == 12:
                proxy.cut()
            yield b"\x05" * MiB

    put_while_the_bucket_goes_away(url, body())
    proxy.resume()
    assert keys(moto, "flaky/0/cut/") == {}
    assert "Artifact storage unavailable" in handle.log_tail(200)
    # Once the bucket is back, the same upload goes through.
    again = requests.put(url, data=b"\x05" * (12 * MiB), timeout=60)
    assert again.status_code == 200, again.text
    assert keys(moto, "flaky/0/cut/") == {"flaky/0/cut/artifacts/upload.bin": 12 * MiB}


class SizedBody:
    """A body of declared length (requests sends its Content-Length, not chunks), read in blocks;
    `on_block(index)` runs before each MiB it hands out."""

    def __init__(self, mib: int, on_block=lambda index: None):
        self.mib, self.on_block, self.sent = mib, on_block, 0

    def __len__(self) -> int:
        return self.mib * MiB

    def __iter__(self):
        return iter(lambda: self.read(MiB), b"")

    def read(self, size: int = -1) -> bytes:
        if self.sent >= self.mib * MiB:
            return b""
        if self.sent % MiB == 0:
            self.on_block(self.sent // MiB)
        block = b"\x06" * min(size if size > 0 else MiB, MiB - self.sent % MiB)
        self.sent += len(block)
        return block


def test_an_upload_of_declared_length_goes_up_whole_as_one_object(server, moto):
    url = f"{server.uri}{ARTIFACTS_API}/0/sized/artifacts/whole.bin"
    response = requests.put(url, data=SizedBody(20), timeout=60)
    assert response.status_code == 200, response.text
    assert keys(moto, f"{PREFIX}/0/sized/") == {f"{PREFIX}/0/sized/artifacts/whole.bin": 20 * MiB}
    assert requests.get(url, timeout=60).content == b"\x06" * (20 * MiB)


def test_the_bucket_going_away_mid_upload_of_declared_length_is_a_retryable_error_and_leaves_no_object(flaky, moto):
    handle, proxy = flaky
    url = f"{handle.uri}{ARTIFACTS_API}/0/cut-sized/artifacts/upload.bin"

    def cut_then_pause(index: int) -> None:
        # A pause after the cut: the server answers while its S3 client still waits for the next
        # chunk, and that wait must be over before the server reads the rest of the body itself.
        if index == 12:
            proxy.cut()
            time.sleep(1.5)

    body = SizedBody(40, on_block=cut_then_pause)
    put_while_the_bucket_goes_away(url, body)
    proxy.resume()
    assert keys(moto, "flaky/0/cut-sized/") == {}
    again = requests.put(url, data=SizedBody(12), timeout=60)
    assert again.status_code == 200, again.text
    assert keys(moto, "flaky/0/cut-sized/") == {"flaky/0/cut-sized/artifacts/upload.bin": 12 * MiB}


def test_an_uploader_that_stops_short_of_its_content_length_leaves_no_object(server, moto):
    host, port = server.uri.removeprefix("http://").split(":")
    path = f"{ARTIFACTS_API}/0/short/artifacts/short.bin"
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"PUT {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {30 * MiB}\r\n\r\n".encode())
        for _ in range(12):
            connection.sendall(b"\x07" * MiB)
    # The server notices the closed connection, abandons the PutObject, and serves on.
    time.sleep(1)
    assert requests.get(f"{server.uri}/health", timeout=10).status_code == 200
    assert keys(moto, f"{PREFIX}/0/short/") == {}
    assert requests.get(f"{server.uri}{ARTIFACTS_API}/0/short/artifacts/short.bin", timeout=10).status_code == 404


def test_the_bucket_going_away_mid_download_breaks_the_body_and_a_retry_succeeds(flaky):
    handle, proxy = flaky
    payload = os.urandom(48 * MiB)
    url = f"{handle.uri}{ARTIFACTS_API}/0/cut/artifacts/download.bin"
    assert requests.put(url, data=payload, timeout=60).status_code == 200
    received = bytearray()
    with pytest.raises(requests.RequestException):
        with requests.get(url, stream=True, timeout=60) as response:
            assert response.status_code == 200
            for chunk in response.iter_content(MiB):
                received += chunk
                if len(received) >= 4 * MiB and proxy._listener is not None:
                    proxy.cut()
    assert len(received) < len(payload)
    proxy.resume()
    assert requests.get(url, timeout=60).content == payload


def test_a_short_outage_mid_download_is_bridged_by_resuming_the_range(flaky):
    handle, proxy = flaky
    payload = os.urandom(48 * MiB)
    url = f"{handle.uri}{ARTIFACTS_API}/0/blip/artifacts/download.bin"
    assert requests.put(url, data=payload, timeout=60).status_code == 200
    received = bytearray()
    with requests.get(url, stream=True, timeout=60) as response:
        for chunk in response.iter_content(MiB):
            received += chunk
            if len(received) >= 4 * MiB and proxy._listener is not None and not hasattr(proxy, "blipped"):
                proxy.blipped = True
                proxy.cut()
                threading.Timer(0.3, proxy.resume).start()
    assert bytes(received) == payload


def test_wrong_credentials_are_a_503_with_the_reason_in_the_log(tmp_path):
    strict = Moto(require_auth=True)
    handle = start_stride("--artifacts-destination", f"s3://{BUCKET}/x", env=stride_env(strict.endpoint))
    try:
        response = requests.put(f"{handle.uri}{ARTIFACTS_API}/notes/a.txt", data=b"a", timeout=60)
        assert response.status_code == 503
        assert response.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
        assert "InvalidAccessKeyId" not in response.text
        assert "InvalidAccessKeyId" in handle.log_tail(200)
        assert handle.proc.poll() is None
    finally:
        handle.stop()
        strict.stop()


def test_a_missing_bucket_is_a_503_for_the_client_and_named_in_the_log(moto, tmp_path):
    handle = start_stride("--artifacts-destination", "s3://no-such-bucket/x", env=stride_env(moto.endpoint))
    # The client resolves mlflow-artifacts: URIs against the global tracking URI (which also sets the environment's).
    previous = mlflow.get_tracking_uri()
    try:
        mlflow.set_tracking_uri(handle.uri)
        client = mlflow.MlflowClient(handle.uri)
        run = client.create_run("0")
        (tmp_path / "a.txt").write_text("a")
        with pytest.raises(Exception) as raised:
            client.log_artifact(run.info.run_id, str(tmp_path / "a.txt"))
        assert "503" in str(raised.value) or "TEMPORARILY_UNAVAILABLE" in str(raised.value)
        assert "NoSuchBucket" in handle.log_tail(200)
    finally:
        mlflow.set_tracking_uri(previous)
        handle.stop()


# --- the web UI and clients writing to the bucket themselves ---------------------------------------


def test_the_ui_browses_and_previews_files_in_the_bucket(client, run, tree, server):
    client.log_artifacts(run.info.run_id, str(tree))
    page = requests.get(f"{server.uri}/runs/{run.info.run_id}/artifacts", params={"path": "sub/a.txt"}, timeout=30)
    assert page.status_code == 200
    assert "inner" in page.text and "a.txt" in page.text and "alpha" in page.text
    raw = requests.get(f"{server.uri}/runs/{run.info.run_id}/artifacts/file", params={"path": "sub/b.bin"}, timeout=30)
    assert raw.status_code == 200 and raw.content == bytes(range(256))


def test_clients_write_to_the_bucket_themselves_with_no_serve_artifacts(moto, monkeypatch, tmp_path):
    handle = start_stride("--default-artifact-root", f"s3://{BUCKET}/direct", "--no-serve-artifacts", env=stride_env(moto.endpoint))
    try:
        for name, value in stride_env(moto.endpoint).items():
            monkeypatch.setenv(name, value)
        client = mlflow.MlflowClient(handle.uri)
        experiment = client.create_experiment(unique_name("direct"))
        run = client.create_run(experiment)
        assert run.info.artifact_uri == f"s3://{BUCKET}/direct/{experiment}/{run.info.run_id}/artifacts"
        (tmp_path / "notes.txt").write_text("written by the client")
        client.log_artifact(run.info.run_id, str(tmp_path / "notes.txt"))
        key = f"direct/{experiment}/{run.info.run_id}/artifacts/notes.txt"
        assert keys(moto, key) == {key: 21}
        # Stride never saw the upload, yet lists and serves the file from the bucket.
        listed = requests.get(f"{handle.uri}/api/2.0/mlflow/artifacts/list", params={"run_id": run.info.run_id}, timeout=30)
        assert [f["path"] for f in listed.json()["files"]] == ["notes.txt"]
        served = requests.get(f"{handle.uri}/get-artifact", params={"run_uuid": run.info.run_id, "path": "notes.txt"}, timeout=30)
        assert served.status_code == 200 and served.text == "written by the client"
        assert requests.put(f"{handle.uri}{ARTIFACTS_API}/x.txt", data=b"x", timeout=30).status_code == 503
    finally:
        handle.stop()


# --- credentials from the instance role ----------------------------------------------------------


class FakeInstanceMetadata:
    """EC2's IMDSv2 on loopback: a session token, one role, its temporary keys (valid for an hour)."""

    def __init__(self, role: str | None = "stride-role"):
        import datetime as dt
        import json
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[str] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status: int, body: str = "") -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                seen.append(f"PUT {self.path}")
                self.answer(200, "session-token") if self.path == "/latest/api/token" else self.answer(404)

            def do_GET(self):
                seen.append(f"GET {self.path}")
                prefix = "/latest/meta-data/iam/security-credentials/"
                if self.headers.get("x-aws-ec2-metadata-token") != "session-token":
                    self.answer(401)
                elif self.path == prefix and role:
                    self.answer(200, role)
                elif role and self.path == prefix + role:
                    expiration = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
                    self.answer(200, json.dumps({"Code": "Success", "AccessKeyId": "ROLEKEY", "SecretAccessKey": "rolesecret",
                                                 "Token": "role-session", "Expiration": expiration}))
                else:
                    self.answer(404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def role_env(moto, metadata: FakeInstanceMetadata) -> dict[str, str]:
    """No keys in the environment or a credentials file: only the instance role is left."""
    return {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.endpoint,
            "MLFLOW_S3_ENDPOINT_URL": moto.endpoint}


def test_without_keys_the_instance_role_signs_and_is_fetched_once(moto):
    metadata = FakeInstanceMetadata()
    handle = start_stride("--artifacts-destination", f"s3://{BUCKET}/role", env=role_env(moto, metadata))
    try:
        for name in ("a.txt", "b.txt"):
            put = requests.put(f"{handle.uri}{ARTIFACTS_API}/0/r/artifacts/{name}", data=b"by role", timeout=60)
            assert put.status_code == 200, put.text
        assert keys(moto, "role/0/r/") == {"role/0/r/artifacts/a.txt": 7, "role/0/r/artifacts/b.txt": 7}
        # The start-up check and both uploads share one fetch of the keys.
        assert metadata.requests == ["PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/",
                                     "GET /latest/meta-data/iam/security-credentials/stride-role"]
    finally:
        handle.stop()
        metadata.stop()


def test_an_instance_without_a_role_is_a_503_with_the_reason_in_the_log(moto):
    metadata = FakeInstanceMetadata(role=None)
    handle = start_stride("--artifacts-destination", f"s3://{BUCKET}/norole", env=role_env(moto, metadata))
    try:
        response = requests.put(f"{handle.uri}{ARTIFACTS_API}/0/r/artifacts/a.txt", data=b"a", timeout=60)
        assert response.status_code == 503
        assert response.json()["error_code"] == "TEMPORARILY_UNAVAILABLE"
        assert "no S3 credentials from" in handle.log_tail(200) and "answered 404" in handle.log_tail(200)
        assert handle.proc.poll() is None
    finally:
        handle.stop()
        metadata.stop()


def test_signed_payloads_upload_and_read_back_whole(moto):
    handle = start_stride("--artifacts-destination", f"s3://{BUCKET}/signed", "--s3-sign-payloads", env=stride_env(moto.endpoint))
    try:
        payload = os.urandom(9 * MiB + 3)  # one whole part of 8 MiB and a rest: a multipart upload
        url = f"{handle.uri}{ARTIFACTS_API}/0/s/artifacts/signed.bin"
        assert requests.put(url, data=payload, timeout=60).status_code == 200
        assert keys(moto, "signed/0/s/") == {"signed/0/s/artifacts/signed.bin": len(payload)}
        assert requests.get(url, timeout=60).content == payload
    finally:
        handle.stop()
