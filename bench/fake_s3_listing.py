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
"""

import sys
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


if __name__ == "__main__":
    main()
