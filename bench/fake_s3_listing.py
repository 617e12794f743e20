#!/usr/bin/env python3
"""A read-only S3 stand-in that answers ListObjectsV2 at once, for timing a server's own listing cost.

moto spends 0.6-1.7 s serialising each page of 1,000 keys, so on moto every server lists a folder of
10,000 objects at moto's speed. This server holds 10,000 one-byte keys below each PREFIX and answers
ListObjectsV2 pages from memory (rendered once, then cached); every other request is a 404.

    python bench/fake_s3_listing.py PORT PREFIX...      # e.g. 6002 stride/0/runA/artifacts/many/
    MLFLOW_S3_ENDPOINT_URL=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \\
        stride server --artifacts-destination s3://bucket/stride ...
    time curl -s 'http://127.0.0.1:5000/api/2.0/mlflow-artifacts/artifacts?path=0/runA/artifacts/many' -o /dev/null

Any bucket name is accepted; continuation tokens are offsets.

With --time it runs the comparison itself: the fake S3 on PORT, then each server in turn on 127.0.0.1
with `--artifacts-destination s3://bench/<server>` pointed at it, one warm-up listing and then REPEATS
timed listings of the folder (10,000 entries, checked) through the artifacts API; it prints the medians.

    python bench/fake_s3_listing.py --time PORT --stride-bin .build/release/stride --mlflow-bin mlflow [--repeats 7]
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

OBJECTS_PER_PREFIX = 10_000


def main() -> None:
    port, prefixes = int(sys.argv[1]), sys.argv[2:]
    keys = sorted(f"{prefix}f{i:05d}.txt" for prefix in prefixes for i in range(OBJECTS_PER_PREFIX))
    pages: dict[tuple, bytes] = {}

    def page(prefix: str, max_keys: int, token: str | None) -> bytes:
        cache_key = (prefix, max_keys, token)
        if cache_key not in pages:
            matching = [key for key in keys if key.startswith(prefix)]
            start = int(token or 0)
            chunk, more = matching[start:start + max_keys], start + max_keys < len(matching)
            parts = ['<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
                     f"<Prefix>{prefix}</Prefix><MaxKeys>{max_keys}</MaxKeys><KeyCount>{len(chunk)}</KeyCount>",
                     f"<IsTruncated>{'true' if more else 'false'}</IsTruncated>"]
            if more:
                parts.append(f"<NextContinuationToken>{start + max_keys}</NextContinuationToken>")
            parts += [f"<Contents><Key>{key}</Key><LastModified>2026-12-03T22:00:00.000Z</LastModified>"
                      f"<ETag>&quot;9dd4e461268c8034f5c8564e155c67a6&quot;</ETag><Size>1</Size>"
                      f"<StorageClass>STANDARD</StorageClass></Contents>" for key in chunk]
            parts.append("</ListBucketResult>")
            pages[cache_key] = "".join(parts).encode()
        return pages[cache_key]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status: int, body: bytes = b"") -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Type", "application/xml")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.answer(404)

        def do_GET(self):
            query = {name: values[0] for name, values in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}
            if query.get("list-type") == "2":
                self.answer(200, page(query.get("prefix", ""), int(query.get("max-keys", "1000")), query.get("continuation-token")))
            else:
                self.answer(404, b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>")

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


LISTED_PATH = "0/runA/artifacts/many"


def time_servers(argv: list[str]) -> None:
    """Times listing the fake folder through each server named by --stride-bin / --mlflow-bin."""
    port = int(argv[0])
    options = dict(zip(argv[1::2], argv[2::2]))
    repeats = int(options.get("--repeats", "7"))
    servers = [(name, options[f"--{name}-bin"]) for name in ("stride", "mlflow") if f"--{name}-bin" in options]
    prefixes = [f"{name}/{LISTED_PATH}/" for name, _ in servers]
    fake = subprocess.Popen([sys.executable, __file__, str(port), *prefixes], start_new_session=True)
    env = dict(os.environ, MLFLOW_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="x",
               AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1", MLFLOW_DISABLE_TELEMETRY="true")
    try:
        for offset, (name, binary) in enumerate(servers, start=1):
            server_port = port + offset
            data = tempfile.mkdtemp(prefix=f"fake-listing-{name}-")
            cmd = [binary, "server", "--host", "127.0.0.1", "--port", str(server_port),
                   "--backend-store-uri", f"sqlite:///{data}/{name}.db", "--artifacts-destination", f"s3://bench/{name}"]
            if name == "mlflow":
                cmd += ["--workers", "1"]
            server = subprocess.Popen(cmd, cwd=data, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
            try:
                url = f"http://127.0.0.1:{server_port}/api/2.0/mlflow-artifacts/artifacts?path={LISTED_PATH}"
                deadline = time.monotonic() + 180
                while True:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{server_port}/health", timeout=5).read()
                        break
                    except OSError:
                        if time.monotonic() > deadline or server.poll() is not None:
                            raise RuntimeError(f"{name} did not start")
                        time.sleep(0.5)
                seconds = []
                for attempt in range(repeats + 1):
                    started = time.monotonic()
                    listing = json.loads(urllib.request.urlopen(url, timeout=120).read())
                    elapsed = time.monotonic() - started
                    if len(listing.get("files", [])) != OBJECTS_PER_PREFIX:
                        raise RuntimeError(f"{name} listed {len(listing.get('files', []))} entries")
                    if attempt > 0:  # the first listing warms up connections and caches
                        seconds.append(elapsed)
                print(f"{name}: median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s, "
                      f"max {max(seconds):.3f} s over {repeats} listings of {OBJECTS_PER_PREFIX} objects", flush=True)
            finally:
                os.killpg(server.pid, 15)
                server.wait(timeout=30)
    finally:
        os.killpg(fake.pid, 15)
        fake.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--time"]:
        time_servers(sys.argv[2:])
    else:
        main()
