"""Project boundaries (issue 12, items 5-9, 13, 14) against `stride server --auth`.

One rule is tested here from every side a request can name something: an id or a location of
another project reads exactly as a missing one, writes nothing, and management of projects
themselves is the server admin's (the admin of `default`). Plus the web-facing checks around it:
redirects stay on this site, Host headers are checked on a loopback server, and Origin compares
whole origins.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from conftest import TARGET, unique_name
from test_access import ROLES, launched_auth_server

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="Stride's projects and tokens")

INVALID_HOST = "Invalid Host header - possible DNS rebinding attack detected"


@pytest.fixture(scope="module")
def auth_server():
    tokens = {f"vision-{role}": ("vision", role) for role in ROLES}
    tokens |= {f"audio-{role}": ("audio", role) for role in ("writer", "maintainer", "admin")}
    tokens |= {"default-admin": ("default", "admin"), "default-writer": ("default", "writer")}
    with launched_auth_server(("vision", "audio"), tokens) as server:
        yield server


class Caller:
    """Raw HTTP as one token, in one project (`/projects/<name>` prefix; "" for default)."""

    def __init__(self, server, token_name: str, project: str):
        self.base = server.uri + (f"/projects/{project}" if project else "")
        self.headers = {"Authorization": f"Bearer {server.tokens[token_name]}"}

    def get(self, path: str, **kw) -> requests.Response:
        return requests.get(self.base + path, headers=self.headers, timeout=30, **kw)

    def post(self, path: str, body: dict | None = None, **kw) -> requests.Response:
        return requests.post(self.base + path, json=body or {}, headers=self.headers, timeout=30, **kw)

    def put(self, path: str, data: bytes, **kw) -> requests.Response:
        return requests.put(self.base + path, data=data, headers=self.headers, timeout=30, **kw)

    def delete(self, path: str, **kw) -> requests.Response:
        return requests.delete(self.base + path, headers=self.headers, timeout=30, **kw)


@pytest.fixture
def call(auth_server):
    return lambda token_name, project: Caller(auth_server, token_name, project)


ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
WORKSPACES = "/api/3.0/mlflow/workspaces"


def _audio_secret(call, auth_server) -> tuple[str, str, Path]:
    """An audio run with a file `secret.txt`; returns (run id, its artifact URI, the file on disk)."""
    audio = call("audio-writer", "audio")
    experiment = audio.post("/api/2.0/mlflow/experiments/create", {"name": unique_name("audio-secrets")}).json()["experiment_id"]
    run = audio.post("/api/2.0/mlflow/runs/create", {"experiment_id": experiment}).json()["run"]["info"]
    uri = run["artifact_uri"]
    relative = uri.removeprefix("mlflow-artifacts:/")
    assert audio.put(f"{ARTIFACTS}/{relative}/secret.txt", b"audio's secret").status_code == 200
    on_disk = auth_server.data_dir / "artifacts" / "workspaces" / "audio" / relative / "secret.txt"
    assert on_disk.read_bytes() == b"audio's secret"
    return run["run_id"], uri, on_disk


def _no_secret(resp: requests.Response) -> None:
    assert 400 <= resp.status_code < 500, resp.text
    assert "audio's secret" not in resp.text


# 5. Workspaces are the server admin's.

def test_a_project_admin_sees_only_its_own_project_and_cannot_manage_others(call, auth_server):
    vision_admin = call("vision-admin", "vision")
    listed = vision_admin.get(WORKSPACES)
    assert listed.status_code == 200, listed.text
    assert [w["name"] for w in listed.json()["workspaces"]] == ["vision"]
    assert vision_admin.get(f"{WORKSPACES}/vision").json() == {"workspace": {"name": "vision"}}
    foreign, missing = vision_admin.get(f"{WORKSPACES}/audio"), vision_admin.get(f"{WORKSPACES}/nosuch")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["message"].replace("audio", "X") == missing.json()["message"].replace("nosuch", "X")

    created = vision_admin.post(WORKSPACES, {"name": "annexed"})
    assert created.status_code == 403 and created.json()["error_code"] == "PERMISSION_DENIED"
    deleted = vision_admin.delete(f"{WORKSPACES}/audio")
    assert deleted.status_code == 403 and deleted.json()["error_code"] == "PERMISSION_DENIED"
    # audio still exists and its tokens still work.
    assert call("audio-writer", "audio").post("/api/2.0/mlflow/experiments/search", {"max_results": 1}).status_code == 200
    assert "annexed" not in [w["name"] for w in call("default-admin", "").get(WORKSPACES).json()["workspaces"]]


def test_a_default_project_writer_is_not_the_server_admin(call):
    writer = call("default-writer", "")
    assert [w["name"] for w in writer.get(WORKSPACES).json()["workspaces"]] == ["default"]
    assert writer.get(f"{WORKSPACES}/vision").status_code == 404
    assert writer.post(WORKSPACES, {"name": "sneaky"}).status_code == 403


def test_the_server_admin_lists_creates_and_deletes_projects(call):
    admin = call("default-admin", "")
    assert {"default", "vision", "audio"} <= {w["name"] for w in admin.get(WORKSPACES).json()["workspaces"]}
    assert admin.post(WORKSPACES, {"name": "scratch"}).status_code == 201
    assert admin.get(f"{WORKSPACES}/scratch").json() == {"workspace": {"name": "scratch"}}
    assert admin.delete(f"{WORKSPACES}/scratch").status_code == 200
    assert admin.get(f"{WORKSPACES}/scratch").status_code == 404


# 6. A model version's source resolves inside its own project.

def _version_with_source(maintainer: Caller, source: str, run_id: str | None = None) -> tuple[str, requests.Response]:
    name = unique_name("borrowed")
    assert maintainer.post("/api/2.0/mlflow/registered-models/create", {"name": name}).status_code == 200
    body = {"name": name, "source": source} | ({"run_id": run_id} if run_id else {})
    return name, maintainer.post("/api/2.0/mlflow/model-versions/create", body)


def test_a_model_version_source_cannot_reach_another_projects_files(call, auth_server):
    _, uri, on_disk = _audio_secret(call, auth_server)
    root = auth_server.data_dir / "artifacts"
    inside_audio = on_disk.parent.relative_to(root).as_posix()
    maintainer = call("vision-maintainer", "vision")
    sources = {
        f"file://{on_disk.parent}": "secret.txt",
        str(on_disk.parent): "secret.txt",
        f"file://{root}": f"{inside_audio}/secret.txt",
        str(root): f"{inside_audio}/secret.txt",
        f"file://{root}/workspaces/vision/../audio/{inside_audio.split('/', 2)[2]}": "secret.txt",
        f"mlflow-artifacts:/{inside_audio}": "secret.txt",
        f"mlflow-artifacts:/../../{inside_audio}": "secret.txt",
        f"mlflow-artifacts://127.0.0.1/{inside_audio}": "secret.txt",
    }
    for source, path in sources.items():
        name, created = _version_with_source(maintainer, source)
        if created.status_code != 200:  # refused at create time, as MLflow refuses some sources
            _no_secret(created)
            continue
        version = created.json()["model_version"]["version"]
        read = maintainer.get("/model-versions/get-artifact", params={"name": name, "version": version, "path": path})
        _no_secret(read)
        # The download URI leads through the proxy, which is confined to vision's own files too.
        download_uri = maintainer.get("/api/2.0/mlflow/model-versions/get-download-uri", params={"name": name, "version": version})
        if download_uri.status_code == 200 and download_uri.json()["artifact_uri"].startswith("mlflow-artifacts:"):
            proxied = download_uri.json()["artifact_uri"].removeprefix("mlflow-artifacts:").lstrip("/")
            _no_secret(maintainer.get(f"{ARTIFACTS}/{proxied}/{path}"))
    assert on_disk.read_bytes() == b"audio's secret"


def test_the_default_project_cannot_reach_other_projects_through_its_root(call, auth_server):
    _, uri, on_disk = _audio_secret(call, auth_server)
    inside_audio = on_disk.parent.relative_to(auth_server.data_dir / "artifacts").as_posix()
    admin = call("default-admin", "")
    _no_secret(admin.get(f"{ARTIFACTS}/{inside_audio}/secret.txt"))
    listed = admin.get(ARTIFACTS, params={"path": ""})
    assert listed.status_code == 200
    assert "workspaces" not in [f["path"] for f in listed.json().get("files", [])]
    name, created = _version_with_source(admin, f"mlflow-artifacts:/{inside_audio}")
    if created.status_code == 200:
        _no_secret(admin.get("/model-versions/get-artifact", params={"name": name, "version": "1", "path": "secret.txt"}))


def test_an_experiment_location_cannot_point_into_another_project(call, auth_server):
    _, _, on_disk = _audio_secret(call, auth_server)
    vision = call("vision-writer", "vision")
    experiment = vision.post("/api/2.0/mlflow/experiments/create",
                             {"name": unique_name("squatter"), "artifact_location": f"file://{on_disk.parent.parent.parent}"})
    if experiment.status_code != 200:  # refusing the location outright is as safe
        _no_secret(experiment)
        return
    run = vision.post("/api/2.0/mlflow/runs/create", {"experiment_id": experiment.json()["experiment_id"]}).json()["run"]["info"]
    assert run["artifact_uri"].startswith(f"file://{on_disk.parent.parent.parent}/")
    # The run's root lies in audio's folder: nothing there is listed or read, and climbing out is refused.
    listed = vision.get("/api/2.0/mlflow/artifacts/list", params={"run_id": run["run_id"]})
    assert listed.status_code == 200 and listed.json().get("files", []) == []
    audio_run_folder = on_disk.parent.parent.name
    _no_secret(vision.get("/get-artifact", params={"run_id": run["run_id"], "path": f"../../{audio_run_folder}/artifacts/secret.txt"}))
    (on_disk.parent.parent.parent / run["run_id"] / "artifacts").mkdir(parents=True)
    (on_disk.parent.parent.parent / run["run_id"] / "artifacts" / "planted.txt").write_text("audio's secret")
    _no_secret(vision.get("/get-artifact", params={"run_id": run["run_id"], "path": "planted.txt"}))


# 7. A metric's model_id names a logged model of the caller's project only.

def test_logging_a_metric_against_another_projects_logged_model_writes_nothing(call):
    audio = call("audio-writer", "audio")
    audio_experiment = audio.post("/api/2.0/mlflow/experiments/create", {"name": unique_name("audio-models")}).json()["experiment_id"]
    model_id = audio.post("/api/2.0/mlflow/logged-models", {"experiment_id": audio_experiment}).json()["model"]["info"]["model_id"]

    vision = call("vision-writer", "vision")
    experiment = vision.post("/api/2.0/mlflow/experiments/create", {"name": unique_name("writer")}).json()["experiment_id"]
    run_id = vision.post("/api/2.0/mlflow/runs/create", {"experiment_id": experiment}).json()["run"]["info"]["run_id"]
    unknown_id = "m-" + "0" * 32
    answers = []
    for target in (model_id, unknown_id):
        single = vision.post("/api/2.0/mlflow/runs/log-metric",
                             {"run_id": run_id, "key": "stolen", "value": 1.0, "timestamp": 1, "step": 0, "model_id": target})
        batch = vision.post("/api/2.0/mlflow/runs/log-batch",
                            {"run_id": run_id, "metrics": [{"key": "stolen", "value": 2.0, "timestamp": 2, "step": 1, "model_id": target}]})
        answers.append([(r.status_code, r.json()["error_code"], r.json()["message"].replace(target, "ID")) for r in (single, batch)])
    assert answers[0] == answers[1]
    assert answers[0][0][:2] == (404, "RESOURCE_DOES_NOT_EXIST")
    assert audio.get(f"/api/2.0/mlflow/logged-models/{model_id}").json()["model"]["data"].get("metrics", []) == []
    assert vision.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()["run"]["data"].get("metrics", []) == []


def test_a_model_version_cannot_name_another_projects_logged_model(call):
    audio = call("audio-writer", "audio")
    audio_experiment = audio.post("/api/2.0/mlflow/experiments/create", {"name": unique_name("audio-lineage")}).json()["experiment_id"]
    model_id = audio.post("/api/2.0/mlflow/logged-models", {"experiment_id": audio_experiment}).json()["model"]["info"]["model_id"]
    maintainer = call("vision-maintainer", "vision")
    answers = []
    for target in (model_id, "m-" + "0" * 32):
        name, created = _version_with_source(maintainer, "s3://bucket/model")
        assert created.status_code == 200, created.text
        resp = maintainer.post("/api/2.0/mlflow/model-versions/create", {"name": name, "source": "s3://bucket/model", "model_id": target})
        answers.append((resp.status_code, resp.json()["error_code"], resp.json()["message"].replace(target, "ID")))
        versions = maintainer.get("/api/2.0/mlflow/model-versions/search", params={"filter": f"name='{name}'"}).json()["model_versions"]
        assert [v["version"] for v in versions] == ["1"]  # only the version made without model_id
    assert answers[0] == answers[1] and answers[0][:2] == (404, "RESOURCE_DOES_NOT_EXIST")


# 8. Deleting a project deletes its files and ends every way into it.

def test_a_deleted_project_keeps_no_files_and_takes_no_uploads(call, auth_server):
    admin = call("default-admin", "")
    assert admin.post(WORKSPACES, {"name": "transient"}).status_code == 201
    made = admin.post("/projects/transient/api/2.0/stride/tokens/create", {"role": "writer"})
    assert made.status_code == 200, made.text
    writer = {"Authorization": f"Bearer {made.json()['token']}"}
    upload = f"{auth_server.uri}/projects/transient{ARTIFACTS}/notes/secret.txt"
    assert requests.put(upload, data=b"transient secret", headers=writer, timeout=30).status_code == 200
    folder = auth_server.data_dir / "artifacts" / "workspaces" / "transient"
    assert (folder / "notes" / "secret.txt").exists()

    assert admin.delete(f"{WORKSPACES}/transient").status_code == 200
    assert not folder.exists()
    assert requests.put(upload, data=b"late", headers=writer, timeout=30).status_code == 401
    late_admin = admin.put(f"/projects/transient{ARTIFACTS}/notes/late.txt", b"late")
    assert late_admin.status_code == 404 and not folder.exists()
    mlflow_header = requests.put(f"{auth_server.uri}{ARTIFACTS}/notes/late.txt", data=b"late", timeout=30,
                                 headers=admin.headers | {"X-MLFLOW-WORKSPACE": "transient"})
    assert mlflow_header.status_code == 404 and not folder.exists()

    # A file that a racing upload left under the name is not served to a new project of that name.
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "secret.txt").write_bytes(b"leftover")
    assert admin.post(WORKSPACES, {"name": "transient"}).status_code == 201
    assert admin.get(f"/projects/transient{ARTIFACTS}/notes/secret.txt").status_code == 404
    assert admin.delete(f"{WORKSPACES}/transient").status_code == 200


# 9. Parent runs and multipart uploads stay in their project.

def test_the_run_page_lists_and_links_runs_of_its_own_project_only(call, auth_server):
    audio = call("audio-writer", "audio")
    audio_experiment = audio.post("/api/2.0/mlflow/experiments/create", {"name": unique_name("parents")}).json()["experiment_id"]
    audio_run = audio.post("/api/2.0/mlflow/runs/create", {"experiment_id": audio_experiment}).json()["run"]["info"]["run_id"]
    vision = call("vision-writer", "vision")
    vision_experiment = vision.post("/api/2.0/mlflow/experiments/create", {"name": unique_name("children")}).json()["experiment_id"]
    intruder = vision.post("/api/2.0/mlflow/runs/create", {
        "experiment_id": vision_experiment, "run_name": "intruder",
        "tags": [{"key": "mlflow.parentRunId", "value": audio_run}]}).json()["run"]["info"]["run_id"]

    audio_page = requests.get(f"{auth_server.uri}/runs/{audio_run}", cookies={"stride_token": auth_server.tokens["audio-writer"]}, timeout=30)
    assert audio_page.status_code == 200
    assert intruder not in audio_page.text and "intruder" not in audio_page.text
    vision_page = requests.get(f"{auth_server.uri}/runs/{intruder}", cookies={"stride_token": auth_server.tokens["vision-writer"]}, timeout=30)
    assert vision_page.status_code == 200
    assert audio_run in vision_page.text  # the tag is shown as written
    assert f'href="/runs/{audio_run}"' not in vision_page.text


def test_an_upload_id_is_bound_to_its_project_and_path(call, auth_server):
    audio = call("audio-writer", "audio")
    directory = "shared/uploads"
    created = audio.post(f"/api/2.0/mlflow-artifacts/mpu/create/{directory}", {"path": "big.bin", "num_parts": 1})
    assert created.status_code == 200, created.text
    upload_id = created.json()["upload_id"]
    vision = call("vision-writer", "vision")
    unknown = "0" * 32
    for action in ("abort", "complete"):
        body = {"upload_id": upload_id, "path": "big.bin", "parts": [{"part_number": 1, "etag": "1-4"}]}
        foreign = vision.post(f"/api/2.0/mlflow-artifacts/mpu/{action}/{directory}", body)
        missing = vision.post(f"/api/2.0/mlflow-artifacts/mpu/{action}/{directory}", body | {"upload_id": unknown})
        assert foreign.status_code == missing.status_code, (foreign.text, missing.text)
        if foreign.status_code != 200:
            assert foreign.json()["message"].replace(upload_id, "ID") == missing.json()["message"].replace(unknown, "ID")
    # Another path of audio's own project does not reach it either.
    assert audio.post("/api/2.0/mlflow-artifacts/mpu/abort/elsewhere", {"upload_id": upload_id, "path": "big.bin"}).status_code == 200
    # The upload is intact: its owner completes it.
    part_url = created.json()["credentials"][0]["url"]
    etag = requests.put(part_url, data=b"data", timeout=30).headers["ETag"]
    done = audio.post(f"/api/2.0/mlflow-artifacts/mpu/complete/{directory}",
                      {"upload_id": upload_id, "path": "big.bin", "parts": [{"part_number": 1, "etag": etag}]})
    assert done.status_code == 200, done.text
    assert (auth_server.data_dir / "artifacts" / "workspaces" / "audio" / directory / "big.bin").read_bytes() == b"data"


def test_the_workspace_header_and_the_url_prefix_must_agree(call, auth_server):
    resp = requests.post(f"{auth_server.uri}/projects/vision/api/2.0/mlflow/experiments/search", json={"max_results": 1}, timeout=30,
                         headers={"Authorization": f"Bearer {auth_server.tokens['vision-reader']}", "X-MLFLOW-WORKSPACE": "audio"})
    assert resp.status_code == 400 and resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"


# 13. Redirects after sign-in and forms stay on this site.

HOSTILE_TARGETS = ["/\t/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example",
                   "/\n/evil.example", "javascript:alert(1)", "/.//evil.example", " /evil", "/ok\r\nSet-Cookie: x=1"]


def test_sign_in_redirects_only_to_paths_of_this_site(auth_server):
    page = requests.get(f"{auth_server.uri}/login", params={"next": "/\t/evil.example"}, timeout=30)
    assert 'name="next" value="/"' in page.text
    for target in HOSTILE_TARGETS + ["/experiments/0?q=a//b"]:
        resp = requests.post(f"{auth_server.uri}/login", data={"password": auth_server.tokens["vision-reader"], "next": target},
                             allow_redirects=False, timeout=30)
        assert resp.status_code == 303, (target, resp.status_code)
        expected = "/experiments/0?q=a//b" if target.startswith("/experiments") else "/"
        assert resp.headers["Location"] == expected, target


def test_form_back_fields_redirect_only_to_paths_of_this_site(call, auth_server):
    experiment = call("vision-writer", "vision").post("/api/2.0/mlflow/experiments/create", {"name": unique_name("back")}).json()["experiment_id"]
    cookies = {"stride_token": auth_server.tokens["vision-writer"]}
    for target in HOSTILE_TARGETS:
        resp = requests.post(f"{auth_server.uri}/experiments/{experiment}/rename", data={"name": unique_name("renamed"), "back": target},
                             cookies=cookies, allow_redirects=False, timeout=30)
        assert resp.status_code == 303 and resp.headers["Location"] == "/", (target, resp.headers.get("Location"))


# 14. Host and Origin checks.

def test_a_loopback_server_answers_only_loopback_host_names(auth_server):
    url = f"{auth_server.uri}/api/2.0/mlflow/experiments/search"
    for host in ["evil.example", "evil.example:5000", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.1", "[::2]:80"]:
        resp = requests.post(url, json={"max_results": 1}, headers={"Host": host}, timeout=30)
        assert resp.status_code == 403 and resp.text == INVALID_HOST, host
    for host in ["localhost", "LOCALHOST:8080", "127.0.0.1:1", "127.1.2.3", "[::1]", "[::1]:5000"]:
        resp = requests.post(url, json={"max_results": 1}, headers={"Host": host}, timeout=30)
        assert resp.status_code == 401, (host, resp.text)  # past the Host check, stopped by auth
    assert requests.get(f"{auth_server.uri}/health", headers={"Host": "evil.example"}, timeout=30).status_code == 200
    page = requests.get(f"{auth_server.uri}/login", headers={"Host": "evil.example"}, timeout=30)
    assert page.status_code == 403


def test_allowed_hosts_adds_exact_hosts_and_patterns(monkeypatch):
    monkeypatch.setenv("STRIDE_ALLOWED_HOSTS", "from-env.example")
    with launched_auth_server((), {}, ("--allowed-hosts", "stride.example.com, *.corp.example:*")) as server:
        url = f"{server.uri}/api/2.0/mlflow/experiments/search"
        answered = {host: requests.post(url, json={}, headers={"Host": host}, timeout=30).status_code
                    for host in ["stride.example.com", "stride.example.com:5000", "ml.corp.example:8443", "corp.example:1",
                                 "from-env.example", "localhost:9"]}
    # The flag wins over the environment; loopback names always pass.
    assert answered == {"stride.example.com": 401, "stride.example.com:5000": 403, "ml.corp.example:8443": 401,
                        "corp.example:1": 403, "from-env.example": 403, "localhost:9": 401}


def test_the_origin_check_compares_scheme_host_and_port(auth_server):
    host = auth_server.uri.removeprefix("http://")
    for origin, allowed in [(f"http://{host}", True), (f"https://{host}", False), ("http://evil.example", False),
                            (f"http://{host.split(':')[0]}:1", False), ("null", False), (f"HTTP://{host.upper()}", True)]:
        resp = requests.post(f"{auth_server.uri}/login", data={"password": "not-a-token"}, headers={"Origin": origin},
                             allow_redirects=False, timeout=30)
        assert (resp.status_code != 403) == allowed, (origin, resp.status_code)
