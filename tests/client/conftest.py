"""Fixtures for the Stride client test suite.

The suite drives the real, unmodified ``mlflow`` Python client (and raw HTTP via
``requests``) against a server process that the session starts itself:

* default: the Stride binary (``.build/debug/stride``, or ``$STRIDE_BIN``);
* ``STRIDE_TEST_TARGET=mlflow``: the real ``mlflow server`` from the same venv,
  so every test can be checked against MLflow's true behaviour.

``STRIDE_TEST_BACKEND_STORE_URI=postgresql://user@host:port/db`` puts Stride's store on
PostgreSQL instead of SQLite: each server start gets a fresh database on that server
(created with ``psql``, dropped at the end).

The server binds to 127.0.0.1 on a free port, keeps its data in a fresh temp
dir, and is stopped with SIGTERM at the end of the session. When a test fails
the tail of the server log is attached to that test's report.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# These must be in the environment before mlflow is imported anywhere: telemetry
# is decided at import time, and a server bug must fail fast instead of retrying
# with exponential backoff for minutes.
_CLIENT_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}
os.environ.update(_CLIENT_ENV)

import mlflow  # noqa: E402
import pytest  # noqa: E402
import requests  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET = os.environ.get("STRIDE_TEST_TARGET", "stride").strip().lower() or "stride"
LOG_TAIL_LINES = 60


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:  # pragma: no cover - diagnostics only
        return f"<cannot read {path}: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


class ServerHandle:
    def __init__(self, target: str, uri: str, data_dir: Path, log_path: Path, proc: subprocess.Popen):
        self.target = target
        self.uri = uri
        self.data_dir = data_dir
        self.log_path = log_path
        self.proc = proc

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return _tail(self.log_path, lines)

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_since(self, offset: int, lines: int = LOG_TAIL_LINES) -> str:
        """The last `lines` lines the server wrote after byte `offset`."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                text = f.read().decode(errors="replace")
        except OSError as exc:  # pragma: no cover - diagnostics only
            return f"<cannot read {self.log_path}: {exc}>"
        tail = text.splitlines()[-lines:]
        return "\n".join(tail) if tail else "<server wrote nothing during this test>"

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        # The server was started in its own session: signal its whole process
        # group (mlflow server runs uvicorn as a child process).
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        # Give helpers left in the group (mlflow's job consumers) a moment to
        # follow, then kill whatever of the group is still there.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=10)


BACKEND_SERVER_URI = os.environ.get("STRIDE_TEST_BACKEND_STORE_URI", "").strip()


