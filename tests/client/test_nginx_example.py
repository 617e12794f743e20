"""docs/operations.md's nginx example, as written: nginx from Debian on loopback in front of a
private Stride, with the `mlflow` client driven through the proxy. Skipped where nginx is absent."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import mlflow
import pytest
import requests

from conftest import REPO_ROOT, TARGET, ServerHandle, _free_loopback_port, _wait_healthy

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
pytestmark = [
    pytest.mark.skipif(TARGET != "stride", reason="Stride's deployment example"),
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)"),
]

EXAMPLE = REPO_ROOT / "docs" / "examples" / "nginx-stride.conf"
BINARY = os.environ.get("STRIDE_BIN") or str(REPO_ROOT / ".build" / "debug" / "stride")


@pytest.fixture(scope="module")
def proxied():
    work = Path(tempfile.mkdtemp(prefix="stride-nginx-")).resolve()
    stride_port, nginx_port = _free_loopback_port(), _free_loopback_port()
    with open(work / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [BINARY, "server", "--port", str(stride_port), "--allowed-hosts", "mlflow.example.com,127.0.0.1:*",
             "--backend-store-uri", f"sqlite:///{work}/stride.db", "--artifacts-destination", f"{work}/artifacts"],
            stdout=log, stderr=subprocess.STDOUT, cwd=work, start_new_session=True)
    stride = ServerHandle("stride", f"http://127.0.0.1:{stride_port}", work, work / "server.log", proc)
    _wait_healthy(stride, timeout=30)
    # The example as written; only the listening port and the upstream's port change.
    site = EXAMPLE.read_text()
    site = site.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{stride_port};")
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{nginx_port};", site)
    (work / "nginx.conf").write_text(
        f"daemon off;\npid {work}/nginx.pid;\nerror_log {work}/nginx-error.log;\nevents {{}}\n"
        f"http {{\naccess_log {work}/nginx-access.log;\nclient_body_temp_path {work}/body;\nproxy_temp_path {work}/proxy;\n"
        f"fastcgi_temp_path {work}/fcgi;\nuwsgi_temp_path {work}/uwsgi;\nscgi_temp_path {work}/scgi;\n{site}\n}}\n")
    nginx = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-p", str(work)], stderr=subprocess.PIPE, start_new_session=True)
    uri = f"http://127.0.0.1:{nginx_port}"
    for _ in range(50):
        try:
            if requests.get(f"{uri}/health", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    yield uri
    nginx.terminate()
    nginx.wait(timeout=10)
    stride.stop()
    shutil.rmtree(work, ignore_errors=True)


def test_the_mlflow_client_works_through_the_nginx_example(proxied, tmp_path):
    client = mlflow.MlflowClient(proxied)
    experiment = client.create_experiment("through-nginx")
    run = client.create_run(experiment).info.run_id
    client.log_batch(run, metrics=[mlflow.entities.Metric("loss", i / 10, 1, i) for i in range(2000)])
    payload = tmp_path / "model.bin"
    payload.write_bytes(os.urandom(5 * 1024 * 1024))
    client.log_artifact(run, str(payload))
    downloaded = Path(client.download_artifacts(run, "model.bin", str(tmp_path / "down")))
    assert downloaded.read_bytes() == payload.read_bytes()
    assert len(client.get_metric_history(run, "loss")) == 2000
    response = requests.get(f"{proxied}/api/2.0/mlflow/runs/get", params={"run_id": run}, timeout=10)
    assert response.headers["X-Request-Id"]
    metrics = requests.get(f"{proxied}/metrics", timeout=10)
    assert metrics.status_code == 200 and "stride_metric_points_ingested_total 2000" in metrics.text
