"""Resource and protocol limits (issue 12, items 10-12), against the real binary.

Slow and silent connections are closed by the connection timeouts; bodies over an endpoint's
limit are refused while they are read, without the server's memory growing; requests NIO's HTTP
decoder refuses still get MLflow's error JSON; a 5xx carries a request id and never internal text.

The timeout and lock tests start a second server with short timeouts (Stride's own flags).
"""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import TARGET, ServerHandle, _free_loopback_port, _server_command, _wait_healthy, unique_name

pytestmark = pytest.mark.skipif(TARGET != "stride", reason="Stride's connection timeouts and body limits")

SHORT = 1.0  # seconds: every timeout of the short-timeout server
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def short_server() -> ServerHandle:
    """A second server whose idle, head, body and database-busy timeouts are all one second."""
    port = _free_loopback_port()
    data_dir = Path(tempfile.mkdtemp(prefix="stride-short-timeouts-")).resolve()
    log_path = data_dir / "server.log"
    flags = ["--idle-timeout", "1s", "--request-head-timeout", "1s", "--body-timeout", "1s", "--database-busy-timeout", "1s"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            _server_command("stride", port, data_dir) + flags,
            cwd=data_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    handle = ServerHandle("stride", f"http://127.0.0.1:{port}", data_dir, log_path, proc)
    _wait_healthy(handle, 20.0)
    yield handle
    handle.stop()


def address(server: ServerHandle) -> tuple[str, int]:
    host, port = server.uri.removeprefix("http://").split(":")
    return host, int(port)


def read_until_closed(sock: socket.socket, limit: float = 10.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed."""
    start = time.monotonic()
    sock.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


def exchange(server: ServerHandle, raw: bytes) -> bytes:
    with socket.create_connection(address(server)) as sock:
        sock.sendall(raw)
        return read_until_closed(sock)[0]


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {name.strip().lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
    return status, headers, body


def assert_mlflow_error(raw: bytes, status: int, code: str, phrase: str) -> None:
    got_status, headers, body = split_response(raw)
    assert got_status == status, raw[:300]
    assert headers["content-type"].startswith("application/json")
    payload = requests.models.complexjson.loads(body)
    assert payload["error_code"] == code
    assert phrase in payload["message"]


def rss_kb(server: ServerHandle) -> int:
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS line")


def metrics_body(byte_count: int) -> bytes:
    metric = b'{"key":"loss","value":0.5,"timestamp":1700000000000,"step":1},'
    count = byte_count // len(metric) + 1
    return b'{"run_id":"0123456789abcdef0123456789abcdef","metrics":[' + metric * count + b'{"key":"x","value":1,"timestamp":1,"step":0}]}'


# --- connection timeouts ----------------------------------------------------------------


def test_a_head_sent_byte_by_byte_is_answered_408_and_closed_after_the_head_timeout(short_server):
    with socket.create_connection(address(short_server)) as sock:
        start = time.monotonic()
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for _ in range(20):
            try:
                sock.sendall(b"X-Slow: y\r\n")
            except OSError:
                break
            time.sleep(0.25)
            if time.monotonic() - start > 4:
                break
        raw, _ = read_until_closed(sock)
        elapsed = time.monotonic() - start
    assert elapsed < SHORT + 2.5
    assert_mlflow_error(raw, 408, "BAD_REQUEST", "request head was not received in time")


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_timeout(short_server):
    with socket.create_connection(address(short_server)) as sock:
        raw, elapsed = read_until_closed(sock)
    assert raw == b""
    assert SHORT - 0.2 < elapsed < SHORT + 2


def test_an_idle_keep_alive_connection_is_closed_after_its_response(short_server):
    with socket.create_connection(address(short_server)) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        raw, elapsed = read_until_closed(sock)
    status, _, body = split_response(raw)
    assert (status, body) == (200, b"OK")
    assert elapsed < SHORT + 2


def test_a_body_that_stops_arriving_is_closed_after_the_body_timeout(short_server):
    with socket.create_connection(address(short_server)) as sock:
        sock.sendall(b"POST /api/2.0/mlflow/runs/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"experiment_ids\"")
        _, elapsed = read_until_closed(sock)
    assert elapsed < SHORT + 2


def test_a_slow_body_that_keeps_making_progress_is_served(short_server):
    body = b'{"name": "' + unique_name("slow").encode() + b'"}'
    with socket.create_connection(address(short_server)) as sock:
        sock.sendall(b"POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        for index in range(0, len(body), 8):  # 0.5 s between pieces, 3+ s in all: longer than the timeout
            sock.sendall(body[index:index + 8])
            time.sleep(0.5)
        raw, _ = read_until_closed(sock)
    status, _, payload = split_response(raw)
    assert status == 200, payload
    assert b"experiment_id" in payload


# --- body limits, applied while reading -------------------------------------------------


def test_a_log_batch_over_one_megabyte_is_refused_before_it_is_read(server, api):
    before = rss_kb(server)
    for _ in range(4):
        resp = api.post("/api/2.0/mlflow/runs/log-batch", data=metrics_body(20_000_000), headers=JSON)
        assert resp.status_code == 400, resp.text[:300]
        assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert "at most 1000000 bytes" in resp.json()["message"]
    assert rss_kb(server) - before < 30_000, "the refused bodies were held in memory"


def test_a_chunked_log_batch_is_refused_at_the_byte_that_crosses_the_limit(server, api):
    body = metrics_body(3_000_000)
    before = rss_kb(server)
    pieces = (body[i:i + 65536] for i in range(0, len(body), 65536))
    resp = api.post("/api/2.0/mlflow/runs/log-batch", data=pieces, headers=JSON)
    assert resp.status_code == 400, resp.text[:300]
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "at most 1000000 bytes" in resp.json()["message"]
    assert rss_kb(server) - before < 30_000


def test_a_21_megabyte_body_is_refused_by_the_largest_limit(api):
    resp = api.post("/api/2.0/mlflow/runs/log-inputs", data=b" " * (21 * 1024 * 1024), headers=JSON)
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "at most 20971520 bytes" in resp.json()["message"]


def test_a_search_body_over_its_limit_is_refused_naming_the_limit(api):
    resp = api.post("/api/2.0/mlflow/runs/search", data=b'{"filter": "' + b"a" * 1_000_000 + b'"}', headers=JSON)
    assert resp.status_code == 400
    assert "at most 1000000 bytes" in resp.json()["message"]


def test_json_nested_beyond_the_depth_limit_is_a_400(api):
    resp = api.post("/api/2.0/mlflow/runs/search", data=b"[" * 20_000 + b"]" * 20_000, headers=JSON)
    assert resp.status_code == 400
    assert resp.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert "nesting deeper than 256 levels" in resp.json()["message"]


def test_a_ui_form_over_its_limit_is_a_400_page(api):
    resp = api.post("/experiments/create", data={"name": "x" * 300_000})
    assert resp.status_code == 400
    assert "text/html" in resp.headers["Content-Type"]
    assert "larger than 256 KB" in resp.text


# --- protocol errors before routing -----------------------------------------------------


def test_bad_chunked_encoding_is_a_400_in_mlflows_shape(server):
    raw = exchange(server, b"POST /api/2.0/mlflow/runs/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    assert_mlflow_error(raw, 400, "BAD_REQUEST", "Malformed chunked request body")


def test_a_url_over_80_kilobytes_gets_mlflows_error_json(server):
    raw = exchange(server, b"GET /api/2.0/mlflow/experiments/get?experiment_id=" + b"1" * 90_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert_mlflow_error(raw, 431, "BAD_REQUEST", "exceed 81920 bytes")


def test_a_raw_non_ascii_url_gets_mlflows_error_json(server):
    raw = exchange(server, "GET /api/2.0/mlflow/experiments/get-by-name?experiment_name=é HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert_mlflow_error(raw, 400, "BAD_REQUEST", "characters outside ASCII must be percent-encoded")


# --- server faults ----------------------------------------------------------------------


def test_a_write_against_a_locked_database_is_a_503_with_a_request_id_and_no_sql(short_server):
    locker = sqlite3.connect(short_server.data_dir / "stride.db", isolation_level=None, timeout=5)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        resp = requests.post(short_server.uri + "/api/2.0/mlflow/experiments/create", json={"name": unique_name("locked")}, timeout=30)
        elapsed = time.monotonic() - start
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert resp.status_code == 503, resp.text
    body = resp.json()
    request_id = resp.headers["X-Request-Id"]
    assert body["error_code"] == "TEMPORARILY_UNAVAILABLE"
    assert body["message"].endswith(f"request id {request_id}")
    assert "SQL" not in body["message"] and "locked" not in body["message"]
    assert SHORT - 0.2 < elapsed < SHORT + 5
    assert request_id in short_server.log_tail()
    retried = requests.post(short_server.uri + "/api/2.0/mlflow/experiments/create", json={"name": unique_name("after")}, timeout=30)
    assert retried.status_code == 200
