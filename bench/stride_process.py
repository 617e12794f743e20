"""A Stride server started for one benchmark: fresh data folder, free loopback port, RSS from /proc.

Shared by bench/max_bodies.py and bench/soak.py; needs only the standard library and `requests`.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

REPO_DIR = Path(__file__).resolve().parent.parent


class StrideProcess:
    def __init__(self, binary: str | None, extra_flags: list[str] | None = None, port: int | None = None):
        self.binary = Path(binary or REPO_DIR / ".build" / "release" / "stride").resolve()
        if not self.binary.is_file():
            raise SystemExit(f"no Stride binary at {self.binary}: build it (swift build -c release) or pass --stride-bin")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port or 0))
            self.port = probe.getsockname()[1]
        self.data_dir = Path(tempfile.mkdtemp(prefix="stride-bench-"))
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.data_dir / "server.log"
        command = [
            str(self.binary), "server", "--host", "127.0.0.1", "--port", str(self.port),
            "--backend-store-uri", f"sqlite:///{self.data_dir}/stride.db",
            "--artifacts-destination", f"{self.data_dir}/artifacts", *(extra_flags or []),
        ]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(command, cwd=self.data_dir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"Stride did not start; log: {self.log_path}")

    def status_kb(self, field: str) -> int:
        """A `/proc/<pid>/status` field in kB: VmRSS now, VmHWM the peak so far."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} in /proc/{self.proc.pid}/status")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, keep_data: bool = False) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if not keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)
