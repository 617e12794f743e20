"""Artifacts through the mlflow-artifacts proxy: the real client's uploads, listings and downloads,
the UI download helper, hostile paths, and an upload that breaks off half way."""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.parse
from pathlib import Path

import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

from conftest import TARGET

ARTIFACTS_API = "/api/2.0/mlflow-artifacts/artifacts"


def listing(client, run_id, path=None):
    return {(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id, path)}


def store_path(run) -> str:
    """The run's root in the artifact store, as the client addresses it (`<exp>/<run>/artifacts`)."""
    uri = run.info.artifact_uri
    assert uri.startswith("mlflow-artifacts:/"), uri
    return uri[len("mlflow-artifacts:/"):]


@pytest.fixture
def run(client, experiment_id):
    return client.create_run(experiment_id)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A nested directory: top.txt, sub/a.txt, sub/b.bin, sub/inner/c.json."""
    root = tmp_path / "tree"
    (root / "sub" / "inner").mkdir(parents=True)
    (root / "top.txt").write_text("top")
    (root / "sub" / "a.txt").write_text("alpha")
    (root / "sub" / "b.bin").write_bytes(bytes(range(256)))
    (root / "sub" / "inner" / "c.json").write_text('{"c": 3}')
    return root


# --- URIs ------------------------------------------------------------------------------------


def test_experiments_and_runs_get_mlflow_artifacts_uris(client, experiment_id, run):
    assert client.get_experiment(experiment_id).artifact_location == f"mlflow-artifacts:/{experiment_id}"
    assert run.info.artifact_uri == f"mlflow-artifacts:/{experiment_id}/{run.info.run_id}/artifacts"


# --- the client's artifact calls ---------------------------------------------------------------


def test_log_artifact_and_list_it_with_its_size(client, run, tmp_path):
    file = tmp_path / "weights.bin"
    file.write_bytes(b"\x00\x01" * 500)
    client.log_artifact(run.info.run_id, str(file))
    client.log_artifact(run.info.run_id, str(file), artifact_path="copies")
    assert listing(client, run.info.run_id) == {("weights.bin", False, 1000), ("copies", True, None)}
    assert listing(client, run.info.run_id, "copies") == {("copies/weights.bin", False, 1000)}


def test_log_artifacts_of_a_nested_tree_lists_at_every_level(client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree), artifact_path="data")
    run_id = run.info.run_id
    assert listing(client, run_id) == {("data", True, None)}
    assert listing(client, run_id, "data") == {("data/top.txt", False, 3), ("data/sub", True, None)}
    assert listing(client, run_id, "data/sub") == {
        ("data/sub/a.txt", False, 5),
        ("data/sub/b.bin", False, 256),
        ("data/sub/inner", True, None),
    }
    assert listing(client, run_id, "data/sub/inner") == {("data/sub/inner/c.json", False, 8)}


def test_listing_a_file_or_a_missing_path_is_empty(client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree))
    assert client.list_artifacts(run.info.run_id, "top.txt") == []
    assert client.list_artifacts(run.info.run_id, "no/such/dir") == []


def test_log_text_and_log_dict_round_trip(experiment_id, tmp_path):
    with mlflow.start_run() as active:
        mlflow.log_text("hello, artifacts", "notes/hello.txt")
        mlflow.log_dict({"lr": 0.1, "layers": [1, 2]}, "config/params.json")
        mlflow.log_dict({"name": "yaml"}, "config/params.yaml")
    base = f"runs:/{active.info.run_id}"
    assert mlflow.artifacts.load_text(f"{base}/notes/hello.txt") == "hello, artifacts"
    assert mlflow.artifacts.load_dict(f"{base}/config/params.json") == {"lr": 0.1, "layers": [1, 2]}
    # log_dict writes YAML for a .yaml name; load_dict reads JSON only.
    assert mlflow.artifacts.load_text(f"{base}/config/params.yaml") == "name: yaml\n"


def test_log_figure_and_log_image_store_pngs(experiment_id, client, api):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, axes = plt.subplots()
    axes.plot([0, 1, 2], [2, 0, 1])
    with mlflow.start_run() as active:
        mlflow.log_figure(figure, "plots/curve.png")
        mlflow.log_image(np.full((8, 8, 3), 200, dtype=np.uint8), "images/square.png")
    plt.close(figure)
    run = client.get_run(active.info.run_id)
    names = {f.path for f in client.list_artifacts(run.info.run_id, "plots")}
    names |= {f.path for f in client.list_artifacts(run.info.run_id, "images")}
    assert names == {"plots/curve.png", "images/square.png"}
    resp = api.get(f"{ARTIFACTS_API}/{store_path(run)}/plots/curve.png")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "image/png"
    assert resp.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_download_artifacts_of_a_file_and_of_a_directory(client, run, tree, tmp_path):
    client.log_artifacts(run.info.run_id, str(tree))
    one = Path(client.download_artifacts(run.info.run_id, "sub/a.txt", str(tmp_path / "one")))
    assert one.read_text() == "alpha"
    whole = Path(client.download_artifacts(run.info.run_id, "sub", str(tmp_path / "dir")))
    downloaded = sorted(str(p.relative_to(whole)) for p in whole.rglob("*") if p.is_file())
    assert downloaded == ["a.txt", "b.bin", "inner/c.json"]
    assert (whole / "b.bin").read_bytes() == bytes(range(256))


def test_mlflow_artifacts_download_by_runs_uri(client, run, tree, tmp_path):
    client.log_artifacts(run.info.run_id, str(tree))
    local = mlflow.artifacts.download_artifacts(f"runs:/{run.info.run_id}/sub/inner", dst_path=str(tmp_path))
    assert json.loads((Path(local) / "c.json").read_text()) == {"c": 3}
    single = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="top.txt", dst_path=str(tmp_path / "single")
    )
    assert Path(single).read_text() == "top"


def test_binary_content_is_byte_identical_after_a_round_trip(client, run, tmp_path):
    payload = os.urandom(3 * 1024 * 1024 + 17) + bytes(range(256)) * 4
    source = tmp_path / "blob.bin"
    source.write_bytes(payload)
    client.log_artifact(run.info.run_id, str(source), artifact_path="bin")
    back = Path(client.download_artifacts(run.info.run_id, "bin/blob.bin", str(tmp_path / "back")))
    assert back.read_bytes() == payload


def test_an_upload_replaces_the_file_it_overwrites(client, run, tmp_path):
    file = tmp_path / "state.txt"
    file.write_text("first version, longer")
    client.log_artifact(run.info.run_id, str(file))
    file.write_text("second")
    client.log_artifact(run.info.run_id, str(file))
    assert mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/state.txt") == "second"


def test_deleting_an_artifact_and_a_directory(client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree))
    repository = get_artifact_repository(run.info.artifact_uri)
    repository.delete_artifacts("top.txt")
    assert listing(client, run.info.run_id) == {("sub", True, None)}
    repository.delete_artifacts("sub/inner")
    assert {f.path for f in client.list_artifacts(run.info.run_id, "sub")} == {"sub/a.txt", "sub/b.bin"}


def test_a_large_file_uploads_in_parts_when_multipart_is_on(client, run, tmp_path, monkeypatch):
    # Against Stride the client sees multipart_uploads_enabled and PUTs parts; against MLflow's local
    # store it falls back to one PUT. Either way the bytes must arrive whole.
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(1024 * 1024))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(256 * 1024))
    payload = os.urandom(1024 * 1024 + 12345)
    source = tmp_path / "big.bin"
    source.write_bytes(payload)
    client.log_artifact(run.info.run_id, str(source), artifact_path="large")
    assert listing(client, run.info.run_id, "large") == {("large/big.bin", False, len(payload))}
    back = Path(client.download_artifacts(run.info.run_id, "large/big.bin", str(tmp_path / "back")))
    assert back.read_bytes() == payload


# --- the raw proxy API ----------------------------------------------------------------------------


def test_raw_listing_uses_basenames_and_omits_sizes_of_directories(api, client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree))
    resp = api.get(ARTIFACTS_API, params={"path": store_path(run)})
    assert resp.status_code == 200
    assert resp.json() == {"files": [{"path": "sub", "is_dir": True}, {"path": "top.txt", "is_dir": False, "file_size": 3}]}
    assert api.get(ARTIFACTS_API, params={"path": f"{store_path(run)}/top.txt"}).json() == {}
    assert api.get(ARTIFACTS_API, params={"path": f"{store_path(run)}/missing"}).json() == {}


def test_raw_download_has_attachment_headers_and_honours_range(api, client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree))
    url = f"{ARTIFACTS_API}/{store_path(run)}/sub/b.bin"
    resp = api.get(url)
    assert resp.status_code == 200
    assert resp.content == bytes(range(256))
    assert resp.headers["Content-Type"] == "application/octet-stream"
    assert resp.headers["Content-Disposition"] == "attachment; filename=b.bin"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    part = api.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == bytes(range(10, 20))
    assert part.headers["Content-Range"] == "bytes 10-19/256"
    tail = api.get(url, headers={"Range": "bytes=-6"})
    assert tail.status_code == 206 and tail.content == bytes(range(250, 256))
    beyond = api.get(url, headers={"Range": "bytes=1000-"})
    assert beyond.status_code == 416


def test_raw_download_of_a_directory_is_400(api, client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree))
    resp = api.get(f"{ARTIFACTS_API}/{store_path(run)}/sub")
    assert resp.status_code == 400


def test_raw_upload_answers_200_and_a_trailing_slash_is_400(api, run):
    ok = api.request("PUT", f"{ARTIFACTS_API}/{store_path(run)}/raw/x.txt", data=b"x", headers={"Content-Type": "text/plain"})
    assert ok.status_code == 200
    bad = api.request("PUT", f"{ARTIFACTS_API}/{store_path(run)}/raw/", data=b"x")
    assert bad.status_code == 400


def test_raw_delete_answers_an_empty_object(api, run):
    api.request("PUT", f"{ARTIFACTS_API}/{store_path(run)}/gone.txt", data=b"bye")
    resp = api.request("DELETE", f"{ARTIFACTS_API}/{store_path(run)}/gone.txt")
    assert resp.status_code == 200
    assert resp.json() == {}
    assert api.get(f"{ARTIFACTS_API}/{store_path(run)}/gone.txt").status_code == 404


HOSTILE_QUERY_PATHS = [
    "../../etc",
    "1/../../x",
    "/etc/passwd",
    "a/%2e%2e/%2e%2e/b",
    "a#b",
    # MLflow on Linux accepts backslashes; Stride refuses them everywhere (a deliberate difference).
    pytest.param("..\\..\\windows", marks=pytest.mark.skipif(TARGET != "stride", reason="Stride is stricter")),
]


@pytest.mark.parametrize("path", HOSTILE_QUERY_PATHS)
def test_a_hostile_listing_path_is_rejected(api, path):
    resp = api.get(ARTIFACTS_API, params={"path": path})
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "Invalid path" in body["message"]


HOSTILE_URL_TAILS = ["%2e%2e/%2e%2e/etc/passwd", "1/%2E%2E/%2E%2E/x", "%252e%252e/%252e%252e/x", "..%2f..%2fetc"]


@pytest.mark.parametrize("tail", HOSTILE_URL_TAILS)
def test_a_hostile_url_path_is_rejected_for_every_method(server, tail):
    # Raw sockets: HTTP libraries would normalise the path before sending it.
    for method in ["GET", "PUT", "DELETE"]:
        status, body = raw_request(server.uri, method, f"{ARTIFACTS_API}/{tail}", b"x" if method == "PUT" else b"")
        assert status == 400, (method, tail, body)
        assert b"INVALID_PARAMETER_VALUE" in body, body


def test_a_dot_dot_url_path_is_rejected(server):
    status, body = raw_request(server.uri, "GET", f"{ARTIFACTS_API}/1/../../../etc/passwd", b"")
    assert status in (400, 404), body
    assert b"root:" not in body


def test_a_hostile_artifact_path_from_the_client_is_rejected(client, run, tmp_path):
    file = tmp_path / "x.txt"
    file.write_text("x")
    with pytest.raises(MlflowException):
        client.log_artifact(run.info.run_id, str(file), artifact_path="../../escape")


def test_an_interrupted_upload_leaves_no_partial_file(server, api, run):
    """The client promises 1 MB, sends 100 KB and hangs up: no file may appear (with Stride, not even its folder)."""
    path = f"{ARTIFACTS_API}/{store_path(run)}/partial/upload.bin"
    parsed = urllib.parse.urlparse(server.uri)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as sock:
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {1024 * 1024}\r\n\r\n"
        )
        sock.sendall(head.encode() + b"\x07" * 100_000)
    # The server notices the closed connection when it next reads; give it a moment.
    for _ in range(50):
        if api.get(ARTIFACTS_API, params={"path": f"{store_path(run)}/partial"}).json() == {}:
            break
        time.sleep(0.1)
    assert api.get(path).status_code == 404
    assert api.get(ARTIFACTS_API, params={"path": f"{store_path(run)}/partial"}).json() == {}
    if TARGET == "stride":
        # MLflow creates the folder before the body arrives; Stride only once the file is complete.
        assert api.get(ARTIFACTS_API, params={"path": store_path(run)}).json() == {}


# --- UI helpers -------------------------------------------------------------------------------------


def test_get_artifact_serves_a_run_file_as_an_attachment(api, client, run, tree):
    client.log_artifacts(run.info.run_id, str(tree))
    resp = api.get("/get-artifact", params={"run_uuid": run.info.run_id, "path": "sub/inner/c.json"})
    assert resp.status_code == 200
    assert resp.json() == {"c": 3}
    assert resp.headers["Content-Type"] == "text/plain"
    assert resp.headers["Content-Disposition"] == "attachment; filename=c.json"
    by_run_id = api.get("/get-artifact", params={"run_id": run.info.run_id, "path": "top.txt"})
    assert by_run_id.status_code == 200 and by_run_id.text == "top"


def test_get_artifact_rejects_hostile_paths_and_reports_missing_runs(api, run):
    hostile = api.get("/get-artifact", params={"run_uuid": run.info.run_id, "path": "../../../etc/passwd"})
    assert hostile.status_code == 400
    assert hostile.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    missing = api.get("/get-artifact", params={"run_uuid": "0" * 32, "path": "x.txt"})
    assert missing.status_code == 404


# --- Stride-only behaviour --------------------------------------------------------------------------

stride_only = pytest.mark.skipif(TARGET != "stride", reason="MLflow's local artifact store has no multipart upload")


@stride_only
def test_server_info_reports_multipart_uploads_enabled(api):
    info = api.get("/api/3.0/mlflow/server-info").json()
    assert info["multipart_uploads_enabled"] is True
    assert info["artifact_serving_enabled"] is True


@stride_only
def test_raw_multipart_upload_create_parts_complete(api, run):
    directory = f"{store_path(run)}/mpu"
    created = api.post(
        f"/api/2.0/mlflow-artifacts/mpu/create/{directory}", json={"path": "/home/me/model.bin", "num_parts": 2}
    )
    assert created.status_code == 200, created.text
    body = created.json()
    credentials = body["credentials"]
    assert [c["part_number"] for c in credentials] == [1, 2]
    parts = []
    for credential, chunk in zip(credentials, [b"a" * 1000, b"b" * 10]):
        put = api.session.put(credential["url"], data=chunk, timeout=30)
        assert put.status_code == 200
        parts.append({"part_number": credential["part_number"], "etag": put.headers["ETag"], "url": credential["url"]})
    done = api.post(
        f"/api/2.0/mlflow-artifacts/mpu/complete/{directory}",
        json={"path": "/home/me/model.bin", "upload_id": body["upload_id"], "parts": parts},
    )
    assert done.status_code == 200 and done.json() == {}
    assert api.get(f"{ARTIFACTS_API}/{directory}/model.bin").content == b"a" * 1000 + b"b" * 10


@stride_only
def test_raw_multipart_abort_discards_the_parts(api, run):
    directory = f"{store_path(run)}/aborted"
    created = api.post(f"/api/2.0/mlflow-artifacts/mpu/create/{directory}", json={"path": "x.bin", "num_parts": 1}).json()
    api.session.put(created["credentials"][0]["url"], data=b"zzz", timeout=30)
    aborted = api.post(
        f"/api/2.0/mlflow-artifacts/mpu/abort/{directory}", json={"path": "x.bin", "upload_id": created["upload_id"]}
    )
    assert aborted.status_code == 200 and aborted.json() == {}
    assert api.get(ARTIFACTS_API, params={"path": store_path(run)}).json() == {}


# --- helpers ------------------------------------------------------------------------------------------


def raw_request(base: str, method: str, path: str, body: bytes) -> tuple[int, bytes]:
    """Sends `path` exactly as written and returns the status and body."""
    parsed = urllib.parse.urlparse(base)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as sock:
        head = f"{method} {path} HTTP/1.1\r\nHost: {parsed.netloc}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        sock.sendall(head.encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    status = int(response.split(b" ", 2)[1])
    return status, response.split(b"\r\n\r\n", 1)[-1]


def test_a_presigned_download_is_mlflows_501_not_a_server_fault(api):
    # MLflow's local artifact store cannot presign; the client never retries a 501.
    resp = api.get("/api/2.0/mlflow-artifacts/presigned/0")
    assert resp.status_code == 501
    assert resp.json()["error_code"] == "NOT_IMPLEMENTED"
    assert "request id" not in resp.json()["message"]
