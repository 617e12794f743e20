"""A newcomer's first run of `stride server`: every first mistake gets one clear sentence, nothing is
left behind by a start that fails, the start-up line says where everything is, and the links the
mlflow client prints after a run lead to Stride's pages.

These start the real binary in a fresh working folder, as a newcomer would.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import mlflow
import pytest
import requests

from conftest import REPO_ROOT, TARGET, _free_loopback_port

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="stride's own start-up")

BINARY = os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")


def refused(cwd: Path, *args: str) -> str:
    """Runs `stride server ARGS` that must refuse to start; returns its one line of error."""
    result = subprocess.run(
        [BINARY, "server", "--port", str(_free_loopback_port()), *args],
        cwd=cwd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0, result.stdout
    assert result.stdout == "", "nothing may be announced by a start that fails"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@contextlib.contextmanager
def serving(cwd: Path, *args: str):
    """Runs `stride server ARGS` until its start-up line; yields (url, lines printed up to it)."""
    port = _free_loopback_port()
    proc = subprocess.Popen(
        [BINARY, "server", "--port", str(port), *args],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"the server exited: {proc.wait()} {proc.stderr.read()}")
            lines.append(line.rstrip("\n"))
            if line.startswith("Stride serves"):
                break
        yield f"http://127.0.0.1:{port}", lines
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def test_a_taken_port_is_one_sentence_naming_port_and_creates_nothing(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [BINARY, "server", "--port", str(port)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"Error: Port {port} on 127.0.0.1 is already in use (by another server, or a Stride already running): "
        "stop that one or choose another port with --port."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_store_folder_that_does_not_exist_is_refused_by_its_full_path(tmp_path):
    message = refused(tmp_path, "--backend-store-uri", "sqlite:///no/such/dir/x.db")
    assert message == (
        f"Error: The folder {tmp_path}/no/such/dir for the store (--backend-store-uri) does not exist: "
        "correct the path, create the folder, or pass --create-store-dirs to create it."
    )
    assert list(tmp_path.iterdir()) == []


def test_create_store_dirs_creates_the_missing_folders(tmp_path):
    with serving(tmp_path, "--backend-store-uri", "sqlite:///new/dir/x.db", "--create-store-dirs") as (url, lines):
        assert lines[0] == f"Created a new store at {tmp_path}/new/dir/x.db."
        assert requests.get(f"{url}/health", timeout=10).text == "OK"


def test_mlflow_file_store_habit_is_answered_with_the_sqlite_uri_to_use(tmp_path):
    message = refused(tmp_path, "--backend-store-uri", "./mlruns")
    assert message == (
        "Error: --backend-store-uri './mlruns' is a path, which MLflow would use as a file store (folders of YAML "
        "files); Stride keeps its store in one SQLite file and cannot read MLflow's file store: use sqlite:///mlruns.db."
    )
    (tmp_path / "mlruns").mkdir()
    message = refused(tmp_path, "--backend-store-uri", "sqlite:///mlruns")
    assert message == (
        f"Error: --backend-store-uri 'sqlite:///mlruns' names the folder {tmp_path}/mlruns; "
        f"the store is one SQLite file, e.g. sqlite:///{tmp_path}/mlruns/stride.db."
    )
    assert [p.name for p in tmp_path.iterdir()] == ["mlruns"]


def test_a_file_in_the_way_is_named_in_words(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    message = refused(tmp_path, "--backend-store-uri", "sqlite:///notes.txt/x.db")
    assert message == (
        f"Error: The path of the store (--backend-store-uri) goes through {tmp_path}/notes.txt, which is a file, not a folder."
    )
    message = refused(tmp_path, "--backend-store-uri", "sqlite:///notes.txt")
    assert message == (
        f"Error: The store {tmp_path}/notes.txt (--backend-store-uri) is not an SQLite database; name a new file or a Stride store."
    )
    message = refused(tmp_path, "--artifacts-destination", "notes.txt")
    assert message == f"Error: The artifact folder {tmp_path}/notes.txt (--artifacts-destination) is a file, not a folder."
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_new_store_is_announced_and_the_start_up_line_says_where_everything_is(tmp_path):
    with serving(tmp_path) as (url, lines):
        assert lines == [
            f"Created a new store at {tmp_path}/stride-data/stride.db.",
            f"Stride serves {url} (store: {tmp_path}/stride-data/stride.db, "
            f"artifacts: {tmp_path}/stride-data/artifacts, auth: off); Ctrl-C stops it.",
        ]
        assert requests.get(f"{url}/health", timeout=10).text == "OK"
    # The second start opens the same store: nothing is announced as new.
    with serving(tmp_path, "--auth") as (url, lines):
        assert lines == [
            f"Stride serves {url} (store: {tmp_path}/stride-data/stride.db, "
            f"artifacts: {tmp_path}/stride-data/artifacts, auth: on); Ctrl-C stops it."
        ]


def test_pages_load_the_mlflow_link_script_and_project_urls_select_the_project(tmp_path):
    with serving(tmp_path) as (url, _):
        for page in ("/", "/models"):
            assert '<script src="/static/mlflow-links.js"></script>' in requests.get(url + page, timeout=10).text
        script = requests.get(f"{url}/static/mlflow-links.js", timeout=10)
        assert script.status_code == 200
        assert script.headers["Content-Type"].startswith("text/javascript")
        assert "/-/mlflow-link?fragment=" in script.text

        for prefix in ("/projects/vision/", "/projects/vision"):
            answer = requests.get(url + prefix, allow_redirects=False, timeout=10)
            assert answer.status_code == 303
            assert answer.headers["Location"] == "/"
            assert answer.cookies.get("stride_project") == "vision"


def _printed_links(tracking_uri: str) -> tuple[str, str, str]:
    """Logs and ends a run; returns (run id, the run link, the experiment link) the client printed.

    A client of its own, so the session's tracking URI and active experiment stay as they were.
    """
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        experiment_id = client.create_experiment(f"first-run-{time.monotonic_ns()}")
        run_id = client.create_run(experiment_id).info.run_id
        client.log_metric(run_id, "loss", 0.5)
        client.set_terminated(run_id)
    printed = out.getvalue()
    run_link = re.search(r"View run \S+ at: (\S+)", printed).group(1)
    experiment_link = re.search(r"View experiment at: (\S+)", printed).group(1)
    return run_id, run_link, experiment_link


def _follow_fragment(link: str) -> requests.Response:
    """What the page script does with a printed link: hand its fragment to /-/mlflow-link."""
    parts = urlsplit(link)
    base = f"{parts.scheme}://{parts.netloc}"
    return requests.get(f"{base}/-/mlflow-link?fragment={quote(parts.fragment, safe='')}", timeout=10)


def test_the_links_the_client_prints_after_a_run_reach_the_run_and_its_experiment(tmp_path):
    with serving(tmp_path) as (url, _):
        run_id, run_link, experiment_link = _printed_links(url)
        assert run_link.startswith(f"{url}/#/experiments/")
        run_page = _follow_fragment(run_link)
        assert run_page.status_code == 200
        assert run_page.url.endswith(f"/runs/{run_id}")
        assert run_id in run_page.text
        experiment_id = experiment_link.rsplit("/", 1)[1]
        experiment_page = _follow_fragment(experiment_link)
        assert experiment_page.status_code == 200
        assert experiment_page.url.endswith(f"/experiments/{experiment_id}")


def test_links_printed_under_a_project_prefix_reach_the_run_in_that_project(tmp_path):
    store = f"sqlite:///{tmp_path}/stride.db"
    subprocess.run([BINARY, "project", "create", "vision", "--backend-store-uri", store], check=True, capture_output=True)
    with serving(tmp_path, "--backend-store-uri", store) as (url, _):
        run_id, run_link, _ = _printed_links(f"{url}/projects/vision")
        assert run_link.startswith(f"{url}/projects/vision/#/experiments/")
        with requests.Session() as browser:
            # The browser asks for the page without the fragment and keeps the fragment across the redirect.
            landing = browser.get(run_link.split("#")[0], timeout=10)
            assert landing.status_code == 200 and landing.url == f"{url}/"
            run_page = browser.get(f"{url}/-/mlflow-link?fragment={quote(urlsplit(run_link).fragment, safe='')}", timeout=10)
            assert run_page.status_code == 200
            assert run_id in run_page.text
            # Without the project selected, the run is not found in the default project.
            assert requests.get(f"{url}/runs/{run_id}", timeout=10).status_code == 404


def test_the_workspace_the_client_names_in_a_link_selects_that_project(tmp_path):
    store = f"sqlite:///{tmp_path}/stride.db"
    subprocess.run([BINARY, "project", "create", "audio", "--backend-store-uri", store], check=True, capture_output=True)
    with serving(tmp_path, "--backend-store-uri", store) as (url, _):
        mlflow.set_workspace("audio")
        try:
            run_id, run_link, _ = _printed_links(url)
        finally:
            mlflow.set_workspace(None)
        assert run_link.endswith(f"/runs/{run_id}?workspace=audio")
        run_page = _follow_fragment(run_link)
        assert run_page.status_code == 200
        assert run_id in run_page.text
