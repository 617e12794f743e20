"""Several `stride server` processes on one store and one artifact folder, behind Debian's nginx.

The cluster fixture starts three instances with `--auth` on one database (PostgreSQL when
STRIDE_TEST_POSTGRES_URL names a server, with a fresh database of its own; otherwise one SQLite
file, which processes on one host can share) and nginx in front of them, round robin, configured as
docs/operations.md and the README's production recipe write it. Projects and tokens are made with
the `stride` command line, as an operator would.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

os.environ.update({"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "MLFLOW_HTTP_REQUEST_TIMEOUT": "30"})

import pytest  # noqa: E402
import requests  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]

INSTANCES = 3
NGINX_CONF = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client-body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream stride {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        # Artifacts stream through Stride; nginx must neither cap nor buffer them.
        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;
        location / {{
            proxy_pass http://stride;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host:$server_port;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stride_binary() -> str:
    return os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")


class Instance:
    def __init__(self, port: int, log_path: Path, command: list[str], env: dict[str, str], cwd: Path):
        self.port, self.log_path, self.command, self.env, self.cwd = port, log_path, command, env, cwd
        self.uri = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_healthy(self.uri, self.proc, self.log_path)

    def kill_hard(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def wait_until_healthy(uri: str, proc: subprocess.Popen, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{uri} exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            if requests.get(f"{uri}/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{uri} did not become healthy:\n{log_path.read_text(errors='replace')[-3000:]}")


class Cluster:
    def __init__(self, data_dir: Path, store_uri: str, instances: list[Instance], balancer: str, tokens: dict[str, str],
                 admin_env: dict[str, str]):
        self.data_dir, self.store_uri, self.instances = data_dir, store_uri, instances
        self.balancer, self.tokens, self.admin_env = balancer, tokens, admin_env

    def stride(self, *args: str) -> str:
        """The `stride` command line on the cluster's store, as an operator runs it."""
        result = subprocess.run([stride_binary(), *args], env=self.admin_env, capture_output=True, text=True,
                                timeout=60, check=True)
        return result.stdout.strip()


@contextmanager
def fresh_store(data_dir: Path):
    """A store URI no other test uses: a new PostgreSQL database, or a SQLite file in `data_dir`."""
    server = os.environ.get("STRIDE_TEST_POSTGRES_URL")
    if not server:
        yield f"sqlite:///{data_dir}/stride.db"
        return
    name = f"stride_multi_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, _, query = server.partition("?")
    uri = base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")
    try:
        yield uri
    finally:
        subprocess.run(["psql", server, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


@pytest.fixture(scope="module")
def cluster():
    if shutil.which("nginx") is None:
        pytest.fail("nginx is needed for the multi-instance tests: apt-get install nginx-light (or nginx)")
    data_dir = Path(tempfile.mkdtemp(prefix="stride-multi-")).resolve()
    with fresh_store(data_dir) as store_uri:
        env = {**os.environ, "STRIDE_BACKEND_STORE_URI": store_uri}

        def admin(*args: str) -> str:
            return subprocess.run([stride_binary(), *args], env=env, capture_output=True, text=True, timeout=60,
                                  check=True).stdout.strip()

        admin("project", "create", "vision")
        tokens = {
            "vision-writer": admin("token", "create", "--project", "vision", "--role", "writer"),
            "vision-admin": admin("token", "create", "--project", "vision", "--role", "admin"),
            "server-admin": admin("token", "create", "--project", "default", "--role", "admin"),
        }
        instances = []
        for index in range(INSTANCES):
            port = _free_loopback_port()
            command = [stride_binary(), "server", "--auth", "--host", "127.0.0.1", "--port", str(port),
                       "--backend-store-uri", store_uri, "--artifacts-destination", str(data_dir / "artifacts")]
            instances.append(Instance(port, data_dir / f"stride-{index}.log", command, env, data_dir))
        balancer_port = _free_loopback_port()
        nginx_dir = data_dir / "nginx"
        nginx_dir.mkdir()
        servers = "\n".join(f"        server 127.0.0.1:{i.port} max_fails=1 fail_timeout=5s;" for i in instances)
        (nginx_dir / "nginx.conf").write_text(NGINX_CONF.format(prefix=nginx_dir, servers=servers, port=balancer_port))
        nginx = None
        try:
            for instance in instances:
                instance.start()
            nginx = subprocess.Popen(["nginx", "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"), "-g", "daemon off;"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     start_new_session=True)
            wait_until_healthy(f"http://127.0.0.1:{balancer_port}", nginx, nginx_dir / "nginx-error.log")
            yield Cluster(data_dir, store_uri, instances, f"http://127.0.0.1:{balancer_port}", tokens, env)
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(timeout=10)
            for instance in instances:
                instance.stop()
    shutil.rmtree(data_dir, ignore_errors=True)
