"""Helpers for the S3 tests: a moto S3 server, a Stride over it, and a TCP proxy that can cut the line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from conftest import REPO_ROOT, ServerHandle, _CLIENT_ENV, _free_loopback_port, _wait_healthy

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


class Moto:
    """`python -m moto.server` on loopback; `require_auth` makes it check access keys (all unknown)."""

    def __init__(self, require_auth: bool = False):
        self.port = _free_loopback_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, **CREDENTIALS)
        if require_auth:
            env["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(self.endpoint + "/moto-api/", timeout=2)
                return
            except requests.RequestException:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"moto did not start on {self.endpoint}")
                time.sleep(0.2)

    def boto(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def start_stride(*args: str, env: dict[str, str]) -> ServerHandle:
    """Stride with fresh data and `args` after the usual ones; the caller stops it."""
    port = _free_loopback_port()
    data_dir = Path(tempfile.mkdtemp(prefix="stride-client-s3-")).resolve()
    log_path = data_dir / "server.log"
    binary = Path(os.environ.get("STRIDE_BIN") or REPO_ROOT / ".build" / "debug" / "stride")
    cmd = [str(binary), "server", "--host", "127.0.0.1", "--port", str(port),
           "--backend-store-uri", f"sqlite:///{data_dir}/stride.db", *args]
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(cmd, cwd=data_dir, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                env=dict(os.environ, **_CLIENT_ENV, **env), start_new_session=True)
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", data_dir, log_path, proc)
    _wait_healthy(handle, 20.0)
    return handle


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection and refuses new ones
    until `resume()`, as an object store that goes away and comes back."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = _free_loopback_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.resume()

    def resume(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
            listener, self._listener = self._listener, None
        for sock in [listener, *sockets]:
            if sock is None:
                continue
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                downstream, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._sockets += [downstream, upstream]
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(256 * 1024):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