def _psql(server_uri: str, sql: str) -> None:
    subprocess.run(["psql", server_uri, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True, timeout=60)


def _fresh_postgres_database(server_uri: str) -> str:
    """A new, empty database on the server ``server_uri`` names; returns its URI."""
    name = "stride_client_" + uuid.uuid4().hex
    _psql(server_uri, f"CREATE DATABASE {name}")
    base, _, query = server_uri.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def _drop_postgres_database(database_uri: str, server_uri: str = BACKEND_SERVER_URI) -> None:
    name = database_uri.partition("?")[0].rsplit("/", 1)[1]
    try:
        _psql(server_uri, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    except (subprocess.SubprocessError, OSError):
        pass


def _backend_store_uri(data_dir: Path) -> str:
    """SQLite in the server's data dir, or a fresh PostgreSQL database when the suite is told to."""
    if BACKEND_SERVER_URI:
        return _fresh_postgres_database(BACKEND_SERVER_URI)
    return f"sqlite:///{data_dir}/stride.db"


def _server_command(target: str, port: int, data_dir: Path, store_uri: str | None = None) -> list[str]:
    if target == "mlflow":
        return [
            sys.executable, "-m", "mlflow", "server",
            "--host", "127.0.0.1",
            "--port", str(port),
            "--backend-store-uri", f"sqlite:///{data_dir}/mlflow.db",
            "--artifacts-destination", f"{data_dir}/artifacts",
            "--workers", "1",
        ]
    if target != "stride":
        raise pytest.UsageError(f"STRIDE_TEST_TARGET must be 'stride' or 'mlflow', not {target!r}")
    binary = Path(os.environ.get("STRIDE_BIN") or REPO_ROOT / ".build" / "debug" / "stride")
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise pytest.UsageError(
            f"Stride binary not found at {binary}: run `swift build` first, set STRIDE_BIN, "
            "or use STRIDE_TEST_TARGET=mlflow to run the suite against the real mlflow server."
        )
    return [
        str(binary), "server",
        "--host", "127.0.0.1",
        "--port", str(port),
        "--backend-store-uri", store_uri or f"sqlite:///{data_dir}/stride.db",
        "--artifacts-destination", f"{data_dir}/artifacts",
    ]


def _wait_healthy(handle: ServerHandle, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no attempt"
    while time.monotonic() < deadline:
        if handle.proc.poll() is not None:
            raise RuntimeError(
                f"{handle.target} server exited with code {handle.proc.returncode} before becoming "
                f"healthy.\n--- server log tail ---\n{handle.log_tail()}"
            )
        try:
            resp = requests.get(f"{handle.uri}/health", timeout=2)
            if resp.status_code == 200 and resp.text.strip() == "OK":
                return
            last_error = f"HTTP {resp.status_code}: {resp.text[:200]!r}"
        except requests.RequestException as exc:
            last_error = repr(exc)
        time.sleep(0.25)
    handle.stop()
    raise RuntimeError(
        f"{handle.target} server did not answer GET /health with 200 OK within {timeout:.0f}s "
        f"(last: {last_error}).\n--- server log tail ---\n{handle.log_tail()}"
    )


_SERVER: ServerHandle | None = None
_ANY_FAILURE = False
_LOG_OFFSET = pytest.StashKey[int | None]()


@pytest.fixture(scope="session")
def server() -> ServerHandle:
    """Start the target server once per session and yield its handle."""
    global _SERVER
    port = _free_loopback_port()
    data_dir = Path(tempfile.mkdtemp(prefix=f"stride-client-{TARGET}-")).resolve()
    log_path = data_dir / "server.log"
    store_uri = _backend_store_uri(data_dir) if TARGET == "stride" else None
    cmd = _server_command(TARGET, port, data_dir, store_uri)
    env = dict(os.environ)
    env.update(_CLIENT_ENV)
    log_file = open(log_path, "wb")
    proc = subprocess.Popen(
        cmd,
        cwd=data_dir,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    log_file.close()
    handle = ServerHandle(TARGET, f"http://127.0.0.1:{port}", data_dir, log_path, proc)
    default_timeout = 120.0 if TARGET == "mlflow" else 20.0
    _wait_healthy(handle, float(os.environ.get("STRIDE_TEST_STARTUP_TIMEOUT", default_timeout)))
    _SERVER = handle
    try:
        yield handle
    finally:
        _SERVER = None
        handle.stop()
        if store_uri and store_uri.startswith("postgres"):
            _drop_postgres_database(store_uri)
        if _ANY_FAILURE:
            sys.stderr.write(
                f"\n[stride client tests] kept server data dir for inspection: {data_dir}\n"
            )
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def tracking_uri(server: ServerHandle) -> str:
    """The tracking URI of the running server; also exported to the mlflow client."""
    os.environ["MLFLOW_TRACKING_URI"] = server.uri
    mlflow.set_tracking_uri(server.uri)
    yield server.uri
    os.environ.pop("MLFLOW_TRACKING_URI", None)


@pytest.fixture
def client(tracking_uri: str) -> mlflow.MlflowClient:
    return mlflow.MlflowClient(tracking_uri=tracking_uri)


def unique_name(prefix: str = "exp") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def experiment_id(tracking_uri: str) -> str:
    """A fresh, uniquely named experiment that is the active one for this test."""
    exp = mlflow.set_experiment(unique_name("test"))
    yield exp.experiment_id
    while mlflow.active_run() is not None:
        mlflow.end_run()


@pytest.fixture
def run_id(client: mlflow.MlflowClient, experiment_id: str) -> str:
    """A fresh RUNNING run in the test's own experiment (created with MlflowClient)."""
    return client.create_run(experiment_id).info.run_id


class Api:
    """Thin raw-HTTP helper for wire-level assertions."""

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return self.session.get(self.url(path), **kw)

    def post(self, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return self.session.post(self.url(path), **kw)

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", 30)
        return self.session.request(method, self.url(path), **kw)


@pytest.fixture
def api(tracking_uri: str) -> Api:
    return Api(tracking_uri)


_SERVER_DIED_DURING: str | None = None


@pytest.fixture(autouse=True)
def _server_watchdog(request):
    """Crash watchdog: a server that exits during a test fails that test, by name."""
    global _SERVER_DIED_DURING
    yield
    if _SERVER is not None and _SERVER_DIED_DURING is None and _SERVER.proc.poll() is not None:
        _SERVER_DIED_DURING = request.node.nodeid
        pytest.fail(
            f"the {_SERVER.target} server exited with code {_SERVER.proc.returncode} during this test",
            pytrace=False,
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if _SERVER_DIED_DURING is not None:
        pytest.exit(f"the server crashed during {_SERVER_DIED_DURING}; the remaining tests cannot run", returncode=1)
    # Remember where the server log stood when this test started (the server
    # may not be up yet for the very first test: then show the plain tail).
    item.stash[_LOG_OFFSET] = _SERVER.log_size() if _SERVER is not None else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    global _ANY_FAILURE
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        _ANY_FAILURE = True
        if _SERVER is not None:
            offset = item.stash.get(_LOG_OFFSET, None)
            tail = _SERVER.log_tail() if offset is None else _SERVER.log_since(offset)
            report.sections.append(
                (f"{_SERVER.target} server log during this test ({_SERVER.log_path})", tail)
            )


def pytest_configure(config):
    # Noise from mlflow's dataset helpers under pandas 3, not about the server.
    config.addinivalue_line("filterwarnings", "ignore::UserWarning:mlflow.types.utils")
    config.addinivalue_line("filterwarnings", "ignore:Starting with pandas version 4.0")


def pytest_report_header(config):
    return f"stride client tests: target={TARGET}"
